"""Audit exports: the ledger's history as JSONL (canonical, verifiable offline) or CSV (for people).

``ledger_export`` checks its arguments at once (so a caller can answer a bad request before it
starts streaming) and returns an iterator of text chunks, each a whole number of lines. It
streams the events (JSONL on PostgreSQL: one COPY, see POSTGRESQL_JSONL_COPY; otherwise in
batches from a cursor) and holds no more than a batch, so a million events export in constant
memory. Wrap it in a ``StreamingHttpResponse`` to serve it.

The JSONL format is described in ``ledger/verify_export.py`` and
docs/adr/0006-export-format.md.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime
import enum
import json
import json.scanner
from collections.abc import Iterator
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ledger import events as ev
from ledger.exceptions import InvalidCommand, NotFound
from ledger.models import EVENT_FIELDS, Event
from ledger.reading import format_timestamp, head_position
from ledger.redaction import event_record, redaction_summary, redactions_by_position
from ledger.verify_export import (
    CHECKPOINT_KEY_VARIABLE,
    EXPORT_FORMAT,
    GENESIS_HASH,
    canonical_text,
    claim_header_signature,
)

EXPORT_BATCH_SIZE = 5000
LINES_PER_CHUNK = 1000
SUMMARY_QUOTE_LENGTH = 160
CSV_COLUMNS = (
    "position",
    "recorded_at",
    "stream_type",
    "stream_id",
    "version",
    "type",
    "actor",
    "summary",
    "redacted",
    "data",
    "hash",
    "prev_hash",
)
# A spreadsheet runs a cell starting with one of these as a formula; such cells get a quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@dataclasses.dataclass(frozen=True)
class ExportPlan:
    """What an export holds, fixed before the first line is written."""

    export_format: ExportFormat
    up_to_position: int
    since: int | None
    chains_from_hash: str
    claim_id: str | None
    streams: dict[str, int]  # claim exports: every stream included, with its event count
    as_of: datetime.datetime | None
    # Claim exports: (position, hash) of every event included, in order, which the header lists
    # and signs (docs/adr/0030-signed-claim-exports.md).
    manifest: tuple[tuple[int, str], ...] = ()

    @property
    def header(self) -> dict[str, Any] | None:
        """The JSONL header line of a partial export; None for a whole-ledger export."""
        common = {
            "format": EXPORT_FORMAT,
            "exported_at": format_timestamp(timezone.now()),
            "as_of": format_timestamp(self.as_of) if self.as_of else None,
        }
        if self.claim_id is not None:
            header = {
                **common,
                "scope": "claim",
                "claim_id": self.claim_id,
                "streams": self.streams,
                "up_to_position": self.up_to_position,
                "events": [list(entry) for entry in self.manifest],
            }
            if self.export_format == ExportFormat.JSONL:
                header["hmac_sha256"] = claim_header_signature(
                    header, settings.LEDGER_CHECKPOINT_KEY.encode()
                )
            return {"export": header}
        if self.since is not None or self.up_to_position == 0:
            # A whole-ledger export with no events says so in a header rather than being an
            # empty file, which the verifier refuses (a lost or cut-off export looks like one).
            return {
                "export": {
                    **common,
                    "scope": "since",
                    "chains_from": {"position": self.since or 0, "hash": self.chains_from_hash},
                    "up_to_position": self.up_to_position,
                }
            }
        return None


def _claim_streams(claim_id: str, up_to_position: int) -> dict[str, int]:
    """The claim's stream and every contradiction or match stream that names it, with event
    counts (each such stream opens with an event naming both claims in ``data.claims``)."""
    events = Event.objects.filter(position__lte=up_to_position)
    if not events.filter(stream_id=claim_id, version=1).exists():
        raise NotFound(f"no claim {claim_id} (at the export's point in time)")
    flags = events.filter(
        type__in=[
            ev.EventType.CONTRADICTION_FLAGGED,
            ev.EventType.CLAIM_MATCH_SUGGESTED,
            ev.EventType.CLAIM_MATCHED,
        ]
    )
    if connection.vendor == "postgresql":
        flags = flags.filter(data__claims__contains=[claim_id])
    streams = [claim_id]
    for stream_id, data in flags.values_list("stream_id", "data").iterator(chunk_size=2000):
        if claim_id in (data.get("claims") or []) and stream_id not in streams:
            streams.append(stream_id)
    counts = dict(
        events.filter(stream_id__in=streams)
        .values_list("stream_id")
        .annotate(last=Max("version"))
        .values_list("stream_id", "last")
    )
    return {stream_id: counts[stream_id] for stream_id in streams}


def export_plan(
    *,
    export_format: str,
    since: int | None = None,
    claim_id: str | None = None,
    as_of: datetime.datetime | None = None,
) -> ExportPlan:
    """Validate an export request and fix what it will hold. Raises InvalidCommand/NotFound."""
    try:
        chosen = ExportFormat(export_format)
    except ValueError:
        raise InvalidCommand(f"unknown export format {export_format!r}: use jsonl or csv") from None
    if since is not None and claim_id is not None:
        raise InvalidCommand(
            "--since and --claim cannot be combined: a claim export holds its whole history"
        )
    if since is not None and since < 0:
        raise InvalidCommand("--since must be a position, 0 or more")
    if as_of is not None and timezone.is_naive(as_of):
        raise InvalidCommand("--as-of needs a time zone (e.g. 2025-01-31T12:00:00Z)")
    head = head_position()
    up_to = head
    if as_of is not None:
        cutoff = Event.objects.filter(position__lte=head, recorded_at__lte=as_of).aggregate(
            last=Max("position")
        )["last"]
        up_to = cutoff or 0
    chains_from_hash = GENESIS_HASH
    if since is not None:
        if since > head:
            raise InvalidCommand(f"--since {since} is beyond the ledger's last position {head}")
        if since > 0:
            chains_from_hash = Event.objects.values_list("hash", flat=True).get(position=since)
        up_to = max(up_to, since)  # nothing after ``since`` was recorded by ``as_of``
    manifest: tuple[tuple[int, str], ...] = ()
    streams: dict[str, int] = {}
    if claim_id is not None:
        if chosen == ExportFormat.JSONL and not settings.LEDGER_CHECKPOINT_KEY:
            raise InvalidCommand(
                f"a JSONL claim export is signed: set {CHECKPOINT_KEY_VARIABLE} (the key "
                "auditors check it with)"
            )
        streams = _claim_streams(claim_id, up_to)
        manifest = tuple(
            Event.objects.filter(stream_id__in=list(streams), position__lte=up_to)
            .order_by("position")
            .values_list("position", "hash")
        )
    return ExportPlan(chosen, up_to, since, chains_from_hash, claim_id, streams, as_of, manifest)


def ledger_export(
    *,
    export_format: str,
    since: int | None = None,
    claim_id: str | None = None,
    as_of: datetime.datetime | None = None,
) -> Iterator[str]:
    """Validate at once, then stream the export as text chunks of whole lines.

    ``since``: only events after that position (the header says what the first one chains
    from). ``claim_id``: the claim's whole history, with the contradictions that name it.
    ``as_of``: the ledger as it stood at that moment (events recorded then or before).
    """
    plan = export_plan(export_format=export_format, since=since, claim_id=claim_id, as_of=as_of)
    return export_chunks(plan)


def export_chunks(plan: ExportPlan) -> Iterator[str]:
    """The export described by ``plan``, as text chunks of up to LINES_PER_CHUNK lines."""
    lines = jsonl_lines(plan) if plan.export_format == ExportFormat.JSONL else csv_lines(plan)
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


@contextlib.contextmanager
def _snapshot() -> Iterator[dict[int, list[dict[str, Any]]]]:
    """Read the redactions, and then the plan's events inside the block, from one snapshot.

    On PostgreSQL the export runs in a REPEATABLE READ transaction, so a redaction committed
    while it streams cannot leave a redacted payload without its DataRedacted record.
    """
    on_postgresql = connection.vendor == "postgresql"
    outermost = not connection.in_atomic_block
    # SQLite's transactions take its write lock (IMMEDIATE mode): there the export reads
    # without one rather than block every append while it streams.
    with transaction.atomic() if on_postgresql else contextlib.nullcontext():
        if outermost and on_postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield redactions_by_position()


def _orm_records(plan: ExportPlan) -> Iterator[dict[str, Any]]:
    rows = Event.objects.filter(position__lte=plan.up_to_position)
    if plan.claim_id is not None:
        rows = rows.filter(stream_id__in=list(plan.streams))
    elif plan.since is not None:
        rows = rows.filter(position__gt=plan.since)
    values = rows.order_by("position").values_list(*EVENT_FIELDS)
    for row in values.iterator(chunk_size=EXPORT_BATCH_SIZE):
        yield event_record(row)


def _postgresql_condition(plan: ExportPlan) -> tuple[str, list[Any]]:
    """The WHERE clause (after ``position <= %s``) and parameters selecting the plan's events."""
    params: list[Any] = [plan.up_to_position]
    if plan.claim_id is not None:
        return "AND stream_id = ANY(%s)", [*params, list(plan.streams)]
    if plan.since is not None:
        return "AND position > %s", [*params, plan.since]
    return "", params


# The JSONL export on PostgreSQL (ADR 0013). PostgreSQL writes every part of a line
# but the payload and the metadata, whose keys it cannot put in canonical order: per event the
# position, data, `,"fields_digest":F,"hash":H,"metadata":`, metadata, and `,"position":...}`
# (the remaining fields in canonical order, strings through to_json), and a redacted event's
# leaf proof. COPY streams the rows while this process canonicalizes them, where a server-side
# cursor would wait for each batch. No column holds a
# tab, newline or other control character (JSON escapes them), so COPY's only escape in the
# rows is a doubled backslash.
POSTGRESQL_JSONL_COPY = """
    COPY (
        SELECT position, data::text,
            ',"fields_digest":' || to_json(fields_digest) || ',"hash":' || to_json(hash)
            || ',"metadata":', metadata::text,
            ',"position":' || position || ',"prev_hash":' || to_json(prev_hash)
            || ',"recorded_at":"'
            || to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            || '","salt":' || to_json(salt)
            || ',"schema_version":' || schema_version || ',"stream_id":' || to_json(stream_id)
            || ',"stream_type":' || to_json(stream_type) || ',"type":' || to_json(type)
            || ',"version":' || version || '}}', coalesce(leaves::text, '')
        FROM ledger_event WHERE position <= %s {condition} ORDER BY position
    ) TO STDOUT
"""
# The scanner json.loads() ends in (the C one where available), called directly.
_SCAN = json.scanner.make_scanner(cast(Any, json.JSONDecoder()))


def _postgresql_jsonl_lines(
    plan: ExportPlan, redactions: dict[int, list[dict[str, Any]]]
) -> Iterator[str]:
    """The plan's event lines, byte for byte what ``_jsonl_line`` makes of each record."""
    import psycopg

    condition, params = _postgresql_condition(plan)
    scan = _SCAN
    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
        cursor.copy(POSTGRESQL_JSONL_COPY.format(condition=condition), params) as copy,
    ):
        for row in copy:
            text = str(row, "utf-8")
            if "\\" in text:
                text = text.replace("\\\\", "\\")
            position, data, middle, metadata, rest, leaves = text[:-1].split("\t")
            if "\\" in middle or "\\" in rest or (redactions and int(position) in redactions):
                # An escape in an envelope string (written by PostgreSQL, so parsed and written
                # again here), or a redacted event: the general path.
                record = scan('{"data":' + data + middle + metadata + rest, 0)[0]
                if leaves:
                    record["leaves"] = scan(leaves, 0)[0]
                yield _jsonl_line(record, redactions)
            else:
                data = canonical_text(scan(data, 0)[0])
                yield (
                    '{"data":' + data + middle + canonical_text(scan(metadata, 0)[0]) + rest + "\n"
                )


def _jsonl_line(record: dict[str, Any], redactions: dict[int, list[dict[str, Any]]]) -> str:
    """One event's JSONL line; a redacted event carries its redactions (ADR 0007) and, in
    hash format 2, its leaf proof (ADR 0028)."""
    redacted = redactions.get(record["position"])
    if redacted:
        record["data_digest"] = redacted[0]["data"]["data_digest_before"]
        record["redactions"] = redacted
    return canonical_text(record) + "\n"


def jsonl_lines(plan: ExportPlan) -> Iterator[str]:
    """The canonical JSONL export: an optional header line, then one event per line."""
    header = plan.header
    if header is not None:
        yield canonical_text(header) + "\n"
    with _snapshot() as redactions:
        if connection.vendor == "postgresql":
            yield from _postgresql_jsonl_lines(plan, redactions)
        else:
            for record in _orm_records(plan):
                yield _jsonl_line(record, redactions)


class _Line:
    """A file-like object whose write returns what it was given (csv.writer builds one row)."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(plan: ExportPlan) -> Iterator[str]:
    """The CSV export: a header row, then one row per event with a readable summary."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(CSV_COLUMNS)
    with _snapshot() as redactions:
        for record in _orm_records(plan):
            redacted = redactions.get(record["position"])
            metadata = record["metadata"] if isinstance(record["metadata"], dict) else {}
            yield writer.writerow(
                [
                    _cell(cell)
                    for cell in (
                        record["position"],
                        record["recorded_at"],
                        record["stream_type"],
                        record["stream_id"],
                        record["version"],
                        record["type"],
                        metadata.get("actor", ""),
                        event_summary(record["type"], record["data"]),
                        redaction_summary(redacted) if redacted else "",
                        canonical_text(record["data"]),
                        record["hash"],
                        record["prev_hash"],
                    )
                ]
            )


def _quote(text: Any) -> str:
    value = str(text)
    if len(value) > SUMMARY_QUOTE_LENGTH:
        value = value[: SUMMARY_QUOTE_LENGTH - 1] + "…"
    return f"“{value}”"


def event_summary(type_name: str, data: Any) -> str:
    """One readable sentence about an event, for people reading the CSV export."""
    if not isinstance(data, dict):
        return type_name
    get = data.get
    summaries = {
        ev.EventType.SOURCE_INGESTED: lambda: (
            f"Source ingested: {_quote(get('title') or get('url') or get('source_id'))}"
            f" with {len(get('claim_ids') or [])} claim(s)"
        ),
        ev.EventType.CLAIM_RECORDED: lambda: f"Claim recorded: {_quote(get('text'))}",
        ev.EventType.CLAIM_REVISED: lambda: (
            f"Claim revised to {_quote(get('text'))} (reason: {get('reason') or 'none given'})"
        ),
        ev.EventType.CLAIM_ASSIGNED: lambda: f"Assigned to {get('assignee')}",
        ev.EventType.CLAIM_REVIEW_STARTED: lambda: "Review started",
        ev.EventType.CLAIM_COMMENTED: lambda: f"Comment: {_quote(get('body'))}",
        ev.EventType.CLAIM_EVIDENCE_ATTACHED: lambda: (
            f"Evidence attached: {get('url')} {_quote(get('note'))}"
        ),
        ev.EventType.CLAIM_CHANGES_REQUESTED: lambda: f"Changes requested: {_quote(get('reason'))}",
        ev.EventType.CLAIM_VERDICT_SET: lambda: (
            f"Verdict: {get('rating_name')} ({get('rating')}): {_quote(get('explanation'))}"
        ),
        ev.EventType.CLAIM_APPROVED: lambda: (
            "Approved" + (f": {get('note')}" if get("note") else "")
        ),
        ev.EventType.CLAIM_REJECTED: lambda: f"Rejected: {_quote(get('reason'))}",
        ev.EventType.CLAIM_PUBLISHED: lambda: (
            "Published" + (f" at {get('url')}" if get("url") else "")
        ),
        ev.EventType.CLAIM_RETRACTED: lambda: f"Retracted: {_quote(get('reason'))}",
        ev.EventType.CONTRADICTION_FLAGGED: lambda: (
            f"Contradiction flagged between {' and '.join(map(str, get('claims') or []))}"
            f" (score {get('score')}; cues: {', '.join(map(str, get('cues') or [])) or 'none'})"
        ),
        ev.EventType.CONTRADICTION_CONFIRMED: lambda: (
            f"Contradiction confirmed: {_quote(get('note'))}"
        ),
        ev.EventType.CONTRADICTION_DISMISSED: lambda: (
            f"Contradiction dismissed: {_quote(get('note'))}"
        ),
        ev.EventType.CLAIM_MATCH_SUGGESTED: lambda: (
            f"Match suggested between {' and '.join(map(str, get('claims') or []))}"
            f" (score {get('score')}; reasons: "
            f"{', '.join(map(str, get('reasons') or [])) or 'none'})"
        ),
        ev.EventType.CLAIM_MATCHED: lambda: (
            f"Claims matched: {' and '.join(map(str, get('claims') or []))}: {_quote(get('note'))}"
        ),
        ev.EventType.CLAIM_MATCH_REJECTED: lambda: f"Match rejected: {_quote(get('note'))}",
        ev.EventType.CLAIM_UNMATCHED: lambda: f"Claims unmatched: {_quote(get('note'))}",
        ev.EventType.DATA_REDACTED: lambda: (
            f"Redacted {get('field')} of event #{get('position')} (reason: {get('reason')})"
        ),
    }
    summary = summaries.get(type_name)  # type: ignore[call-overload]
    if summary is not None:
        try:
            return str(summary())
        except (TypeError, ValueError):
            pass  # an unexpected shape: fall back to the generic form
    fields = "; ".join(f"{key}={_quote(value)}" for key, value in sorted(data.items()))
    return f"{type_name}: {fields}" if fields else type_name
