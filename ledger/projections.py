"""Read models derived from events, and the only code that writes their tables.

A projection is a set of handlers, one per event type it follows. A handler reads and writes rows
through a ``RowStore``: the database store (updated in the same transaction as the append) or the
in-memory store used to rebuild from the log. Both paths run the same handlers, so a rebuilt
read model equals the incrementally maintained one by construction; ``rebuild_projections
--check`` proves it on the live data.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection, models

from ledger import events as ev
from ledger.claims import STATE_FIELDS, ClaimState, evolve
from ledger.models import ClaimView
from ledger.sql import fast_cursor

if TYPE_CHECKING:
    from ledger.store import RecordedEvent

Row = dict[str, Any]


class RowStore(Protocol):
    def get(self, model: type[models.Model], key: str) -> Row | None: ...

    def put(self, model: type[models.Model], key: str, row: Row) -> None: ...


_ABSENT: Row = {}


class _Table:
    """Prepared SQL and value conversions for one read-model table."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        primary_key = model._meta.pk
        assert primary_key is not None
        self.primary_key = primary_key
        self.pk_attname = primary_key.attname
        quote = connection.ops.quote_name
        self.name = quote(model._meta.db_table)
        self.pk_column = quote(primary_key.column)
        self.columns = ", ".join(quote(field.column) for field in self.fields)

    def prepare_key(self, key: Any) -> Any:
        return self.primary_key.get_db_prep_value(key, connection)

    def converters(self) -> list[tuple[str, list[Any], Any]]:
        result = []
        for field in self.fields:
            column = field.get_col(self.model._meta.db_table)
            functions = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            result.append((field.attname, functions, column))
        return result


@dataclasses.dataclass
class PendingRows:
    """A preload query sent but not yet read."""

    model: type[models.Model]
    cursor: Any
    keys_by_value: dict[Any, str]


class DatabaseRows:
    """Rows read from and written to the database, inside the caller's transaction.

    Reads go through a cache (``preload`` fills it for many keys in one query); writes are kept
    until ``flush``, which upserts every changed row in batched statements. ``apply_incrementally``
    flushes before returning, so the rows are written in the append's transaction.
    """

    def __init__(self) -> None:
        self._rows: dict[tuple[type[models.Model], str], Row] = {}
        self._dirty: dict[tuple[type[models.Model], str], Row] = {}
        self._tables: dict[type[models.Model], _Table] = {}

    def _table(self, model: type[models.Model]) -> _Table:
        table = self._tables.get(model)
        if table is None:
            table = self._tables[model] = _Table(model)
        return table

    def preload(self, model: type[models.Model], keys: Iterable[str]) -> None:
        """Read the rows of ``keys`` not yet cached, in one query per chunk of keys."""
        with ExitStack() as cursors:
            self.preload_collect(self.preload_send(cursors, model, keys))

    def preload_send(
        self, cursors: ExitStack, model: type[models.Model], keys: Iterable[str]
    ) -> list[PendingRows]:
        """Issue the queries of ``preload`` without reading their results.

        Inside ``ledger.sql.pipeline()`` they travel with the statements around them; the rows
        are read by ``preload_collect``.
        """
        missing = sorted({key for key in keys if (model, key) not in self._rows})
        table = self._table(model)
        chunk_size = max(1, (connection.features.max_query_params or 10_000) - 1)
        pending = []
        for index in range(0, len(missing), chunk_size):
            chunk = missing[index : index + chunk_size]
            # Keys as the database holds them, mapped back to the caller's spelling.
            keys_by_value = {table.prepare_key(key): key for key in chunk}
            for key in chunk:
                self._rows[(model, key)] = _ABSENT
            cursor = cursors.enter_context(fast_cursor())
            cursor.execute(
                f"SELECT {table.columns} FROM {table.name} WHERE {table.pk_column} IN "
                f"({', '.join(['%s'] * len(keys_by_value))})",
                list(keys_by_value),
            )
            pending.append(PendingRows(model=model, cursor=cursor, keys_by_value=keys_by_value))
        return pending

    def preload_collect(self, pending: list[PendingRows]) -> None:
        for item in pending:
            table = self._table(item.model)
            converters = table.converters()
            for values in item.cursor.fetchall():
                row: Row = {}
                for value, (attname, functions, column) in zip(values, converters, strict=True):
                    for function in functions:
                        value = function(value, column, connection)
                    row[attname] = value
                key = item.keys_by_value[table.prepare_key(row[table.pk_attname])]
                self._rows[(item.model, key)] = row

    def assume_absent(self, model: type[models.Model], keys: Iterable[str]) -> None:
        """Record, without a query, that these rows do not exist (keyed by brand-new streams)."""
        for key in keys:
            self._rows.setdefault((model, key), _ABSENT)

    def get(self, model: type[models.Model], key: str) -> Row | None:
        if (model, key) not in self._rows:
            self.preload(model, [key])
        row = self._rows[(model, key)]
        return None if row is _ABSENT else row

    def put(self, model: type[models.Model], key: str, row: Row) -> None:
        self._rows[(model, key)] = row
        self._dirty[(model, key)] = row

    def flush(self) -> None:
        """Write every changed row: INSERT ... ON CONFLICT (pk) DO UPDATE, in batches."""
        groups: dict[tuple[type[models.Model], tuple[str, ...]], list[Row]] = defaultdict(list)
        for (model, _key), row in self._dirty.items():
            groups[(model, tuple(row))].append(row)
        self._dirty.clear()
        quote = connection.ops.quote_name
        # Rows of one append share their timestamps: prepare each distinct one once.
        prepared_datetimes: dict[tuple[int, datetime.datetime], Any] = {}

        def prepare(field: models.Field[Any, Any], value: Any) -> Any:
            if isinstance(value, datetime.datetime):
                cache_key = (id(field), value)
                if cache_key not in prepared_datetimes:
                    prepared_datetimes[cache_key] = field.get_db_prep_save(value, connection)
                return prepared_datetimes[cache_key]
            return field.get_db_prep_save(value, connection)

        for (model, attnames), rows in groups.items():
            table = self._table(model)
            by_attname = {field.attname: field for field in table.fields}
            # A handler may put only some fields: the others get their defaults on insert.
            fields = [by_attname[name] for name in attnames] + [
                field for field in table.fields if field.attname not in attnames
            ]
            updated = [
                field
                for field in fields
                if field.attname in attnames and field is not table.primary_key
            ]
            columns = ", ".join(quote(field.column) for field in fields)
            placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
            conflict = f"ON CONFLICT ({table.pk_column}) " + (
                "DO UPDATE SET "
                + ", ".join(
                    f"{quote(field.column)} = EXCLUDED.{quote(field.column)}" for field in updated
                )
                if updated
                else "DO NOTHING"
            )
            per_statement = max(
                1, min(500, (connection.features.max_query_params or 10_000) // len(fields))
            )
            with fast_cursor() as cursor:
                for index in range(0, len(rows), per_statement):
                    chunk = rows[index : index + per_statement]
                    params = [
                        prepare(field, row[field.attname])
                        if field.attname in row
                        else field.get_db_prep_save(field.get_default(), connection)
                        for row in chunk
                        for field in fields
                    ]
                    cursor.execute(
                        f"INSERT INTO {table.name} ({columns}) VALUES "
                        f"{', '.join([placeholder] * len(chunk))} {conflict}",
                        params,
                    )


class MemoryRows:
    """Rows held in memory while a read model is rebuilt from the whole log."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], dict[str, Row]] = defaultdict(dict)

    def get(self, model: type[models.Model], key: str) -> Row | None:
        return self.rows[model].get(key)

    def put(self, model: type[models.Model], key: str, row: Row) -> None:
        self.rows[model][key] = row


Handler = Callable[[RowStore, "RecordedEvent"], None]


def _claim_state(row: Row) -> ClaimState:
    values = {name: row[name] for name in STATE_FIELDS}
    values["claim_id"] = str(values["claim_id"])
    if values["source_id"] is not None:
        values["source_id"] = str(values["source_id"])
    return ClaimState(**values)


def project_claim(rows: RowStore, recorded: RecordedEvent) -> None:
    """Claim list: one row per claim with its current state."""
    row = rows.get(ClaimView, recorded.stream_id)
    state = evolve(
        _claim_state(row) if row is not None else None,
        recorded.event,
        version=recorded.version,
        position=recorded.position,
        recorded_at=recorded.recorded_at,
    )
    # A shallow copy: states are immutable and evolve() replaces values, never mutates them.
    new_row = {name: getattr(state, name) for name in STATE_FIELDS}
    new_row["open_flag_count"] = row["open_flag_count"] if row is not None else 0
    rows.put(ClaimView, recorded.stream_id, new_row)


# Handlers by the stream type whose events they follow.
HANDLERS: dict[str, list[Handler]] = {
    ev.StreamType.CLAIM: [project_claim],
}

# Tables whose rows the handlers of a stream type read by that stream's id: fetched for a whole
# batch of appended events in one query before the handlers run.
KEYED_BY_STREAM: dict[str, list[type[models.Model]]] = {
    ev.StreamType.CLAIM: [ClaimView],
}

# Every table written by a projection, in the order a rebuild fills them.
PROJECTED_MODELS: list[type[models.Model]] = [ClaimView]


def apply(rows: RowStore, recorded: Iterable[RecordedEvent]) -> None:
    for item in recorded:
        for handler in HANDLERS.get(item.stream_type, ()):
            handler(rows, item)


def apply_incrementally(
    recorded: Sequence[RecordedEvent], rows: DatabaseRows | None = None
) -> None:
    """Update the read models for freshly appended events, in the append's transaction.

    ``rows`` may come with the rows the handlers read already preloaded (``preload_streams``).
    """
    if rows is None:
        rows = DatabaseRows()
        first: dict[str, RecordedEvent] = {}
        for item in recorded:
            if item.stream_id not in first or item.version < first[item.stream_id].version:
                first[item.stream_id] = item
        streams = [(item.stream_id, item.stream_type, item.version - 1) for item in first.values()]
        with ExitStack() as cursors:
            rows.preload_collect(preload_streams(rows, cursors, streams))
    apply(rows, recorded)
    rows.flush()


def preload_streams(
    rows: DatabaseRows, cursors: ExitStack, streams: Iterable[tuple[str, str, int]]
) -> list[PendingRows]:
    """Send the reads of the rows keyed by stream id that handlers of these streams will read.

    ``streams`` are (stream id, stream type, version before the append): rows keyed by a
    stream that is new (version 0) cannot exist yet and are not queried.
    """
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for stream_id, stream_type, version_before in streams:
        for model in KEYED_BY_STREAM.get(stream_type, ()):
            if version_before == 0:
                rows.assume_absent(model, [stream_id])
            else:
                wanted[model].add(stream_id)
    pending = []
    for model, stream_ids in wanted.items():
        pending.extend(rows.preload_send(cursors, model, stream_ids))
    return pending


def normalized(model: type[models.Model], row: Row) -> Row:
    """A row with every value in the Python type the database returns, for comparison."""
    return {
        field.attname: field.to_python(row[field.attname]) for field in model._meta.concrete_fields
    }
