"""The event store: the one function that appends events, and the readers that follow them.

Appends are serialized (a transaction-scoped advisory lock on PostgreSQL; SQLite's IMMEDIATE
write lock), so the global position is assigned in commit order with no gaps: a reader that
has seen position N never later finds a committed event below N (docs/adr/0001).

Other apps react to new events through after-commit hooks (``after_commit_register``): callbacks
run once the append's transaction commits, and their failures never fail the command.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ledger import projections
from ledger.events import DomainEvent, Metadata, event_from_stored, validate_payload
from ledger.exceptions import ConcurrencyConflict, IdempotencyKeyReused, InvalidCommand
from ledger.models import Event, IdempotencyRecord
from ledger.verify_export import GENESIS_HASH, canonical_json, data_digest, event_hash

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


AfterCommitCallback = Callable[[list[RecordedEvent]], None]


@dataclasses.dataclass(frozen=True)
class AfterCommitHook:
    name: str
    event_types: frozenset[str]
    callback: AfterCommitCallback


# name -> hook; filled by other apps' AppConfig.ready() (``ledger`` imports none of them).
_AFTER_COMMIT_HOOKS: dict[str, AfterCommitHook] = {}


def after_commit_register(
    *, name: str, event_types: Iterable[str], callback: AfterCommitCallback
) -> None:
    """Run ``callback`` after the commit of any append that added events of ``event_types``.

    This is how code outside ``ledger`` reacts to new events without ``ledger`` importing it:
    ``reviews`` registers its contradiction nudge here in ``ReviewsConfig.ready``. The callback
    gets the committed events of those types from one append, runs through
    ``transaction.on_commit`` (never for a rolled-back append) and must be quick. Whatever it
    raises is logged and swallowed: the command already committed and must not fail for a
    side effect, so a callback may only be a hint (the event log stays the truth). Registering
    the same ``name`` again replaces the hook.
    """
    types = frozenset(str(item) for item in event_types)
    if not name or not types:
        raise InvalidCommand("an after-commit hook needs a name and at least one event type")
    _AFTER_COMMIT_HOOKS[name] = AfterCommitHook(name=name, event_types=types, callback=callback)


def after_commit_unregister(*, name: str) -> None:
    """Remove a hook (tests); unknown names are ignored."""
    _AFTER_COMMIT_HOOKS.pop(name, None)


def after_commit_hooks() -> list[AfterCommitHook]:
    return list(_AFTER_COMMIT_HOOKS.values())


def _run_hook(hook: AfterCommitHook, recorded: list[RecordedEvent]) -> None:
    try:
        hook.callback(recorded)
    except Exception:
        logger.exception("after-commit hook %r failed; the append itself committed", hook.name)


def _schedule_hooks(recorded: list[RecordedEvent]) -> None:
    for hook in list(_AFTER_COMMIT_HOOKS.values()):
        matching = [item for item in recorded if item.type in hook.event_types]
        if matching:
            transaction.on_commit(functools.partial(_run_hook, hook, matching))


def format_timestamp(moment: datetime.datetime) -> str:
    """The canonical form of ``recorded_at`` in hashes and exports."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lock_appends() -> None:
    """Serialize with every other append until the current transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
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
    if not events:
        raise InvalidCommand("a command must append at least one event")
    if expected_version < 0:
        raise InvalidCommand("expected_version cannot be negative")
    if not stream_id or len(stream_id) > 100:
        raise InvalidCommand("stream_id must be 1 to 100 characters")
    payloads = [event.to_data() for event in events]
    metadata_dict = metadata.to_dict()
    for payload in payloads:
        validate_payload(payload)
    validate_payload(metadata_dict, path="metadata")
    fingerprint = _fingerprint(stream_id, expected_version, events) if idempotency_key else ""

    with transaction.atomic():
        lock_appends()
        if idempotency_key:
            replayed = _replay(idempotency_key, fingerprint)
            if replayed is not None:
                return replayed
        current = (
            Event.objects.filter(stream_id=stream_id)
            .order_by("-version")
            .values_list("version", "stream_type")
            .first()
        )
        current_version = current[0] if current else 0
        if current is not None and current[1] != stream_type:
            raise InvalidCommand(f"stream {stream_id} is a {current[1]} stream, not {stream_type}")
        if current_version != expected_version:
            raise ConcurrencyConflict(
                stream_id=stream_id,
                expected_version=expected_version,
                current_version=current_version,
            )
        head = Event.objects.order_by("-position").values_list("position", "hash").first()
        position, prev_hash = head if head else (0, GENESIS_HASH)
        recorded_at = timezone.now()
        rows = []
        for offset, (event, payload) in enumerate(zip(events, payloads, strict=True), start=1):
            envelope: dict[str, Any] = {
                "position": position + offset,
                "stream_id": stream_id,
                "stream_type": stream_type,
                "version": expected_version + offset,
                "type": event.event_type.value,
                "schema_version": event.schema_version,
                "metadata": metadata_dict,
                "recorded_at": format_timestamp(recorded_at),
                "prev_hash": prev_hash,
            }
            prev_hash = event_hash(envelope, data_digest(payload))
            rows.append(
                Event(
                    position=envelope["position"],
                    stream_id=stream_id,
                    stream_type=stream_type,
                    version=envelope["version"],
                    type=envelope["type"],
                    schema_version=event.schema_version,
                    data=payload,
                    metadata=metadata_dict,
                    recorded_at=recorded_at,
                    prev_hash=envelope["prev_hash"],
                    hash=prev_hash,
                )
            )
        Event.objects.bulk_create(rows)
        if idempotency_key:
            IdempotencyRecord.objects.create(
                key=idempotency_key,
                fingerprint=fingerprint,
                stream_id=stream_id,
                first_position=rows[0].position,
                last_position=rows[-1].position,
                recorded_at=recorded_at,
            )
        recorded = [
            RecordedEvent(
                position=row.position,
                stream_id=stream_id,
                stream_type=stream_type,
                version=row.version,
                event=event,
                metadata=metadata_dict,
                recorded_at=recorded_at,
                hash=row.hash,
            )
            for row, event in zip(rows, events, strict=True)
        ]
        projections.apply_incrementally(recorded)
        _schedule_hooks(recorded)
    return AppendResult(events=recorded, replayed=False)


def read_stream(stream_id: str) -> list[RecordedEvent]:
    """Every event of one stream, oldest first (empty when the stream does not exist)."""
    rows = Event.objects.filter(stream_id=stream_id).order_by("version")
    return [_to_recorded(row) for row in rows]


def read_all(
    *, after_position: int = 0, types: Sequence[str] | None = None, limit: int | None = None
) -> Iterator[RecordedEvent]:
    """Committed events after ``after_position`` in position order, optionally of some types."""
    rows = Event.objects.filter(position__gt=after_position).order_by("position")
    if types is not None:
        rows = rows.filter(type__in=list(types))
    if limit is not None:
        rows = rows[:limit]
    for row in rows.iterator(chunk_size=READ_BATCH_SIZE):
        yield _to_recorded(row)


def head_position() -> int:
    """The position of the last committed event (0 for an empty ledger)."""
    head = Event.objects.order_by("-position").values_list("position", flat=True).first()
    return head or 0
