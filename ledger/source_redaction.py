"""Redacting spans of an ingested source snapshot, recorded on the chain (docs/adr/0007).

A source's ``text`` is what claim selectors index and ``content`` its original bytes; both may
hold an erased sentence or personal data. ``source_text_redact`` replaces each span of the text
by filler of the same length (every other selector's offsets stay right), the bytes by the
UTF-8 of the redacted text, and records ``SourceRedacted`` on the source's stream with the
SHA-256 of content and text before and after. Claim selectors are copies of the source's text:
each ``text``/``selector`` part of a claim of the source that overlaps a redacted span is
redacted too (``event_field_redact``, one ``DataRedacted`` each). ``sources_verify`` checks
every stored snapshot against the hashes its events recorded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import uuid
from typing import Any

from django.db import connection, models, transaction

from ledger import events as ev
from ledger.db_guards import SOURCE_FILLER, SQLITE_SOURCE_TRIGGER
from ledger.exceptions import InvalidCommand, LedgerIntegrityError, NotFound
from ledger.ingestion import MEDIA_TYPE_TEXT, source_withheld
from ledger.models import Event, Source
from ledger.planning import lock_appends
from ledger.reading import read_stream
from ledger.redaction import (
    RedactionResult,
    event_field_redact,
    redaction_reason_checked,
    redactor_execute,
)
from ledger.services import projections_rebuild
from ledger.store import append

SOURCE_EVENT_TYPES = (ev.EventType.SOURCE_INGESTED, ev.EventType.SOURCE_REDACTED)
MAX_SPANS = 1000


@dataclasses.dataclass(frozen=True)
class SourceRedactionResult:
    source_id: str
    spans: list[ev.TextSpan]  # the spans filled, in order
    position: int  # of the SourceRedacted event
    redactions: list[RedactionResult]  # claim fields that copied a redacted span


def sha256_hex(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()


Recorded = list[tuple[int, str, dict[str, Any]]]  # (position, type, data), oldest first


def _recorded(source_id: str | None = None) -> dict[str, Recorded]:
    """The SourceIngested and SourceRedacted events of one source (or of all), by source."""
    rows = Event.objects.filter(type__in=SOURCE_EVENT_TYPES)
    if source_id is not None:
        rows = rows.filter(stream_id=source_id)
    found: dict[str, Recorded] = {}
    for stream_id, position, kind, data in rows.order_by("position").values_list(
        "stream_id", "position", "type", "data"
    ):
        found.setdefault(stream_id, []).append((position, kind, data))
    return found


def _redacted_spans(recorded: Recorded) -> list[ev.TextSpan]:
    """The spans the SourceRedacted events among ``recorded`` filled, in order."""
    spans = [
        span
        for _, kind, data in recorded
        if kind == ev.EventType.SOURCE_REDACTED
        for span in data["spans"]
    ]
    return sorted(spans, key=lambda span: span["start"])


REDACTED_REASON = "redacted"  # a redacted span among the spans context stops at


def source_context_stops(*, source_id: str, text: str) -> list[ev.WithheldSpan]:
    """Where context shown around a quote of the source must stop, in order: the personal data
    and boilerplate ingestion withheld (``source_withheld``) and every redacted span. One read
    of the source's stream."""
    recorded = read_stream(source_id)
    redacted: list[ev.WithheldSpan] = [
        {"start": span["start"], "end": span["end"], "reason": REDACTED_REASON}
        for item in recorded
        if isinstance(item.event, ev.SourceRedacted)
        for span in item.event.spans
    ]
    stops = [*source_withheld(recorded=recorded, text=text), *redacted]
    return sorted(stops, key=lambda span: span["start"])


def spans_overlap(first: ev.TextSpan, second: ev.TextSpan) -> bool:
    return first["start"] < second["end"] and second["start"] < first["end"]


def _spans_checked(
    requested: list[tuple[int, int]], *, length: int, redacted: list[ev.TextSpan]
) -> list[ev.TextSpan]:
    if not requested:
        raise InvalidCommand("name the text or at least one span to redact")
    if len(requested) > MAX_SPANS:
        raise InvalidCommand(f"at most {MAX_SPANS} spans at once")
    spans: list[ev.TextSpan] = [
        {"start": start, "end": end} for start, end in sorted(set(requested))
    ]
    for span in spans:
        if not 0 <= span["start"] < span["end"] <= length:
            raise InvalidCommand(
                f"span {span['start']}..{span['end']} is not within the source's text "
                f"(0..{length}, end exclusive, not empty)"
            )
    for earlier, later in itertools.pairwise(spans):
        if spans_overlap(earlier, later):
            raise InvalidCommand(
                f"spans {earlier['start']}..{earlier['end']} and {later['start']}..{later['end']} "
                "overlap; name each part once"
            )
    for span in spans:
        for done in redacted:
            if spans_overlap(span, done):
                raise InvalidCommand(
                    f"span {span['start']}..{span['end']} overlaps {done['start']}..{done['end']}, "
                    "already redacted"
                )
    return spans


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    if not needle.strip():
        raise InvalidCommand("the text to redact is empty")
    found: list[tuple[int, int]] = []
    position = text.find(needle)
    while position != -1:
        found.append((position, position + len(needle)))
        position = text.find(needle, position + len(needle))
    if not found:
        raise InvalidCommand("the source's text does not contain the text given (nothing redacted)")
    return found


def filled(text: str, spans: list[ev.TextSpan]) -> str:
    """``text`` with each span replaced by filler of its length."""
    parts, cursor = [], 0
    for span in spans:
        parts += [text[cursor : span["start"]], SOURCE_FILLER * (span["end"] - span["start"])]
        cursor = span["end"]
    return "".join([*parts, text[cursor:]])


def _state_problem(source: Source, recorded: Recorded) -> tuple[int, str] | None:
    """Where and why the stored snapshot is not what its events recorded; None when it is."""
    ingests = [data for _, kind, data in recorded if kind == ev.EventType.SOURCE_INGESTED]
    if len(ingests) != 1:
        return 0, f"source {source.pk}: {len(ingests)} SourceIngested events, not one"
    content_hash, text_hash, spans = ingests[0]["sha256"], None, []
    for position, kind, data in recorded:
        if kind != ev.EventType.SOURCE_REDACTED:
            continue
        if data["content_sha256_before"] != content_hash:
            return position, f"source {source.pk}: its redaction does not follow the state before"
        content_hash, text_hash = data["content_sha256_after"], data["text_sha256_after"]
        spans += data["spans"]
    last = recorded[-1][0]
    if sha256_hex(bytes(source.content)) != content_hash:
        return last, f"source {source.pk}: stored content differs from its recorded SHA-256"
    if text_hash is not None and sha256_hex(source.text.encode("utf-8")) != text_hash:
        return last, f"source {source.pk}: stored text differs from its recorded SHA-256"
    if any(
        source.text[s["start"] : s["end"]] != SOURCE_FILLER * (s["end"] - s["start"]) for s in spans
    ):
        return last, f"source {source.pk}: a redacted span holds text"
    return None


def sources_verify() -> tuple[int, str] | None:
    """The first stored source snapshot that is not what its events recorded: (position of its
    last recorded event, or 0, and why); None when every one is."""
    recorded = _recorded()
    for source in (
        Source.objects.only("id", "content", "text").order_by("id").iterator(chunk_size=20)
    ):
        problem = _state_problem(source, recorded.get(str(source.pk), []))
        if problem is not None:
            return problem
    return None


def _rewrite(source_id: str, spans: list[ev.TextSpan], new_text: str) -> None:
    """Store the filled text and its bytes. PostgreSQL: ``ledger_source_redact``, the one UPDATE
    the source table's trigger lets through (as the redactor role that owns it), which fills
    the spans itself; its result must be ``new_text``. SQLite: the trigger is dropped and
    recreated inside the caller's write-locked transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            redactor_execute(
                cursor,
                "SELECT ledger_source_redact(%s::uuid, %s::integer[], %s::integer[])",
                [source_id, [s["start"] for s in spans], [s["end"] for s in spans]],
            )
            stored = Source.objects.filter(pk=source_id).values_list("text", flat=True).get()
            if stored != new_text:
                raise LedgerIntegrityError("the database's redaction of the source differs")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS ledger_source_no_update")
            try:
                # Source rows are immutable in the ORM; this is the one sanctioned rewrite.
                models.QuerySet(model=Source).filter(pk=source_id).update(
                    text=new_text, content=new_text.encode("utf-8"), media_type=MEDIA_TYPE_TEXT
                )
            finally:
                cursor.execute(SQLITE_SOURCE_TRIGGER)
        else:
            raise NotImplementedError(f"no source redaction support for {connection.vendor}")


def _selector_parts(selector: dict[str, Any]) -> dict[str, ev.TextSpan]:
    """The source range each part of a claim's selector copies (a redacted part: none)."""
    start, end = selector["start"], selector["end"]
    ranges: dict[str, ev.TextSpan] = {
        "selector.exact": {"start": start, "end": end},
        "selector.prefix": {"start": start - len(selector["prefix"]), "end": start},
        "selector.suffix": {"start": end, "end": end + len(selector["suffix"])},
    }
    return {
        path: span
        for path, span in ranges.items()
        if span["start"] < span["end"] and selector[path.split(".")[1]] != ev.REDACTED
    }


def _copies_redact(
    source_id: str, spans: list[ev.TextSpan], reason: str, metadata: ev.Metadata
) -> list[RedactionResult]:
    """Redact every field of a claim quoted from the source (extracted at ingest or submitted
    with a selector into it) that copies text of a redacted span."""
    redactions = []
    quoted = Event.objects.filter(type=ev.EventType.CLAIM_RECORDED, data__source_id=source_id)
    rows = quoted.order_by("position")
    for row in rows:
        selector = row.data.get("selector")
        if not isinstance(selector, dict):
            continue
        parts = _selector_parts(selector)
        touched = [
            path for path, part in parts.items() if any(spans_overlap(part, s) for s in spans)
        ]
        if "selector.exact" in touched and row.data.get("text") not in ("", ev.REDACTED, None):
            touched.append("text")  # the claim's text is the quote
        for path in sorted(touched):
            # ``event_field_redact`` leaves ``row`` as it stored it, ready for the next field.
            redactions.append(event_field_redact(row, path.split("."), reason, metadata))
    return redactions


@dataclasses.dataclass(frozen=True)
class SourceRedaction:
    """What to redact from a source: every occurrence of ``text``, or each of ``spans``
    (character offsets into its text, end exclusive), and why (recorded)."""

    source_id: str
    reason: str
    text: str | None = None
    spans: list[tuple[int, int]] | None = None


def source_text_redact(
    *, redaction: SourceRedaction, metadata: ev.Metadata
) -> SourceRedactionResult:
    """Fill every occurrence of ``redaction.text`` in the source's text, or each of its
    ``spans``, and record a SourceRedacted event.

    One transaction under the append lock: the stored snapshot is checked against its recorded
    hashes, the spans are filled (bytes too: they become the UTF-8 of the redacted text, as
    text/plain; the row keeps its ``sha256``, its identity, so ingesting the same bytes again
    finds it and records nothing), each claim field copying a redacted span is redacted, the
    event is appended and the read models rebuilt. Raises NotFound for an unknown source and
    InvalidCommand for text not in it, a span outside it, overlapping spans or a span already
    redacted; then nothing is written.
    """
    text, spans = redaction.text, redaction.spans
    if (text is None) == (spans is None):
        raise InvalidCommand("name either the text to redact or its spans, not both")
    reason = redaction_reason_checked(redaction.reason, metadata)
    try:
        uuid.UUID(str(redaction.source_id))
    except ValueError as error:
        raise NotFound(f"no source {redaction.source_id}") from error
    with transaction.atomic():
        lock_appends()
        source = Source.objects.filter(pk=redaction.source_id).first()
        if source is None:
            raise NotFound(f"no source {redaction.source_id}")
        source_id = str(source.pk)
        recorded = _recorded(source_id).get(source_id, [])
        problem = _state_problem(source, recorded)
        if problem is not None:
            raise LedgerIntegrityError(f"{problem[1]}; refusing to redact it (run verify_ledger)")
        requested = _occurrences(source.text, text) if text is not None else list(spans or [])
        checked = _spans_checked(
            requested, length=len(source.text), redacted=_redacted_spans(recorded)
        )
        new_text = filled(source.text, checked)
        _rewrite(source_id, checked, new_text)
        redactions = _copies_redact(source_id, checked, reason, metadata)
        appended = append(
            stream_id=source_id,
            stream_type=ev.StreamType.SOURCE,
            expected_version=len(recorded),  # a source's stream holds only SOURCE_EVENT_TYPES
            events=[
                ev.SourceRedacted(
                    source_id=source_id,
                    spans=checked,
                    reason=reason,
                    media_type_before=source.media_type,
                    content_sha256_before=sha256_hex(bytes(source.content)),
                    content_sha256_after=sha256_hex(new_text.encode("utf-8")),
                    text_sha256_before=sha256_hex(source.text.encode("utf-8")),
                    text_sha256_after=sha256_hex(new_text.encode("utf-8")),
                )
            ],
            metadata=metadata,
        )
        if redactions:
            projections_rebuild(check=False)
    return SourceRedactionResult(
        source_id=source_id,
        spans=checked,
        position=appended.events[0].position,
        redactions=redactions,
    )
