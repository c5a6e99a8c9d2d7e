"""Low-level cursors for the event store's and projections' hot paths."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import uuid
from collections.abc import Callable, Iterator, Sequence
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


# Below this many rows an INSERT (pipelined with its neighbours) beats a COPY's extra setup.
COPY_MIN_ROWS = 50


@dataclasses.dataclass(frozen=True)
class TableWrite:
    """Prepared rows for one table, as an append's plan holds them until ``send``.

    ``table`` and ``columns`` are quoted names; ``conflict`` is the INSERT's ON CONFLICT clause
    (empty: plain inserts). ``new`` rows are known not to exist yet, so they may be COPYed.
    """

    table: str
    columns: tuple[str, ...]
    rows: list[Sequence[Any]]
    conflict: str = ""
    new: bool = True


def send(writes: Sequence[TableWrite], *, commit: bool = False) -> None:
    """The send step of an append: write every planned row, in the current transaction.

    The multi-row INSERTs (upserts for read-model rows) of every table go in one round trip:
    on PostgreSQL as one statement, each table's INSERT a data-modifying ``WITH`` part of it
    (``_one_statement``); on SQLite one after the other. Large groups of new rows are COPYed
    instead, after them (COPY cannot run inside a pipeline). A failure raises and leaves the
    transaction to roll back.

    ``commit``: the caller's ``transaction.atomic`` block is the transaction's outermost and
    nothing follows the send in it. On PostgreSQL with nothing to COPY, the transaction's COMMIT
    then travels in the writes' round trip, so the append lock is held for one round trip less;
    the block's own commit finds the transaction ended and sends nothing (psycopg commits only a
    transaction in progress). A failed write or COMMIT raises here, inside the block, as without.
    """
    statements: list[tuple[str, list[Any]]] = []
    copies = []
    postgresql = vendor() == "postgresql"
    for write in writes:
        if write.new and postgresql and len(write.rows) >= COPY_MIN_ROWS:
            copies.append(write)
        elif write.rows:
            statements.extend(_inserts(write))
    if postgresql:
        statements = _one_statement(statements)
    with pipeline(), ExitStack() as cursors:
        for sql, params in statements:
            cursors.enter_context(fast_cursor()).execute(sql, params)
        if commit and postgresql and not copies:
            cursors.enter_context(fast_cursor()).execute("COMMIT", prepare=False)
    for write in copies:
        _copy_rows(write)


def _inserts(write: TableWrite) -> list[tuple[str, list[Any]]]:
    """A table's multi-row INSERTs (its ``conflict`` clause after each), as many rows per
    statement as the database's parameter limit allows, 500 at most."""
    per_statement = max(1, min(500, max_query_params() // len(write.columns)))
    insert = f"INSERT INTO {write.table} ({', '.join(write.columns)}) VALUES "
    placeholder = "(" + ", ".join(["%s"] * len(write.columns)) + ")"
    tail = f" {write.conflict}" if write.conflict else ""
    chunks = (write.rows[i : i + per_statement] for i in range(0, len(write.rows), per_statement))
    return [
        (insert + ", ".join([placeholder] * len(chunk)) + tail, [v for row in chunk for v in row])
        for chunk in chunks
    ]


def _one_statement(statements: list[tuple[str, list[Any]]]) -> list[tuple[str, list[Any]]]:
    """The INSERTs as few statements as the parameter limit allows: ``WITH w1 AS (INSERT ...),
    w2 AS (INSERT ...) INSERT ...``.

    Every part of such a statement runs, on the same snapshot, none seeing another's rows: an
    append's writes never read each other (each table's rows are distinct, and no read-model
    table refers to another or to the events by key), so the result is that of the statements
    run one by one, and it commits or fails as a whole with the transaction.
    """
    limit = max_query_params()
    groups: list[list[tuple[str, list[Any]]]] = []
    count = 0
    for sql, params in statements:
        if not groups or count + len(params) > limit:
            groups.append([])
            count = 0
        groups[-1].append((sql, params))
        count += len(params)
    combined = []
    for group in groups:
        *parts, (last_sql, _) = group
        prefix = ", ".join(f"w{index} AS ({sql})" for index, (sql, _) in enumerate(parts))
        combined.append(
            (
                f"WITH {prefix} {last_sql}" if parts else last_sql,
                [value for _, params in group for value in params],
            )
        )
    return combined


def _copy_rows(write: TableWrite) -> None:
    import psycopg

    connection.ensure_connection()
    statement = f"COPY {write.table} ({', '.join(write.columns)}) FROM STDIN"
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in write.rows:
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
        if encoder is None:
            from psycopg.types.json import Jsonb

            from ledger.verify_export import canonical_text

            def json_text(value: Any) -> Any:
                # jsonb keeps neither key order nor spacing: the one compact C encoder serves,
                # without json.dumps' Python wrapper around it (a COPY dumps every row's JSON).
                return None if value is None else Jsonb(value, dumps=canonical_text)

            return json_text

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
