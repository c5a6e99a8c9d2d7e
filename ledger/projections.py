"""Read models derived from events, and the only code that writes their tables.

A projection is a set of handlers, one per event type it follows. A handler reads and writes rows
through a ``RowStore``: the database store (updated in the same transaction as the append) or the
in-memory store used to rebuild from the log. Both paths run the same handlers, so a rebuilt
read model equals the incrementally maintained one by construction; ``rebuild_projections
--check`` proves it on the live data.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection, models

from ledger import events as ev
from ledger.claims import STATE_FIELDS, ClaimState, claim_state_of, evolve
from ledger.match_projection import project_match
from ledger.models import ClaimView, ContradictionView, MatchMember, MatchView
from ledger.sql import (
    TableWrite,
    execute_unprepared,
    fast_cursor,
    max_query_params,
    send,
    value_preparer,
    vendor,
)

if TYPE_CHECKING:
    from ledger.reading import RecordedEvent

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
        self._preparers: dict[str, Callable[[Any], Any]] = {}
        self._write_fields: dict[
            tuple[str, ...], tuple[list[models.Field[Any, Any]], list[Callable[[Any], Any]]]
        ] = {}
        self._upsert_sql: dict[tuple[str, ...], tuple[tuple[str, ...], str]] = {}
        self._converters: list[tuple[str, list[Any], Any]] | None = None

    def preparer(self, field: models.Field[Any, Any]) -> Callable[[Any], Any]:
        prepare = self._preparers.get(field.attname)
        if prepare is None:
            prepare = self._preparers[field.attname] = value_preparer(field)
        return prepare

    def write_fields(
        self, attnames: tuple[str, ...]
    ) -> tuple[list[models.Field[Any, Any]], list[Callable[[Any], Any]]]:
        """The columns a row with these fields is written to, and their value preparers.

        A handler may put only some fields: the others get their defaults on insert.
        """
        cached = self._write_fields.get(attnames)
        if cached is None:
            by_attname = {field.attname: field for field in self.fields}
            fields = [by_attname[name] for name in attnames] + [
                field for field in self.fields if field.attname not in attnames
            ]
            preparers = [
                self.preparer(field) if field.attname in attnames else _default_of(field)
                for field in fields
            ]
            cached = self._write_fields[attnames] = (fields, preparers)
        return cached

    def upsert_sql(self, attnames: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
        """The quoted columns a row with these fields is written to, and the ON CONFLICT clause
        that makes its INSERT an upsert."""
        cached = self._upsert_sql.get(attnames)
        if cached is None:
            quote = connection.ops.quote_name
            fields, _preparers = self.write_fields(attnames)
            updated = [
                field
                for field in fields
                if field.attname in attnames and field is not self.primary_key
            ]
            conflict = f"ON CONFLICT ({self.pk_column}) " + (
                "DO UPDATE SET "
                + ", ".join(
                    f"{quote(field.column)} = EXCLUDED.{quote(field.column)}" for field in updated
                )
                if updated
                else "DO NOTHING"
            )
            cached = self._upsert_sql[attnames] = (
                tuple(quote(field.column) for field in fields),
                conflict,
            )
        return cached

    def prepare_key(self, key: Any) -> Any:
        return self.preparer(self.primary_key)(key)

    def converters(self) -> list[tuple[str, list[Any], Any]]:
        if self._converters is None:
            self._converters = []
            for field in self.fields:
                column = field.get_col(self.model._meta.db_table)
                functions = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                self._converters.append((field.attname, functions, column))
        return self._converters


# Per database vendor and model: built once, not per append.
_TABLES: dict[tuple[str, type[models.Model]], _Table] = {}


def _table_of(model: type[models.Model]) -> _Table:
    table = _TABLES.get((vendor(), model))
    if table is None:
        table = _TABLES[(vendor(), model)] = _Table(model)
    return table


@dataclasses.dataclass
class PendingRows:
    """A preload query, built and perhaps sent (``cursor``), whose rows are not read yet."""

    model: type[models.Model]
    sql: str
    params: list[Any]
    keys_by_value: dict[Any, str]
    cursor: Any = None


class DatabaseRows:
    """Rows read from and written to the database, inside the caller's transaction.

    Reads go through a cache (``preload`` fills it for many keys in one query); writes are kept
    until ``writes`` hands them over (an append's plan) or ``flush`` sends them.
    """

    def __init__(self) -> None:
        self._rows: dict[tuple[type[models.Model], str], Row] = {}
        self._dirty: dict[tuple[type[models.Model], str], Row] = {}
        self._known_absent: set[tuple[type[models.Model], str]] = set()

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
        pending = self.preload_queries(model, keys)
        for item in pending:
            item.cursor = cursors.enter_context(fast_cursor())
            execute_unprepared(item.cursor, item.sql, item.params)
        return pending

    def preload_queries(self, model: type[models.Model], keys: Iterable[str]) -> list[PendingRows]:
        """The queries reading the rows of ``keys`` not yet cached, for the caller to run.

        Their rows go to ``preload_rows``; until then the keys count as absent.
        """
        missing = sorted({key for key in keys if (model, key) not in self._rows})
        table = _table_of(model)
        chunk_size = max(1, max_query_params() - 1)
        pending = []
        for index in range(0, len(missing), chunk_size):
            chunk = missing[index : index + chunk_size]
            # Keys as the database holds them, mapped back to the caller's spelling.
            keys_by_value = {table.prepare_key(key): key for key in chunk}
            for key in chunk:
                self._rows[(model, key)] = _ABSENT
                self._known_absent.add((model, key))
            sql = (
                f"SELECT {table.columns} FROM {table.name} WHERE {table.pk_column} IN "
                f"({', '.join(['%s'] * len(keys_by_value))})"
            )
            pending.append(
                PendingRows(
                    model=model, sql=sql, params=list(keys_by_value), keys_by_value=keys_by_value
                )
            )
        return pending

    def preload_collect(self, pending: list[PendingRows]) -> None:
        for item in pending:
            self.preload_rows(item, item.cursor.fetchall())

    def preload_rows(self, item: PendingRows, fetched: Iterable[Sequence[Any]]) -> None:
        """Cache the rows a preload query returned."""
        table = _table_of(item.model)
        converters = table.converters()
        for values in fetched:
            row: Row = {}
            for value, (attname, functions, column) in zip(values, converters, strict=True):
                for function in functions:
                    value = function(value, column, connection)
                row[attname] = value
            key = item.keys_by_value[table.prepare_key(row[table.pk_attname])]
            self._rows[(item.model, key)] = row
            self._known_absent.discard((item.model, key))

    def assume_absent(self, model: type[models.Model], keys: Iterable[str]) -> None:
        """Record, without a query, that these rows do not exist (keyed by brand-new streams)."""
        for key in keys:
            if (model, key) not in self._rows:
                self._rows[(model, key)] = _ABSENT
                self._known_absent.add((model, key))

    def get(self, model: type[models.Model], key: str) -> Row | None:
        if (model, key) not in self._rows:
            self.preload(model, [key])
        row = self._rows[(model, key)]
        return None if row is _ABSENT else row

    def put(self, model: type[models.Model], key: str, row: Row) -> None:
        self._rows[(model, key)] = row
        self._dirty[(model, key)] = row

    def flush(self) -> None:
        """Write every changed row now (``ledger.sql.send``), in the caller's transaction."""
        send(self.writes())

    def writes(self) -> list[TableWrite]:
        """Every changed row, prepared for its table (forgotten as changed from then on).

        Rows known not to exist (keyed by new streams, or everything in a rebuild) are marked
        new, so that many of them go by COPY; all are written as upserts (``INSERT ... ON
        CONFLICT (pk) DO UPDATE``), which also covers rows put without being read first.
        """
        groups: dict[tuple[type[models.Model], tuple[str, ...], bool], list[Row]] = defaultdict(
            list
        )
        for (model, key), row in self._dirty.items():
            new = (model, key) in self._known_absent
            groups[(model, tuple(row), new)].append(row)
            self._known_absent.discard((model, key))
        self._dirty.clear()
        writes = []
        for (model, attnames, new), rows in groups.items():
            table = _table_of(model)
            fields, preparers = table.write_fields(attnames)
            pairs = [
                (field.attname, prepare) for field, prepare in zip(fields, preparers, strict=True)
            ]
            columns, conflict = table.upsert_sql(attnames)
            writes.append(
                TableWrite(
                    table=table.name,
                    columns=columns,
                    rows=[[prepare(row.get(name)) for name, prepare in pairs] for row in rows],
                    conflict=conflict,
                    new=new,
                )
            )
        return writes


def _default_of(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    def default(_missing: Any) -> Any:
        return field.get_db_prep_save(field.get_default(), connection)

    return default


class MemoryRows:
    """Rows held in memory while a read model is rebuilt from the whole log."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], dict[str, Row]] = defaultdict(dict)

    def get(self, model: type[models.Model], key: str) -> Row | None:
        return self.rows[model].get(key)

    def put(self, model: type[models.Model], key: str, row: Row) -> None:
        self.rows[model][key] = row


Handler = Callable[[RowStore, "RecordedEvent"], None]


def claim_state_from_row(row: Row) -> ClaimState:
    """The claim state a claim list row holds (every field of ``STATE_FIELDS``)."""
    values = {name: row[name] for name in STATE_FIELDS}
    values["claim_id"] = str(values["claim_id"])
    if values["source_id"] is not None:
        values["source_id"] = str(values["source_id"])
    return claim_state_of(values)


def project_claim(rows: RowStore, recorded: RecordedEvent) -> None:
    """Claim list: one row per claim with its current state."""
    row = rows.get(ClaimView, recorded.stream_id)
    state = evolve(claim_state_from_row(row) if row is not None else None, recorded)
    # A shallow copy: states are immutable and evolve() replaces values, never mutates them.
    new_row = dict(state.__dict__)  # every field of STATE_FIELDS, in that order
    new_row["open_flag_count"] = row["open_flag_count"] if row is not None else 0
    rows.put(ClaimView, recorded.stream_id, new_row)


def _adjust_open_flags(rows: RowStore, claim_ids: Iterable[str], change: int) -> None:
    for claim_id in claim_ids:
        row = rows.get(ClaimView, claim_id)
        if row is not None:
            rows.put(
                ClaimView, claim_id, {**row, "open_flag_count": row["open_flag_count"] + change}
            )


def project_contradiction(rows: RowStore, recorded: RecordedEvent) -> None:
    """Contradiction list: one row per claim pair; claims count their open flags."""
    row = rows.get(ContradictionView, recorded.stream_id)
    event = recorded.event
    common = {
        "updated_at": recorded.recorded_at,
        "version": recorded.version,
        "last_position": recorded.position,
    }
    if isinstance(event, ev.ContradictionFlagged):
        was_open = row is not None and row["status"] == "open"
        rows.put(
            ContradictionView,
            recorded.stream_id,
            {
                "pair_id": recorded.stream_id,
                "claim_a": event.claims[0],
                "claim_b": event.claims[1],
                "score": event.score,
                "cues": list(event.cues),
                # The strongest cue's detector ("" when the event did not record it).
                "cue_kind": event.cue_kinds[0] if event.cue_kinds else "",
                "detector_version": event.detector_version,
                "status": "open",
                "note": "",
                "decided_by": "",
                "flagged_at": recorded.recorded_at,
                **common,
            },
        )
        if not was_open:
            _adjust_open_flags(rows, event.claims, +1)
    elif row is not None and isinstance(
        event, ev.ContradictionConfirmed | ev.ContradictionDismissed
    ):
        status = "confirmed" if isinstance(event, ev.ContradictionConfirmed) else "dismissed"
        if row["status"] == "open":
            _adjust_open_flags(rows, [str(row["claim_a"]), str(row["claim_b"])], -1)
        rows.put(
            ContradictionView,
            recorded.stream_id,
            {
                **row,
                "status": status,
                "note": event.note,
                "decided_by": str(recorded.metadata.get("actor", "")),
                **common,
            },
        )


# Handlers by the stream type whose events they follow.
HANDLERS: dict[str, list[Handler]] = {
    ev.StreamType.CLAIM: [project_claim],
    ev.StreamType.CONTRADICTION: [project_contradiction],
    ev.StreamType.MATCH: [project_match],
}

# Tables whose rows the handlers of a stream type read by that stream's id: fetched for a whole
# batch of appended events in one query before the handlers run.
KEYED_BY_STREAM: dict[str, list[type[models.Model]]] = {
    ev.StreamType.CLAIM: [ClaimView],
    ev.StreamType.MATCH: [MatchView],
}

# Every table written by a projection, in the order a rebuild fills them.
PROJECTED_MODELS: list[type[models.Model]] = [ClaimView, ContradictionView, MatchView, MatchMember]


def apply(rows: RowStore, recorded: Iterable[RecordedEvent]) -> None:
    for item in recorded:
        for handler in HANDLERS.get(item.stream_type, ()):
            handler(rows, item)


def preload_streams(
    rows: DatabaseRows, cursors: ExitStack, streams: Iterable[tuple[str, str, int | None]]
) -> list[PendingRows]:
    """Send the reads of the rows keyed by stream id that handlers of these streams will read.

    ``streams`` are (stream id, stream type, version before the append, None when unknown):
    rows keyed by a stream that is new (version 0) cannot exist yet and are not queried.
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


@dataclasses.dataclass(frozen=True)
class StreamRowsJoin:
    """``preload_streams`` for one stream, as columns and LEFT JOINs added to the query that
    reads the stream's head (``ledger.planning``): the rows come in the head's own row."""

    columns: str  # ", r0.col, ..." after the head's columns
    joins: str  # " LEFT JOIN table r0 ON r0.pk = %s ..." after the head's FROM
    params: list[Any]  # the joins' parameters, in order
    pending: list[PendingRows]
    width: int  # how many columns ``columns`` adds

    def collect(self, rows: DatabaseRows, values: Sequence[Any]) -> None:
        """Cache the joined rows from ``values``, the head row's columns after its own."""
        offset = 0
        for item in self.pending:
            table = _table_of(item.model)
            part = values[offset : offset + len(table.fields)]
            offset += len(table.fields)
            found = part[table.fields.index(table.primary_key)] is not None
            rows.preload_rows(item, [part] if found else [])


def stream_rows_joined(
    rows: DatabaseRows, stream_id: str, stream_type: str, version_before: int | None
) -> StreamRowsJoin:
    """The rows keyed by one stream that its handlers read, as a join (``StreamRowsJoin``);
    none for a new stream (version 0), whose rows are known absent."""
    columns: list[str] = []
    joins: list[str] = []
    params: list[Any] = []
    pending: list[PendingRows] = []
    quote = connection.ops.quote_name
    for model in KEYED_BY_STREAM.get(stream_type, ()):
        if version_before == 0:
            rows.assume_absent(model, [stream_id])
            continue
        table = _table_of(model)
        for item in rows.preload_queries(model, [stream_id]):
            alias = f"r{len(pending)}"
            columns.extend(f"{alias}.{quote(field.column)}" for field in table.fields)
            joins.append(f" LEFT JOIN {table.name} {alias} ON {alias}.{table.pk_column} = %s")
            params.extend(item.params)
            pending.append(item)
    return StreamRowsJoin(
        columns="".join(f", {column}" for column in columns),
        joins="".join(joins),
        params=params,
        pending=pending,
        width=len(columns),
    )


def normalized(model: type[models.Model], row: Row) -> Row:
    """A row with every value in the Python type the database returns, for comparison."""
    return {
        field.attname: field.to_python(row[field.attname]) for field in model._meta.concrete_fields
    }
