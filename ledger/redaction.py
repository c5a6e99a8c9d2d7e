"""Removing personal data from a stored event without breaking the hash chain.

An event's hash covers a digest of its payload, not the payload (docs/adr/0002), so a payload field
can be replaced by ``REDACTED`` while the hash still verifies against the digest recorded before
the redaction. ``event_redact`` is the only code that changes a stored event; it does so in one
transaction that also appends a ``DataRedacted`` event saying who removed what and why, and the
digests before and after (docs/adr/0007-redaction.md).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from ledger import events as ev
from ledger import projections
from ledger.db_guards import SQLITE_TRIGGERS
from ledger.exceptions import InvalidCommand, LedgerIntegrityError, NotFound
from ledger.models import EVENT_FIELDS, Event
from ledger.planning import lock_appends
from ledger.reading import format_timestamp
from ledger.services import projections_rebuild
from ledger.store import append
from ledger.verify_export import (
    event_hash,
    fields_digest,
    leaf_commitment,
    leaf_salt,
    payload_commitments,
    redacted_payload_problem,
    unredacted_digest,
)

MAX_REASON_LENGTH = 500


def event_record(values: tuple[Any, ...]) -> dict[str, Any]:
    """An event row (``EVENT_FIELDS`` in order) as the plain record exports carry."""
    record = dict(zip(EVENT_FIELDS, values, strict=True))
    record["recorded_at"] = format_timestamp(record["recorded_at"])
    if record["leaves"] is None:
        del record["leaves"]  # only a redacted event of hash format 2 has a leaf proof
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


def _text_paths(data: Any) -> list[str]:
    """The dotted path of every text value of a payload, in the commitments' order."""
    paths: list[str] = []

    def collect(_index: int, path: str, _value: str) -> str:
        paths.append(path)
        return ""

    fields_digest(data, collect)
    return paths


def _check_stored(row: Event, earlier: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """Verify the stored event (and its earlier redactions) against its commitments; return the
    payload digest its hash covers and its leaf proof as it stands (one entry per text value)."""
    record = event_record(tuple(getattr(row, name) for name in EVENT_FIELDS))
    if earlier:
        digest: str | None = earlier[0]["data_digest_before"]
        problem = redacted_payload_problem(
            record, digest, [redaction["field"] for redaction in earlier]
        )
        leaves = list(row.leaves or [])
    else:
        digest, problem = unredacted_digest(record)
        leaves = [
            {"salt": leaf_salt(row.salt, index)} for index in range(len(_text_paths(row.data)))
        ]
        if problem is None and payload_commitments(row.salt, row.data)[1] != row.fields_digest:
            problem = "its texts differ from their commitments"
    if problem is not None or digest is None or event_hash(record, digest) != row.hash:
        raise LedgerIntegrityError(
            f"the event at position {row.position} does not verify; refusing to redact it "
            "(run verify_ledger)"
        )
    return digest, leaves


def redactor_execute(cursor: Any, sql: str, params: list[Any]) -> None:
    """Call a function the redactor role owns (PostgreSQL: ``ledger.db_guards``), in a
    savepoint; the database's refusal becomes a LedgerIntegrityError saying what to install."""
    try:
        with transaction.atomic():
            cursor.execute(sql, params)
    except DatabaseError as error:
        raise LedgerIntegrityError(
            "the database refused the redaction: is the redactor role installed? "
            f"(ledger.db_guards.REDACTOR_INSTALL, run by an administrator): {error}"
        ) from error


def _rewrite(row: Event, segments: list[str], new_data: Any, leaves: list[dict[str, str]]) -> None:
    """Store the redacted payload and its leaf proof, deleting the event's salt.

    PostgreSQL: ``ledger_event_redact`` (ledger.db_guards), the one UPDATE the append-only
    trigger lets through, and only as the redactor role that owns it. SQLite (no roles): the
    UPDATE trigger is dropped and recreated inside the caller's transaction, which holds
    SQLite's write lock throughout; there the commitments are the guarantee.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a payload rewrite must run inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            redactor_execute(
                cursor,
                "SELECT ledger_event_redact(%s, %s, %s::jsonb)",
                [row.position, segments, json.dumps(leaves)],
            )
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_event_no_update")
            try:
                # The append-only queryset refuses updates; this is the one sanctioned rewrite.
                models.QuerySet(model=Event).filter(position=row.position).update(
                    data=new_data, salt="", leaves=leaves
                )
            finally:
                cursor.execute(SQLITE_TRIGGERS["UPDATE"])
        else:
            raise NotImplementedError(f"no redaction support for {connection.vendor}")


def redaction_reason_checked(reason: str, metadata: ev.Metadata) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidCommand("a redaction needs a reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidCommand(f"the reason is longer than {MAX_REASON_LENGTH} characters")
    if not metadata.actor.strip():
        raise InvalidCommand("a redaction needs the actor who performs it")
    return reason


def event_redact(
    *, position: int, field: str, reason: str, metadata: ev.Metadata
) -> RedactionResult:
    """Replace the text at ``field`` (a dotted path, e.g. ``body`` or ``selector.exact``) of
    the event at ``position`` by ``REDACTED``, and record a DataRedacted event.

    Only text values can be redacted (a reader of the event keeps finding the field, with the
    marker in it), and only of events appended in hash format 2, whose per-text commitments
    let verification prove that nothing else changed (docs/adr/0028-provable-redaction.md).
    Metadata cannot be: the hash covers it directly. Read models are rebuilt so the removed text
    is gone from them too; the followers of the log remove their copies when they read the
    DataRedacted event (``ledger.followers``). Atomic: on any error nothing changes.
    """
    segments = _path(field)
    reason = redaction_reason_checked(reason, metadata)
    with transaction.atomic():
        lock_appends()  # no append or other redaction can interleave
        row = Event.objects.filter(position=position).first()
        if row is None:
            raise NotFound(f"no event at position {position}")
        result = event_field_redact(row, segments, reason, metadata)
        if row.stream_type in projections.HANDLERS:
            # The read models may hold the removed text; rebuild them from the redacted events.
            projections_rebuild(check=False)
    return result


def event_field_redact(
    row: Event, segments: list[str], reason: str, metadata: ev.Metadata
) -> RedactionResult:
    """Redact one text of the stored event ``row`` and append its DataRedacted event; the
    caller holds the append lock in its transaction and rebuilds the read models."""
    position, field = row.position, ".".join(segments)
    if row.type == ev.EventType.DATA_REDACTED:
        raise InvalidCommand("a DataRedacted event cannot itself be redacted")
    if not row.fields_digest:
        raise InvalidCommand(
            f"the event at position {position} was recorded in hash format 1, without "
            "per-field commitments: a redaction of it could not be proven to change only "
            "that field (docs/adr/0028-provable-redaction.md)"
        )
    stream_id = redaction_stream_id(position)
    earlier: list[dict[str, Any]] = list(
        Event.objects.filter(stream_id=stream_id).order_by("version").values_list("data", flat=True)
    )
    digest, leaves = _check_stored(row, earlier)
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
    index = _text_paths(row.data).index(field)
    leaves[index] = {"commitment": leaf_commitment(leaves[index]["salt"], value)}
    _rewrite(row, segments, new_data, leaves)
    row.data, row.leaves, row.salt = new_data, leaves, ""
    result = append(
        stream_id=stream_id,
        stream_type=ev.StreamType.REDACTION,
        expected_version=len(earlier),
        events=[
            ev.DataRedacted(
                position=position,
                event_hash=row.hash,
                stream_id=row.stream_id,
                field=field,
                reason=reason,
                # Format 2: the digest the hash covers, which a redaction does not change.
                data_digest_before=digest,
                data_digest_after=digest,
            )
        ],
        metadata=metadata,
    )
    return RedactionResult(
        position=position,
        field=field,
        redaction_position=result.events[0].position,
        data_digest_before=digest,
        data_digest_after=digest,
    )


# A claim's text as its own events carry it: the text, and the TextQuote selector's quote and
# the source text around it (which may hold the rest of the sentence).
CLAIM_TEXT_FIELDS = ("text", "selector.exact", "selector.prefix", "selector.suffix")


@dataclasses.dataclass(frozen=True)
class ErasureResult:
    claim_id: str
    redactions: list[RedactionResult]  # one per field removed, in position order


def _texts_of(data: Any) -> dict[str, str]:
    """Every text value of a payload by its dotted path."""
    found: dict[str, str] = {}

    def collect(_index: int, path: str, value: str) -> str:
        found[path] = value
        return ""

    fields_digest(data, collect)
    return found


def claim_text_erase(*, claim_id: str, reason: str, metadata: ev.Metadata) -> ErasureResult:
    """Erase a claim's sentence from the ledger: every field of every event that carries it.

    The claim's sentences are the texts its own events recorded (its first text and each
    revision). Removed: in the claim's events, ``text`` and the TextQuote selector (``exact``,
    ``prefix``, ``suffix``); in every event of the ledger, any text containing one of those
    sentences (a comment quoting it, another claim recording the same words). Each removal is
    a redaction of its own (``event_redact``'s guarantees, one DataRedacted event each), all in
    one transaction, then the read models are rebuilt once; the followers remove their copies
    when they read the DataRedacted events. The source snapshot is not changed. Raises NotFound
    for an unknown claim, InvalidCommand when nothing of it is left to erase.
    """
    reason = redaction_reason_checked(reason, metadata)
    with transaction.atomic():
        lock_appends()
        own = list(
            Event.objects.filter(stream_id=str(claim_id), stream_type=ev.StreamType.CLAIM)
            .order_by("version")
            .only("position", "data")
        )
        if not own:
            raise NotFound(f"no claim {claim_id}")
        sentences = {
            row.data["text"]
            for row in own
            if isinstance(row.data.get("text"), str) and row.data["text"] not in ("", ev.REDACTED)
        }
        targets: list[tuple[int, str]] = [
            (row.position, path)
            for row in own
            for path, value in _texts_of(row.data).items()
            if path in CLAIM_TEXT_FIELDS and value not in ("", ev.REDACTED)
        ]
        own_positions = {row.position for row in own}
        rows = (
            Event.objects.exclude(type=ev.EventType.DATA_REDACTED)
            .order_by("position")
            .values_list("position", "data")
        )
        for position, data in rows.iterator(chunk_size=2000):
            for path, value in _texts_of(data).items():
                carries = any(sentence in value for sentence in sentences)
                if carries and (position not in own_positions or path not in CLAIM_TEXT_FIELDS):
                    targets.append((position, path))
        if not targets:
            raise InvalidCommand(f"claim {claim_id} holds no text left to erase")
        redactions = []
        touched_projections = False
        for position, path in sorted(set(targets)):
            row = Event.objects.get(position=position)
            redactions.append(event_field_redact(row, path.split("."), reason, metadata))
            touched_projections |= row.stream_type in projections.HANDLERS
        if touched_projections:
            projections_rebuild(check=False)
    return ErasureResult(claim_id=str(claim_id), redactions=redactions)


def redaction_summary(records: list[dict[str, Any]]) -> str:
    """'body by user:x at 2025-...: reason; ...' for the redactions of one event."""
    return "; ".join(
        f"{record['data']['field']} by {record['metadata'].get('actor', '?')} "
        f"at {record['recorded_at']}: {record['data']['reason']}"
        for record in records
    )
