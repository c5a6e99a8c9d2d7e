"""Planning an append: read under the lock, then compute every row it writes.

An append (``ledger.store``) takes the append lock and reads in one round trip what it builds
on (``read_under_lock``: the streams' heads, the ledger head, the read-model rows keyed by the
streams), then ``plan`` checks the expected versions, chains the events after the head and
runs the projection handlers on the rows read, writing nothing; ``ledger.sql.send`` writes the
plan. docs/architecture-write-path.md describes the three steps.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import secrets
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from ledger import projections
from ledger.exceptions import ConcurrencyConflict, InvalidCommand
from ledger.models import EVENT_FIELDS, Event
from ledger.reading import RecordedEvent, format_timestamp
from ledger.sql import TableWrite, fast_cursor, max_query_params, pipeline, value_preparer, vendor
from ledger.verify_export import GENESIS_HASH, SALT_BYTES, event_hash, payload_commitments

if TYPE_CHECKING:
    from ledger.store import StreamAppend

# Any constant works: it names the one lock every append takes on PostgreSQL.
APPEND_LOCK_KEY = 0x1ED6E7


def lock_appends() -> None:
    """Serialize with every other append until the current transaction ends (PostgreSQL's
    advisory lock; SQLite's write lock, the transaction's, needs no statement)."""
    if vendor() == "postgresql":
        with fast_cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])


@dataclasses.dataclass(frozen=True)
class Reads:
    """What an append read under the lock: each stream's (version, type), the ledger head
    (position, hash) and the read-model rows its handlers will read."""

    streams: dict[str, tuple[int, str]]
    head: tuple[int, str]
    rows: projections.DatabaseRows

    def version_of(self, stream_id: str) -> int:
        return self.streams.get(stream_id, (0, ""))[0]


def read_under_lock(targets: Sequence[tuple[str, str, int | None]]) -> Reads:
    """One round trip: the lock, the heads of the streams and of the ledger, and
    the rows keyed by those streams that their handlers read.

    ``targets`` are (stream id, stream type, expected version, None when unknown). Rows keyed
    by a new stream are known absent and not read; the others are read even if the expected
    version turns out stale (the plan then refuses the append and they go unused). For one
    stream (every command) the rows come in the same statement as the heads.
    """
    rows = projections.DatabaseRows()
    with ExitStack() as cursors, pipeline():
        if len(targets) == 1:
            join = projections.stream_rows_joined(rows, *targets[0])
            pending_heads = [_stream_head_send(cursors, targets[0][0], join)]
            pending_rows = []
        else:
            lock_appends()
            join = None
            pending_heads = _heads_send(cursors, [stream_id for stream_id, _, _ in targets])
            pending_rows = projections.preload_streams(rows, cursors, targets)
        streams, head = _heads_collect(pending_heads, join, rows)
        rows.preload_collect(pending_rows)
    return Reads(streams=streams, head=head, rows=rows)


@dataclasses.dataclass(frozen=True)
class AppendPlan:
    """Everything an append writes, computed from what it read: per stream the recorded events
    (positions, versions, chained hashes), and the prepared rows of the events table and of the
    read models, events first."""

    results: list[list[RecordedEvent]]
    writes: list[TableWrite]

    @property
    def appended(self) -> list[RecordedEvent]:
        return [event for events in self.results for event in events]


def plan(
    appends: Sequence[StreamAppend],
    all_payloads: Sequence[list[dict[str, Any]]],
    metadata_dict: dict[str, Any],
    reads: Reads,
) -> AppendPlan:
    """Check each stream's version and type, chain the events after the head and run the
    projection handlers on the rows read. Writes nothing; a handler may read a row the reads
    did not bring (a flag's claims), nothing else touches the database. Raises
    ConcurrencyConflict or InvalidCommand, with nothing written."""
    for item in appends:
        current_version, current_type = reads.streams.get(item.stream_id, (0, item.stream_type))
        if current_type != item.stream_type:
            raise InvalidCommand(
                f"stream {item.stream_id} is a {current_type} stream, not {item.stream_type}"
            )
        if current_version != item.expected_version:
            raise ConcurrencyConflict(
                stream_id=item.stream_id,
                expected_version=item.expected_version,
                current_version=current_version,
            )
    values, results = _chain(appends, all_payloads, metadata_dict, reads.head)
    planned = AppendPlan(results=results, writes=[])
    projections.apply(reads.rows, planned.appended)
    planned.writes.extend([_events_write(values), *reads.rows.writes()])
    return planned


def _head_sql(width: int) -> str:
    """The ledger head (position, hash) as a row after the streams' rows, ``width`` columns of
    NULL standing for a joined stream's read-model columns."""
    table = connection.ops.quote_name(Event._meta.db_table)
    return (
        f" UNION ALL SELECT NULL, head.position, head.hash{', NULL' * width} FROM (SELECT"
        f" position, hash FROM {table} ORDER BY position DESC LIMIT 1) head"
    )


def _stream_head_send(cursors: ExitStack, stream_id: str, join: projections.StreamRowsJoin) -> Any:
    """Send the lock and the read of one stream's (version, type) and of the ledger head, with
    the stream's read-model rows joined (``join``): a command's one read. On PostgreSQL the lock
    and the read are one statement, ``ledger_read_locked`` (migration 0016) taking the lock and
    then running the read on a snapshot taken after it."""
    table = connection.ops.quote_name(Event._meta.db_table)
    sql = (
        f"SELECT last.stream_id, last.version, last.stream_type{join.columns} FROM (SELECT"
        f" stream_id, version, stream_type FROM {table} WHERE stream_id = %s ORDER BY"
        f" version DESC LIMIT 1) last{join.joins}" + _head_sql(join.width)
    )
    params = [stream_id, *join.params]
    cursor = cursors.enter_context(fast_cursor())
    if vendor() != "postgresql":
        cursor.execute(sql, params)  # SQLite's write lock is the transaction's
        return cursor
    import psycopg

    # The parameters as literals (psycopg quotes them), and the result's column types: a
    # function returning records is called with their definition. The version column is the
    # ledger head's position too, so it is a bigint; types are given without modifiers.
    query = psycopg.ClientCursor(cursor.connection).mogrify(sql, params)
    columns = _read_locked_columns(tuple(item.model for item in join.pending))
    cursor.execute(
        f"SELECT * FROM ledger_read_locked(%s, %s) AS read({columns})", [APPEND_LOCK_KEY, query]
    )
    return cursor


@functools.cache
def _read_locked_columns(models: tuple[type[Model], ...]) -> str:
    """The column definition of ``ledger_read_locked``'s records when these models' rows are
    joined: the same for every command on a stream type, so built once per process."""
    fields = [field for model in models for field in model._meta.concrete_fields]
    types = ["varchar", "bigint", "varchar"]
    types += [re.sub(r"\([^)]*\)", "", str(field.db_type(connection))) for field in fields]
    return ", ".join(f"c{index} {name}" for index, name in enumerate(types))


def _heads_send(cursors: ExitStack, stream_ids: Sequence[str]) -> list[Any]:
    """Send the reads of each stream's (version, type) and of the ledger head (position, hash).

    Must run under ``lock_appends`` so that no append can commit between this read and ours.
    """
    table = connection.ops.quote_name(Event._meta.db_table)
    head_sql = _head_sql(0)
    if connection.vendor == "postgresql":
        # One index probe per stream, whatever the planner's statistics say: with an IN list
        # and a table not yet analyzed (a bulk import into a new database), PostgreSQL
        # estimates half the table matches and scans all of it, once per append.
        cursor = cursors.enter_context(fast_cursor())
        cursor.execute(
            "SELECT streams.stream_id, last.version, last.stream_type"
            " FROM unnest(%s::text[]) AS streams(stream_id)"
            " CROSS JOIN LATERAL (SELECT version, stream_type"
            f" FROM {table} WHERE stream_id = streams.stream_id"
            " ORDER BY version DESC LIMIT 1) last" + head_sql,
            [list(stream_ids)],
        )
        return [cursor]
    chunk_size = max(1, max_query_params() - 10)
    chunks = [stream_ids[i : i + chunk_size] for i in range(0, len(stream_ids), chunk_size)]
    pending = []
    for index, chunk in enumerate(chunks):
        sql = (
            f"SELECT stream_id, MAX(version), MAX(stream_type) FROM {table} "
            f"WHERE stream_id IN ({', '.join(['%s'] * len(chunk))}) GROUP BY stream_id"
        )
        if index == 0:
            sql += head_sql  # the ledger head rides along with the first chunk
        cursor = cursors.enter_context(fast_cursor())
        cursor.execute(sql, list(chunk))
        pending.append(cursor)
    return pending


def _heads_collect(
    pending: list[Any], join: projections.StreamRowsJoin | None, rows: projections.DatabaseRows
) -> tuple[dict[str, tuple[int, str]], tuple[int, str]]:
    streams: dict[str, tuple[int, str]] = {}
    head: tuple[int, str] = (0, GENESIS_HASH)
    for cursor in pending:
        for stream_id, version, value, *joined in cursor.fetchall():
            if stream_id is None:
                head = (int(version), value)
            else:
                streams[stream_id] = (int(version), value)
                if join is not None:
                    join.collect(rows, joined)
    return streams, head


def _chain(
    appends: Sequence[StreamAppend],
    all_payloads: Sequence[list[dict[str, Any]]],
    metadata_dict: dict[str, Any],
    head: tuple[int, str],
) -> tuple[list[tuple[Any, ...]], list[list[RecordedEvent]]]:
    """Positions, versions and hashes of the appended events, chained after ``head``.

    Returns the prepared rows for the events table and the recorded events per stream.
    """
    position, prev_hash = head
    recorded_at = timezone.now()
    timestamp = format_timestamp(recorded_at)
    prepare_data, prepare_metadata, prepare_recorded_at = _event_preparers(vendor())
    prepared_metadata = prepare_metadata(metadata_dict)
    prepared_recorded_at = prepare_recorded_at(recorded_at)
    values: list[tuple[Any, ...]] = []
    results: list[list[RecordedEvent]] = []
    # A stream's own metadata, by identity: an ingest's claims share one (caused by the source).
    own_metadata: dict[int, tuple[dict[str, Any], Any]] = {}
    for item, payloads in zip(appends, all_payloads, strict=True):
        item_metadata, item_prepared_metadata = metadata_dict, prepared_metadata
        if item.metadata is not None:
            if id(item.metadata) not in own_metadata:
                as_dict = item.metadata.to_dict()
                own_metadata[id(item.metadata)] = (as_dict, prepare_metadata(as_dict))
            item_metadata, item_prepared_metadata = own_metadata[id(item.metadata)]
        recorded: list[RecordedEvent] = []
        for offset, (event, payload) in enumerate(zip(item.events, payloads, strict=True), 1):
            position += 1
            version = item.expected_version + offset
            envelope: dict[str, Any] = {
                "position": position,
                "stream_id": item.stream_id,
                "stream_type": item.stream_type,
                "version": version,
                "type": event.event_type.value,
                "schema_version": event.schema_version,
                "metadata": item_metadata,
                "recorded_at": timestamp,
                "prev_hash": prev_hash,
            }
            salt = secrets.token_hex(SALT_BYTES)
            digest, envelope["fields_digest"] = payload_commitments(salt, payload)
            event_hash_value = event_hash(envelope, digest)
            values.append(
                (
                    position,
                    item.stream_id,
                    item.stream_type,
                    version,
                    envelope["type"],
                    event.schema_version,
                    prepare_data(payload),
                    item_prepared_metadata,
                    prepared_recorded_at,
                    prev_hash,
                    event_hash_value,
                    envelope["fields_digest"],
                    salt,
                    None,  # leaves: only a redaction writes them
                )
            )
            prev_hash = event_hash_value
            recorded.append(
                RecordedEvent(
                    position=position,
                    stream_id=item.stream_id,
                    stream_type=item.stream_type,
                    version=version,
                    event=event,
                    metadata=item_metadata,
                    recorded_at=recorded_at,
                    hash=event_hash_value,
                )
            )
        results.append(recorded)
    return values, results


@functools.cache
def _event_preparers(vendor_name: str) -> tuple[Callable[[Any], Any], ...]:
    """Value preparers of the events table's ``data``, ``metadata`` and ``recorded_at``, built
    once per database vendor as the projections' tables build theirs."""
    fields = {field.name: field for field in Event._meta.concrete_fields}
    return tuple(value_preparer(fields[name]) for name in ("data", "metadata", "recorded_at"))


def _events_write(values: list[tuple[Any, ...]]) -> TableWrite:
    """The prepared event rows as the events table's write (the only write that creates events)."""
    table, columns = _events_table_for(vendor())
    return TableWrite(table=table, columns=columns, rows=list(values))


@functools.cache
def _events_table_for(vendor_name: str) -> tuple[str, tuple[str, ...]]:
    """The events table's quoted name and columns, in ``EVENT_FIELDS`` order."""
    quote = connection.ops.quote_name
    return quote(Event._meta.db_table), tuple(quote(name) for name in EVENT_FIELDS)
