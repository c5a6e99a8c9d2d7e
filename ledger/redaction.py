"""Removing personal data from a stored event without breaking the hash chain.

An event's hash covers a digest of its payload, not the payload (docs/adr/0002), so a payload field
can be replaced by ``REDACTED`` while the hash still verifies against the digest recorded before
the redaction. ``event_redact`` is the only code that changes a stored event; it does so in one
transaction that also appends a ``DataRedacted`` event saying who removed what and why, and the
digests before and after (docs/adr/exports-02-redaction.md).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction

from ledger import events as ev
from ledger import projections
from ledger.db_guards import REDACTION_SETTING, SQLITE_TRIGGERS
from ledger.exceptions import InvalidCommand, LedgerIntegrityError, NotFound
from ledger.models import EVENT_FIELDS, Event
from ledger.services import projections_rebuild
from ledger.store import append, format_timestamp, lock_appends
from ledger.verify_export import data_digest, event_hash

MAX_REASON_LENGTH = 500


def event_record(values: tuple[Any, ...]) -> dict[str, Any]:
    """An event row (``EVENT_FIELDS`` in order) as the plain record exports carry."""
    record = dict(zip(EVENT_FIELDS, values, strict=True))
    record["recorded_at"] = format_timestamp(record["recorded_at"])
    return record


def redaction_stream_id(position: int) -> str:
    """The stream holding every DataRedacted event of the event at ``position``."""
    return f"redaction-{position}"


@dataclasses.dataclass(frozen=True)
class RedactionResult:
    position: int
    field: str
    redaction_position: int
    data_digest_before: str
    data_digest_after: str


def redactions_by_position() -> dict[int, list[dict[str, Any]]]:
    """Every DataRedacted event as a record, keyed by the position it redacted, oldest first.

    Redactions are rare, so they are read whole; exports and verification look them up as they
    stream past the redacted events.
    """
    rows = (
        Event.objects.filter(type=ev.EventType.DATA_REDACTED)
        .order_by("position")
        .values_list(*EVENT_FIELDS)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for values in rows:
        record = event_record(values)
        target = record["data"].get("position") if isinstance(record["data"], dict) else None
        if isinstance(target, int):  # anything else fails verification at its own position
            found.setdefault(target, []).append(record)
    return found


def _path(field: str) -> list[str]:
    segments = field.strip().split(".")
    if not field.strip() or any(not segment for segment in segments):
        raise InvalidCommand(f"--field {field!r} is not a path like body or selector.exact")
    return segments


def _parent_of_leaf(data: Any, segments: list[str], field: str) -> tuple[Any, str | int]:
    """The container holding the value at ``segments`` and the key or index of that value."""
    container = data
    for depth, segment in enumerate(segments):
        key: str | int
        if isinstance(container, dict):
            key = segment
            if key not in container:
                raise InvalidCommand(f"the event's payload has no field {field!r}")
        elif isinstance(container, list):
            if not segment.isdigit() or int(segment) >= len(container):
                raise InvalidCommand(f"the event's payload has no item {field!r}")
            key = int(segment)
        else:
            raise InvalidCommand(f"the event's payload has no field {field!r}")
        if depth == len(segments) - 1:
            return container, key
        container = container[key]
    raise AssertionError("unreachable: segments is never empty")


@contextmanager
def _payload_rewrite_permitted(position: int) -> Iterator[None]:
    """Let this transaction rewrite the payload of the event at ``position``, and nothing else.

    PostgreSQL: the append-only trigger lets an UPDATE through when a transaction-local setting
    names the row and no column but ``data`` changes. SQLite: the UPDATE trigger is dropped and
    recreated inside the caller's transaction, which holds SQLite's write lock throughout.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a payload rewrite must run inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, %s, true)", [REDACTION_SETTING, str(position)])
            try:
                yield
            finally:
                cursor.execute("SELECT set_config(%s, '', true)", [REDACTION_SETTING])
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_event_no_update")
            try:
                yield
            finally:
                cursor.execute(SQLITE_TRIGGERS["UPDATE"])
        else:
            raise NotImplementedError(f"no redaction support for {connection.vendor}")


def _check_stored(row: Event, earlier: list[dict[str, Any]]) -> str:
    """Verify the stored event (and its earlier redactions); return its current payload digest."""
    current = data_digest(row.data)
    original = earlier[0]["data_digest_before"] if earlier else current
    expected_current = earlier[-1]["data_digest_after"] if earlier else original
    envelope = {
        "position": row.position,
        "stream_id": row.stream_id,
        "stream_type": row.stream_type,
        "version": row.version,
        "type": row.type,
        "schema_version": row.schema_version,
        "metadata": row.metadata,
        "recorded_at": format_timestamp(row.recorded_at),
        "prev_hash": row.prev_hash,
    }
    if event_hash(envelope, original) != row.hash or current != expected_current:
        raise LedgerIntegrityError(
            f"the event at position {row.position} does not verify; refusing to redact it "
            "(run verify_ledger)"
        )
    return current


def event_redact(
    *, position: int, field: str, reason: str, metadata: ev.Metadata
) -> RedactionResult:
    """Replace the text at ``field`` (a dotted path, e.g. ``body`` or ``selector.exact``) of
    the event at ``position`` by ``REDACTED``, and record a DataRedacted event.

    Only text values can be redacted (a reader of the event keeps finding the field, with the
    marker in it). Metadata cannot be: the hash covers it directly. Read models are rebuilt so
    the removed text is gone from them too. Atomic: on any error nothing changes.
    """
    segments = _path(field)
    reason = reason.strip()
    if not reason:
        raise InvalidCommand("a redaction needs a reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidCommand(f"the reason is longer than {MAX_REASON_LENGTH} characters")
    if not metadata.actor.strip():
        raise InvalidCommand("a redaction needs the actor who performs it")
    with transaction.atomic():
        lock_appends()  # no append or other redaction can interleave
        row = Event.objects.filter(position=position).first()
        if row is None:
            raise NotFound(f"no event at position {position}")
        if row.type == ev.EventType.DATA_REDACTED:
            raise InvalidCommand("a DataRedacted event cannot itself be redacted")
        stream_id = redaction_stream_id(position)
        earlier: list[dict[str, Any]] = list(
            Event.objects.filter(stream_id=stream_id)
            .order_by("version")
            .values_list("data", flat=True)
        )
        digest_before = _check_stored(row, earlier)
        new_data = copy.deepcopy(row.data)
        container, key = _parent_of_leaf(new_data, segments, field)
        value = container[key]
        if value == ev.REDACTED:
            raise InvalidCommand(f"{field} of the event at position {position} is already redacted")
        if not isinstance(value, str):
            raise InvalidCommand(
                f"{field} holds a {type(value).__name__}; only text can be redacted "
                "(name the text inside it, e.g. selector.exact)"
            )
        container[key] = ev.REDACTED
        digest_after = data_digest(new_data)
        with _payload_rewrite_permitted(position):
            # The append-only queryset refuses updates; this is the one sanctioned rewrite.
            updated = models.QuerySet(model=Event).filter(position=position).update(data=new_data)
        if updated != 1:
            raise LedgerIntegrityError(f"the event at position {position} could not be rewritten")
        result = append(
            stream_id=stream_id,
            stream_type=ev.StreamType.REDACTION,
            expected_version=len(earlier),
            events=[
                ev.DataRedacted(
                    position=position,
                    event_hash=row.hash,
                    stream_id=row.stream_id,
                    field=".".join(segments),
                    reason=reason,
                    data_digest_before=digest_before,
                    data_digest_after=digest_after,
                )
            ],
            metadata=metadata,
        )
        if row.stream_type in projections.HANDLERS:
            # The read models may hold the removed text; rebuild them from the redacted events.
            projections_rebuild(check=False)
    return RedactionResult(
        position=position,
        field=".".join(segments),
        redaction_position=result.events[0].position,
        data_digest_before=digest_before,
        data_digest_after=digest_after,
    )


def redaction_summary(records: list[dict[str, Any]]) -> str:
    """'body by user:x at 2025-...: reason; ...' for the redactions of one event."""
    return "; ".join(
        f"{record['data']['field']} by {record['metadata'].get('actor', '?')} "
        f"at {record['recorded_at']}: {record['data']['reason']}"
        for record in records
    )
