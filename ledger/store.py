"""The event store's write side: the one function family that appends events.

Appends are serialized (a transaction-scoped advisory lock on PostgreSQL; SQLite's IMMEDIATE
write lock), so the global position is assigned in commit order with no gaps: a reader that
has seen position N never later finds a committed event below N (docs/adr/0001). Each entry
point reads under the lock and plans (``ledger.planning``), then sends (``ledger.sql.send``);
readers are in ``ledger.reading``.

Every entry point that appends nudges the followers of the log (``ledger.followers``) once the
append's transaction commits; a nudge never fails the command.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction

from ledger import projections
from ledger.events import DomainEvent, Metadata
from ledger.exceptions import IdempotencyKeyReused, InvalidCommand
from ledger.followers import followers_nudge
from ledger.models import IdempotencyRecord
from ledger.payloads import validate_payload
from ledger.planning import lock_appends, plan, read_under_lock
from ledger.reading import RecordedEvent, read_all
from ledger.sql import send
from ledger.verify_export import canonical_json


@dataclasses.dataclass(frozen=True)
class AppendResult:
    events: list[RecordedEvent]
    replayed: bool  # True when an idempotency key matched: nothing new was appended

    @property
    def version(self) -> int:
        return self.events[-1].version


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
    # Positions have no gaps: the command's events are the ones from its first to its last.
    events = read_all(
        after_position=record.first_position - 1,
        limit=record.last_position - record.first_position + 1,
    )
    return AppendResult(events=list(events), replayed=True)


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
    commit = _transaction_owned() and not idempotency_key  # a key's record follows the send
    with transaction.atomic():
        if idempotency_key:
            lock_appends()
            replayed = _replay(idempotency_key, fingerprint)
            if replayed is not None:
                return replayed
        reads = read_under_lock([item.target])
        planned = plan([item], [payloads], metadata_dict, reads)
        send(planned.writes, commit=commit)
        (recorded,) = planned.results
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
    # Each stream's own metadata once, however many streams share it (an ingest's claims do).
    for own in {
        id(item.metadata): item.metadata for item in appends if item.metadata is not None
    }.values():
        _metadata_dict(own)
    commit = _transaction_owned()
    with transaction.atomic():
        reads = read_under_lock([item.target for item in appends])
        planned = plan(appends, all_payloads, metadata_dict, reads)
        send(planned.writes, commit=commit)
    followers_nudge(item.type for item in planned.appended)
    return [AppendResult(events=events, replayed=False) for events in planned.results]


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
    commit = _transaction_owned()
    with transaction.atomic():
        reads = read_under_lock([(stream_id, stream_type, None)])
        item = StreamAppend(
            stream_id=stream_id,
            stream_type=stream_type,
            expected_version=expected_version,
            events=decide(reads.rows, reads.version_of(stream_id)),
        )
        planned = plan([item], [_validated(item)], metadata_dict, reads)
        send(planned.writes, commit=commit)
    followers_nudge(item.type for item in planned.appended)
    return AppendResult(events=planned.results[0], replayed=False)


def _transaction_owned() -> bool:
    """Whether an append starting now is its transaction's outermost block: its writes, the
    last thing it sends, may then carry the COMMIT (``ledger.sql.send``)."""
    return not transaction.get_connection().in_atomic_block


def _metadata_dict(metadata: Metadata) -> dict[str, Any]:
    metadata_dict = metadata.to_dict()
    validate_payload(metadata_dict, path="metadata")
    return metadata_dict
