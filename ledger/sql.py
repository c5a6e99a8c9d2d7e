"""Low-level cursors for the event store's and projections' hot paths."""

from __future__ import annotations

import datetime
import functools
import itertools
import re
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models


@functools.cache
def vendor() -> str:
    """The database's vendor, fixed for the process. On the append path: read through Django's
    connection proxy (``connection.vendor``) it costs about a microsecond every time."""
    return connections[DEFAULT_DB_ALIAS].vendor


@functools.cache
def max_query_params() -> int:
    """The most parameters one statement may carry (10,000 where the backend sets no limit)."""
    return connections[DEFAULT_DB_ALIAS].features.max_query_params or 10_000


@contextmanager
def fast_cursor() -> Iterator[Any]:
    """A cursor on Django's connection (same transaction) for prepared, repeated statements.

    On PostgreSQL it binds parameters on the server (Django's cursors interpolate them into the
    SQL text on the client, which costs more than the insert itself for 1,000-parameter
    multi-row statements) and lets psycopg prepare statements that repeat. Database errors are
    translated to Django's exceptions as with ``connection.cursor()``.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


@contextmanager
def pipeline() -> Iterator[None]:
    """Send the statements issued inside to PostgreSQL together, without waiting for each.

    Results are read when a cursor's rows are fetched (which waits for everything sent so far),
    so issuing every statement before fetching any makes the lot one network round trip. On
    SQLite this does nothing. Errors surface at the first fetch or at the end of the block.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield


# Statements one connection keeps prepared for ``_run_in_one_sync``; past this many a statement
# is parsed with its execution (an unnamed statement), as any other query is.
PREPARED_MAX = 128
_PLACEHOLDER = re.compile(r"%([s%])")


class _Prepared:
    """The statements ``_run_in_one_sync`` has prepared on one psycopg connection."""

    def __init__(self) -> None:
        self.names: dict[str, bytes] = {}
        self.created = 0

    def new_name(self) -> bytes:
        """A name no statement of this connection has had (b"", unnamed, once at the cap)."""
        if len(self.names) >= PREPARED_MAX:
            return b""
        self.created += 1
        return f"ledger_{self.created}".encode()


_prepared_by_connection: weakref.WeakKeyDictionary[Any, _Prepared] = weakref.WeakKeyDictionary()


def _numbered_placeholders(sql: str) -> bytes:
    """``%s`` placeholders as PostgreSQL's ``$1, $2, ...`` (and ``%%`` as ``%``)."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(
        lambda match: f"${next(numbers)}" if match[1] == "s" else "%", sql
    ).encode()


def _run_in_one_sync(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
    """Run statements on PostgreSQL as one transaction in one round trip; each one's result.

    Only outside any transaction (autocommit). Each statement runs as a prepared statement of
    this connection (parsed and planned once, its parameters bound on the server), and all of
    them are sent in pipeline mode followed by a single Sync: the extended query protocol runs
    what comes before a Sync as one transaction, committed at the Sync, and after an error it
    skips the remaining statements and rolls the lot back. When the connection has lost its
    prepared statements (a ``DEALLOCATE``), the server refuses the first with nothing done:
    they are prepared again and sent once more.
    """
    import psycopg

    db = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    conn = db.connection
    prepared = _prepared_by_connection.get(conn)
    if prepared is None:
        prepared = _prepared_by_connection[conn] = _Prepared()
    with db.wrap_database_errors:
        try:
            return _send_in_one_sync(conn, prepared, statements)
        except psycopg.errors.InvalidSqlStatementName:
            prepared.names.clear()
            return _send_in_one_sync(conn, prepared, statements)


def _send_in_one_sync(
    conn: Any, prepared: _Prepared, statements: Sequence[tuple[str, Sequence[Any]]]
) -> list[Any]:
    from psycopg import errors, pq
    from psycopg.adapt import PyFormat, Transformer
    from psycopg.generators import fetch_many, send

    pgconn = conn.pgconn
    transformer = Transformer.from_context(conn)
    # Per command sent: the statement it prepares (its SQL and name), or None for an execution.
    sent: list[tuple[str, bytes] | None] = []
    preparing: dict[str, bytes] = {}  # named in this pipeline, before their first result
    batches: list[list[Any]] = []
    try:
        with conn.lock:
            pgconn.enter_pipeline_mode()
            for sql, params in statements:
                name = prepared.names.get(sql) or preparing.get(sql)
                if name is None:
                    name = prepared.new_name()
                    pgconn.send_prepare(name, _numbered_placeholders(sql))
                    sent.append((sql, name))
                    if name:
                        preparing[sql] = name
                values = transformer.dump_sequence(params, [PyFormat.TEXT] * len(params))
                pgconn.send_query_prepared(name, values)
                sent.append(None)
            pgconn.pipeline_sync()
            conn.wait(send(pgconn))
            while len(batches) < len(sent):
                batches.append(conn.wait(fetch_many(pgconn)))
            synced = conn.wait(fetch_many(pgconn))
            if [result.status for result in synced] != [pq.ExecStatus.PIPELINE_SYNC]:
                raise errors.OperationalError(f"expected the pipeline's Sync, got {synced!r}")
            pgconn.exit_pipeline_mode()
    except BaseException:
        if pgconn.pipeline_status != pq.PipelineStatus.OFF:
            # Results were left unread: the connection is in an unknown state.
            connections[DEFAULT_DB_ALIAS].close()
        raise
    results = []
    for preparation, batch in zip(sent, batches, strict=True):
        result = batch[-1]
        if result.status == pq.ExecStatus.FATAL_ERROR:
            # The first error: every command after it was skipped, the transaction rolled back.
            raise errors.error_from_result(result, encoding=conn.info.encoding)
        if result.status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
            raise errors.OperationalError(f"unexpected result in a pipeline: {result.status!r}")
        if preparation is None:
            results.append(result)
        elif preparation[1]:
            prepared.names[preparation[0]] = preparation[1]
    return [_loaded(transformer, result) for result in results]


def _loaded(transformer: Any, result: Any) -> list[tuple[Any, ...]]:
    """A result's rows, loaded as psycopg's cursors load them (none for a command)."""
    transformer.set_pgresult(result)
    return transformer.load_rows(0, result.ntuples, tuple)  # type: ignore[no-any-return]


def execute_as_one_transaction(statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Run several statements as one transaction in one round trip (PostgreSQL, autocommit)."""
    _run_in_one_sync(statements)


def fetch_as_one(statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
    """Run several reads in one round trip (PostgreSQL, autocommit); the rows of each. The
    reads share one transaction."""
    return _run_in_one_sync(statements)


def execute_statements(statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
    """Run statements in order, each on its own ``fast_cursor`` (inside ``pipeline()`` none of
    them waits for the one before)."""
    with ExitStack() as cursors:
        for sql, params in statements:
            cursors.enter_context(fast_cursor()).execute(sql, params)


def multi_row_statements(
    insert: str, placeholder: str, rows: Sequence[Sequence[Any]], *, columns: int, tail: str = ""
) -> list[tuple[str, list[Any]]]:
    """Multi-row INSERTs of prepared rows of ``columns`` values: ``insert`` (``INSERT INTO t
    (...) VALUES``), one ``placeholder`` per row, then ``tail`` (an ON CONFLICT clause), with as
    many rows per statement as the database's parameter limit allows, 500 at most."""
    per_statement = max(1, min(500, max_query_params() // columns))
    suffix = f" {tail}" if tail else ""
    return [
        (
            f"{insert} {', '.join([placeholder] * len(chunk))}{suffix}",
            [value for row in chunk for value in row],
        )
        for chunk in (
            rows[index : index + per_statement] for index in range(0, len(rows), per_statement)
        )
    ]


# Below this many rows an INSERT (pipelined with its neighbours) beats a COPY's extra setup.
COPY_MIN_ROWS = 50


def copy_allowed(rows: int) -> bool:
    """Whether ``copy_rows`` should be used for a batch of this size."""
    return rows >= COPY_MIN_ROWS and vendor() == "postgresql"


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert prepared rows with PostgreSQL's COPY, in the current transaction.

    ``table`` and ``columns`` are quoted names. Not usable inside ``pipeline()``.
    """
    import psycopg

    connection.ensure_connection()
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def value_preparer(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """A function turning a field's Python value into its database parameter.

    The same result as ``field.get_db_prep_save(value, connection)``, which costs microseconds
    per value in Django's generic path; on PostgreSQL the common cases are done directly.
    """

    def generic(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    if vendor() != "postgresql":
        return generic
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        adapt_json_value = connection.ops.adapt_json_value

        def json_value(value: Any) -> Any:
            if value is None:
                return None
            return adapt_json_value(value, encoder)

        return json_value
    if isinstance(field, models.UUIDField):

        def uuid_value(value: Any) -> Any:
            if value is None or isinstance(value, uuid.UUID):
                return value
            if isinstance(value, str):
                try:
                    return uuid.UUID(value)
                except ValueError:
                    pass  # Django's path raises its ValidationError naming the value
            return generic(value)

        return uuid_value
    if isinstance(field, models.DateTimeField):

        def datetime_value(value: Any) -> Any:
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                return value
            return generic(value)

        return datetime_value
    if isinstance(field, models.IntegerField | models.CharField | models.TextField):
        plain = (int, str) if isinstance(field, models.IntegerField) else (str,)

        def plain_value(value: Any) -> Any:
            if value is None or (type(value) in plain):
                return value
            return generic(value)

        return plain_value
    return generic


def row_converter(
    model: type[models.Model], attnames: Sequence[str]
) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A function turning a fetched row of these fields into their Python values.

    The conversions Django's ORM applies (JSON decoding, SQLite datetimes, ...), for rows read
    with a plain cursor.
    """
    table = model._meta.db_table
    steps = []
    for attname in attnames:
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        column = field.get_col(table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        steps.append((functions, column))

    def convert(values: Sequence[Any]) -> tuple[Any, ...]:
        converted = []
        for value, (functions, column) in zip(values, steps, strict=True):
            for function in functions:
                value = function(value, column, connection)
            converted.append(value)
        return tuple(converted)

    return convert


def execute_unprepared(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """Execute without letting psycopg turn the statement into a server-side prepared one.

    For reads whose best plan depends on the table's size (``IN`` lists over the events table):
    a prepared statement's generic plan, chosen while the table was small, would stay cached
    for the connection's life as the table grows.
    """
    if connection.vendor == "postgresql":
        cursor.execute(sql, params, prepare=False)
    else:
        cursor.execute(sql, params)


@functools.cache
def _utc_timestamptz_loader() -> type[Any]:
    """Django's timestamptz loader for UTC, loading through psycopg's compiled loader.

    Django (5.2) registers a loader derived from psycopg's pure-Python ``TimestamptzLoader``,
    which parses every timestamp in Python (Django ticket #36960): about 7 µs per value, more
    than the rest of a row's loading. psycopg's compiled loader cannot be subclassed, so this
    Django loader keeps Django's class (and its ``timezone`` attribute, which Django's cursors
    compare) and hands each value to the compiled loader. On a session whose ``TimeZone`` is
    UTC both give the same aware datetime in ``datetime.UTC``; on any other session it
    loads as Django's own loader does.
    """
    import psycopg
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg.pq import Format

    compiled = psycopg.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, Format.TEXT)

    class UtcTimestamptzLoader(BaseTzLoader):  # type: ignore[misc]
        timezone = datetime.UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            utc = self.connection is not None and (
                self.connection.info.parameter_status("TimeZone") == "UTC"
            )
            self._compiled = compiled(oid, context).load if utc and compiled is not None else None

        def load(self, data: Any) -> datetime.datetime:
            if self._compiled is None:
                return super().load(data)  # type: ignore[no-any-return]
            return self._compiled(data)  # type: ignore[no-any-return]

    return UtcTimestamptzLoader


def use_compiled_timestamptz_loader(*, connection: Any, **_: Any) -> None:
    """``connection_created`` receiver: load timestamps with ``_utc_timestamptz_loader`` on a
    PostgreSQL connection whose Django time zone is UTC (settings.TIME_ZONE with USE_TZ)."""
    if connection.vendor != "postgresql" or connection.timezone != datetime.UTC:
        return
    connection.connection.adapters.register_loader("timestamptz", _utc_timestamptz_loader())
