"""The event store: the one function that appends events, and the readers that follow them.

Appends are serialized (a transaction-scoped advisory lock on PostgreSQL; SQLite's IMMEDIATE
write lock), so the global position is assigned in commit order with no gaps: a reader that
has seen position N never later finds a committed event below N (docs/adr/0001).

Every entry point that appends nudges the followers of the log (``ledger.followers``) once the
append's transaction commits; a nudge never fails the command.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ledger import projections
from ledger.events import DomainEvent, Metadata, event_from_stored
from ledger.exceptions import ConcurrencyConflict, IdempotencyKeyReused, InvalidCommand
from ledger.followers import followers_nudge
from ledger.models import EVENT_FIELDS, Event, IdempotencyRecord
from ledger.payloads import validate_payload
from ledger.sql import (
    TableWrite,
    fast_cursor,
    max_query_params,
    pipeline,
    row_converter,
    send,
    value_preparer,
    vendor,
)
from ledger.verify_export import (
    GENESIS_HASH,
    SALT_BYTES,
    canonical_json,
    event_hash,
    payload_commitments,
)

# Any constant works: it names the one lock every append takes on PostgreSQL.
APPEND_LOCK_KEY = 0x1ED6E7
READ_BATCH_SIZE = 2000

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RecordedEvent:
    """A committed event as readers see it, with its payload upcast to the current shape."""

    position: int
    stream_id: str
    stream_type: str
    version: int
    event: DomainEvent
    metadata: dict[str, Any]
    recorded_at: datetime.datetime
    hash: str

    @property
    def type(self) -> str:
        return self.event.event_type.value


@dataclasses.dataclass(frozen=True)
class AppendResult:
    events: list[RecordedEvent]
    replayed: bool  # True when an idempotency key matched: nothing new was appended

    @property
    def version(self) -> int:
        return self.events[-1].version


def format_timestamp(moment: datetime.datetime) -> str:
    """The canonical form of ``recorded_at`` in hashes and exports."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lock_appends() -> None:
    """Serialize with every other append until the current transaction ends."""
    with fast_cursor() as cursor:
        _lock_statement(cursor)


def _lock_statement(cursor: Any) -> None:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK_KEY])


def _to_recorded(row: Event) -> RecordedEvent:
    return RecordedEvent(
        position=row.position,
        stream_id=row.stream_id,
        stream_type=row.stream_type,
        version=row.version,
        event=event_from_stored(
            type_name=row.type, schema_version=row.schema_version, data=row.data
        ),
        metadata=row.metadata,
        recorded_at=row.recorded_at,
        hash=row.hash,
    )


def _fingerprint(stream_id: str, expected_version: int, events: Sequence[DomainEvent]) -> str:
    command = {
        "stream_id": stream_id,
        "expected_version": expected_version,
        "events": [[event.event_type.value, event.to_data()] for event in events],
    }
    return hashlib.sha256(canonical_json(command)).hexdigest()


def _replay(key: str, fingerprint: str) -> AppendResult | None:
    record = IdempotencyRecord.objects.filter(key=key).first()
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"idempotency key {key!r} was already used for a different command"
        )
    rows = Event.objects.filter(
        position__gte=record.first_position, position__lte=record.last_position
    ).order_by("position")
    return AppendResult(events=[_to_recorded(row) for row in rows], replayed=True)


@dataclasses.dataclass(frozen=True)
class StreamAppend:
    """One stream's part of a multi-stream append: ``events`` at ``expected_version``.

    ``metadata``, when given, is this stream's instead of the bulk append's (an ingest records
    its claims as caused by the source it records in the same append).
    """

    stream_id: str
    stream_type: str
    expected_version: int
    events: Sequence[DomainEvent]
    metadata: Metadata | None = None

    @property
    def target(self) -> tuple[str, str, int | None]:
        return (self.stream_id, self.stream_type, self.expected_version)


def _validated(item: StreamAppend) -> list[dict[str, Any]]:
    if not item.events:
        raise InvalidCommand("a command must append at least one event")
    if item.expected_version < 0:
        raise InvalidCommand("expected_version cannot be negative")
    if not item.stream_id or len(item.stream_id) > 100:
        raise InvalidCommand("stream_id must be 1 to 100 characters")
    payloads = [event.to_data() for event in item.events]
    for payload in payloads:
        validate_payload(payload)
    if item.metadata is not None:
        validate_payload(item.metadata.to_dict(), path="metadata")
    return payloads


def append(
    *,
    stream_id: str,
    stream_type: str,
    expected_version: int,
    events: Sequence[DomainEvent],
    metadata: Metadata,
    idempotency_key: str | None = None,
) -> AppendResult:
    """Append ``events`` to a stream that must be at ``expected_version`` (0: a new stream).

    Atomic: either every event is committed with its projections updated, or nothing is.
    Raises ConcurrencyConflict on a version mismatch, InvalidCommand on a malformed payload,
    IdempotencyKeyReused when ``idempotency_key`` was used for a different command. A repeat of
    a command with the same key returns the original events and appends nothing.
    """
    item = StreamAppend(
        stream_id=stream_id,
        stream_type=stream_type,
        expected_version=expected_version,
        events=events,
    )
    payloads = _validated(item)
    metadata_dict = _metadata_dict(metadata)
    fingerprint = _fingerprint(stream_id, expected_version, events) if idempotency_key else ""
    with transaction.atomic():
        if idempotency_key:
            lock_appends()
            replayed = _replay(idempotency_key, fingerprint)
            if replayed is not None:
                return replayed
        # Without a key to check first, the lock travels with the append's reads.
        reads = _read_under_lock([item.target], lock=not idempotency_key)
        plan = _plan([item], [payloads], metadata_dict, reads)
        send(plan.writes)
        (recorded,) = plan.results
        if idempotency_key:
            IdempotencyRecord.objects.create(
                key=idempotency_key,
                fingerprint=fingerprint,
                stream_id=stream_id,
                first_position=recorded[0].position,
                last_position=recorded[-1].position,
                recorded_at=recorded[0].recorded_at,
            )
    followers_nudge(item.type for item in recorded)
    return AppendResult(events=recorded, replayed=False)


def append_many(*, appends: Sequence[StreamAppend], metadata: Metadata) -> list[AppendResult]:
    """Append to many streams in one transaction: all of them, with projections, or none.

    Each stream must be at its ``expected_version`` and appear once; the first mismatch raises
    ConcurrencyConflict and nothing is written. Positions follow the order of ``appends``. The
    same round trips as a one-stream append whatever the batch size (ingesting an article;
    flagging a chunk of contradictions), plus, on PostgreSQL, one per table whose 50 or more
    new rows go by COPY (``ledger.sql.send``).
    """
    if not appends:
        raise InvalidCommand("a bulk append needs at least one stream")
    stream_ids = [item.stream_id for item in appends]
    if len(set(stream_ids)) != len(stream_ids):
        raise InvalidCommand("a bulk append names each stream at most once")
    all_payloads = [_validated(item) for item in appends]
    metadata_dict = _metadata_dict(metadata)
    with transaction.atomic():
        reads = _read_under_lock([item.target for item in appends], lock=True)
        plan = _plan(appends, all_payloads, metadata_dict, reads)
        send(plan.writes)
    followers_nudge(item.type for item in plan.appended)
    return [AppendResult(events=events, replayed=False) for events in plan.results]


Decide = Callable[["projections.DatabaseRows", int], Sequence[DomainEvent]]


def append_decided(
    *,
    stream_id: str,
    stream_type: str,
    expected_version: int,
    decide: Decide,
    metadata: Metadata,
) -> AppendResult:
    """Append the events ``decide`` builds from the stream's state, read once under the lock.

    In the append's first round trip, under the lock: the stream's version, the ledger head
    and the read-model rows keyed by this stream (its state as the projections hold it, which
    costs the same whatever the stream's history). ``decide(rows, version)`` gets those rows
    and the stream's current version (0: no such stream) and returns the events to append, or
    raises, and then nothing is written. Nothing can move between what it read and the append:
    both happen under the lock. Then as ``append``: ConcurrencyConflict unless the stream is at
    ``expected_version``.
    """
    metadata_dict = _metadata_dict(metadata)
    with transaction.atomic():
        reads = _read_under_lock([(stream_id, stream_type, None)], lock=True)
        item = StreamAppend(
            stream_id=stream_id,
            stream_type=stream_type,
            expected_version=expected_version,
            events=decide(reads.rows, reads.version_of(stream_id)),
        )
        plan = _plan([item], [_validated(item)], metadata_dict, reads)
        send(plan.writes)
    followers_nudge(item.type for item in plan.appended)
    return AppendResult(events=plan.results[0], replayed=False)


def _metadata_dict(metadata: Metadata) -> dict[str, Any]:
    metadata_dict = metadata.to_dict()
    validate_payload(metadata_dict, path="metadata")
    return metadata_dict


# --- read under the lock, plan, send ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Reads:
    """What an append read under the lock: each stream's (version, type), the ledger head
    (position, hash) and the read-model rows its handlers will read."""

    streams: dict[str, tuple[int, str]]
    head: tuple[int, str]
    rows: projections.DatabaseRows

    def version_of(self, stream_id: str) -> int:
        return self.streams.get(stream_id, (0, ""))[0]


def _read_under_lock(targets: Sequence[tuple[str, str, int | None]], *, lock: bool) -> _Reads:
    """One round trip: the lock (with ``lock``), the heads of the streams and of the ledger, and
    the rows keyed by those streams that their handlers read.

    ``targets`` are (stream id, stream type, expected version, None when unknown). Rows keyed
    by a new stream are known absent and not read; the others are read even if the expected
    version turns out stale (the plan then refuses the append and they go unused).
    """
    rows = projections.DatabaseRows()
    with ExitStack() as cursors, pipeline():
        if lock:
            _lock_statement(cursors.enter_context(fast_cursor()))
        pending_heads = _heads_send(cursors, [stream_id for stream_id, _type, _version in targets])
        pending_rows = projections.preload_streams(rows, cursors, targets)
        streams, head = _heads_collect(pending_heads)
        rows.preload_collect(pending_rows)
    return _Reads(streams=streams, head=head, rows=rows)


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


def _plan(
    appends: Sequence[StreamAppend],
    all_payloads: Sequence[list[dict[str, Any]]],
    metadata_dict: dict[str, Any],
    reads: _Reads,
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
    plan = AppendPlan(results=results, writes=[])
    projections.apply(reads.rows, plan.appended)
    plan.writes.extend([_events_write(values), *reads.rows.writes()])
    return plan


def _heads_send(cursors: ExitStack, stream_ids: Sequence[str]) -> list[Any]:
    """Send the reads of each stream's (version, type) and of the ledger head (position, hash).

    Must run under ``lock_appends`` so that no append can commit between this read and ours.
    """
    table = connection.ops.quote_name(Event._meta.db_table)
    head_sql = (
        " UNION ALL SELECT NULL, head.position, head.hash FROM (SELECT position, hash"
        f" FROM {table} ORDER BY position DESC LIMIT 1) head"
    )
    if len(stream_ids) == 1:
        # A command on one stream: the cheapest statement to plan and run.
        cursor = cursors.enter_context(fast_cursor())
        cursor.execute(
            "SELECT last.stream_id, last.version, last.stream_type FROM (SELECT stream_id,"
            f" version, stream_type FROM {table} WHERE stream_id = %s ORDER BY version DESC"
            " LIMIT 1) last" + head_sql,
            [stream_ids[0]],
        )
        return [cursor]
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


def _heads_collect(pending: list[Any]) -> tuple[dict[str, tuple[int, str]], tuple[int, str]]:
    streams: dict[str, tuple[int, str]] = {}
    head: tuple[int, str] = (0, GENESIS_HASH)
    for cursor in pending:
        for stream_id, version, value in cursor.fetchall():
            if stream_id is None:
                head = (int(version), value)
            else:
                streams[stream_id] = (int(version), value)
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
    for item, payloads in zip(appends, all_payloads, strict=True):
        item_metadata, item_prepared_metadata = metadata_dict, prepared_metadata
        if item.metadata is not None:
            item_metadata = item.metadata.to_dict()
            item_prepared_metadata = prepare_metadata(item_metadata)
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


def read_stream(stream_id: str) -> list[RecordedEvent]:
    """Every event of one stream, oldest first (empty when the stream does not exist)."""
    # A plain cursor: loading one claim is on every command's path, and the ORM's query
    # building costs more than the indexed read itself.
    with fast_cursor() as cursor:
        cursor.execute(*_read_stream_query(stream_id))
        return _recorded_list(cursor.fetchall())


def read_streams(stream_ids: Sequence[str]) -> dict[str, list[RecordedEvent]]:
    """Every event of each stream, oldest first, in one query; a missing stream maps to []."""
    streams: dict[str, list[RecordedEvent]] = {stream_id: [] for stream_id in stream_ids}
    if not streams:
        return streams
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _RECORDED_FIELDS)
    marks = ", ".join(["%s"] * len(streams))
    with fast_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {quote(Event._meta.db_table)} WHERE stream_id IN ({marks}) "
            "ORDER BY stream_id, version",
            list(streams),
        )
        for recorded in _recorded_list(cursor.fetchall()):
            streams[recorded.stream_id].append(recorded)
    return streams


def _read_stream_query(stream_id: str) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in _RECORDED_FIELDS)
    return (
        f"SELECT {columns} FROM {quote(Event._meta.db_table)} WHERE stream_id = %s "
        "ORDER BY version",
        [stream_id],
    )


def _recorded_list(rows: Iterable[Sequence[Any]]) -> list[RecordedEvent]:
    convert = _recorded_converter(vendor())
    return [_recorded_from_values(convert(values)) for values in rows]


@functools.cache
def _recorded_converter(vendor: str) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    return row_converter(Event, _RECORDED_FIELDS)


def read_all(
    *, after_position: int = 0, types: Sequence[str] | None = None, limit: int | None = None
) -> Iterator[RecordedEvent]:
    """Committed events after ``after_position`` in position order, optionally of some types."""
    rows = Event.objects.filter(position__gt=after_position).order_by("position")
    if types is not None:
        rows = rows.filter(type__in=list(types))
    if limit is not None:
        rows = rows[:limit]
    # Plain tuples, not model instances: replaying the whole log (rebuilds, exports) is
    # dominated by per-row overhead.
    for values in rows.values_list(*_RECORDED_FIELDS).iterator(chunk_size=READ_BATCH_SIZE):
        yield _recorded_from_values(values)


# A recorded event carries every column but the chain's and the commitments' (verification's).
_RECORDED_FIELDS = tuple(
    field for field in EVENT_FIELDS if field not in ("prev_hash", "fields_digest", "salt", "leaves")
)


def _recorded_from_values(values: tuple[Any, ...]) -> RecordedEvent:
    """A RecordedEvent from a ``values_list(*_RECORDED_FIELDS)`` row."""
    position, stream_id, stream_type, version, type_name, schema, data, meta, at, hash_ = values
    return RecordedEvent(
        position=position,
        stream_id=stream_id,
        stream_type=stream_type,
        version=version,
        event=event_from_stored(type_name=type_name, schema_version=schema, data=data),
        metadata=meta,
        recorded_at=at,
        hash=hash_,
    )


def read_positions(positions: Iterable[int]) -> dict[int, RecordedEvent]:
    """The committed events at these positions (upcast, as readers see them), by position."""
    rows = Event.objects.filter(position__in=sorted(set(positions)))
    return {
        values[0]: _recorded_from_values(values) for values in rows.values_list(*_RECORDED_FIELDS)
    }


def head_position() -> int:
    """The position of the last committed event (0 for an empty ledger)."""
    head = Event.objects.order_by("-position").values_list("position", flat=True).first()
    return head or 0
