"""Ingesting a source: validate the bytes, store the immutable snapshot, record its claims.

``source_ingest`` is the one write path for sources. It is atomic (the snapshot, its
``SourceIngested`` event and every ``ClaimRecorded`` commit together or not at all) and
idempotent by content per publisher: the source id is derived from the publisher and the SHA-256
of the bytes and the claim ids from the source id and each claim's offsets, so the same publisher
ingesting the same bytes again records nothing. Another publisher's copy is a source of its own.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import dateparse, timezone

from ledger import events as ev
from ledger.claims import claim_state_from_events
from ledger.exceptions import InvalidCommand, SourceTooLarge
from ledger.extraction import (
    EXTRACTOR_VERSION,
    SkippedSentence,
    claims_extract,
    withheld_spans,
)
from ledger.models import Source
from ledger.reading import RecordedEvent, read_stream, read_streams
from ledger.services import ClaimDraft, claim_recording, text_check_characters
from ledger.store import StreamAppend, append_many

# Names the namespace of source and claim ids; any fixed UUID works, it must never change.
SOURCE_NAMESPACE = uuid.UUID("6f1d2b1e-4c1a-5b8e-9d55-0c1a1ed6e7a1")
MEDIA_TYPE_TEXT = "text/plain"
MEDIA_TYPE_HTML = "text/html"
MAX_TITLE_LENGTH = 500
MAX_PUBLISHER_LENGTH = 200
MAX_URL_LENGTH = 2000
HTML_EXTENSIONS = (".html", ".htm", ".xhtml")

_HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


@dataclasses.dataclass(frozen=True)
class IngestedClaim:
    claim_id: str
    text: str
    start: int
    end: int
    check_worthiness: dict[str, Any]
    entities: list[str]


@dataclasses.dataclass(frozen=True)
class IngestResult:
    """What an ingest did. ``created`` is False when the same bytes were already stored: then
    ``claims`` are the ones recorded the first time and ``skipped`` is empty."""

    source_id: str
    sha256: str
    created: bool
    media_type: str
    claims: list[IngestedClaim]
    skipped: list[SkippedSentence]


def source_id_for(*, sha256: str, publisher: str) -> str:
    """The deterministic id of ``publisher``'s source whose bytes have this SHA-256.

    Sources stored before sources were per publisher keep their ids, ``uuid5(namespace,
    sha256)``; ``source_ingest`` finds a stored source by its publisher and hash, not its id.
    """
    return str(uuid.uuid5(SOURCE_NAMESPACE, f"{publisher}\n{sha256}"))


def claim_id_for(*, source_id: str, start: int, end: int) -> str:
    """The deterministic id of the claim quoted at ``start``..``end`` of a source."""
    return str(uuid.uuid5(uuid.UUID(source_id), f"{start}:{end}"))


def _media_type(content: bytes, *, filename: str, media_type: str | None) -> str:
    if media_type:
        kind = media_type.split(";")[0].strip().lower()
        if kind in (MEDIA_TYPE_HTML, "application/xhtml+xml"):
            return MEDIA_TYPE_HTML
        if kind == MEDIA_TYPE_TEXT:
            return MEDIA_TYPE_TEXT
        raise InvalidCommand(f"unsupported media type {media_type!r}: send text/plain or text/html")
    lowered = filename.lower()
    if lowered.endswith(HTML_EXTENSIONS):
        return MEDIA_TYPE_HTML
    if _HTML_SNIFF.match(content[:4096]):
        return MEDIA_TYPE_HTML
    return MEDIA_TYPE_TEXT


def source_size_check(*, size: int) -> None:
    """Raise SourceTooLarge when a source of ``size`` bytes is over ``LEDGER_MAX_SOURCE_BYTES``.

    The budget keeps ingestion, which runs in the request, within seconds (extraction is linear:
    ``bench/long_lines.py``); callers holding a file check it before reading the file.
    """
    limit = settings.LEDGER_MAX_SOURCE_BYTES
    if size > limit:
        raise SourceTooLarge(size=size, limit=limit)


def source_decode(
    *, content: bytes, filename: str = "", media_type: str | None = None
) -> tuple[str, str]:
    """Validate raw bytes and return ``(media_type, text)``; ``text`` is what selectors index.

    Raises SourceTooLarge over the size budget; InvalidCommand for empty, binary, non-UTF-8 or
    bidi-spoofed content, and for HTML with no main text. HTML goes through trafilatura (main
    content only: scripts, styles, navigation and comments are dropped).
    """
    source_size_check(size=len(content))
    if not content.strip():
        raise InvalidCommand("the file is empty")
    if b"\x00" in content:
        raise InvalidCommand("the file is binary (it contains NUL bytes), not text or HTML")
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidCommand(
            f"the file is not valid UTF-8 (bad byte at offset {error.start}); "
            "save it as UTF-8 and try again"
        ) from error
    text_check_characters(text=decoded, field="the file")
    kind = _media_type(content, filename=filename, media_type=media_type)
    if kind == MEDIA_TYPE_HTML:
        text = _html_main_text(decoded)
    else:
        text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidCommand("the file has no text")
    return kind, text


def _html_main_text(html: str) -> str:
    import trafilatura  # imported here: loading it is slow and only HTML needs it

    text = trafilatura.extract(
        html,
        include_comments=False,
        include_tables=True,
        include_links=False,
        include_images=False,
        deduplicate=False,
    )
    if not text or not text.strip():
        raise InvalidCommand("no article text found in the HTML (is it a saved web page?)")
    title = None
    metadata = trafilatura.extract_metadata(html)
    if metadata is not None and metadata.title:
        title = metadata.title.strip()
    body = text.replace("\r\n", "\n")
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    return body


def _published_at(value: str | datetime.datetime | None) -> datetime.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment_or_none = dateparse.parse_datetime(value)
            if moment_or_none is None:
                day = dateparse.parse_date(value)
                if day is None:
                    raise ValueError(value)
                moment_or_none = datetime.datetime.combine(day, datetime.time())
        except ValueError as error:
            raise InvalidCommand(
                f"published_at {value!r} is not a date (use YYYY-MM-DD or ISO 8601)"
            ) from error
        moment = moment_or_none
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _checked(value: str, *, field: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise InvalidCommand(f"{field} is longer than {limit} characters")
    text_check_characters(text=cleaned, field=field)
    return cleaned


def _url(value: str) -> str:
    url = value.strip()
    if not url:
        return ""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidCommand(f"url is longer than {MAX_URL_LENGTH} characters")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise InvalidCommand(f"url {url!r} is not an http(s) URL") from error
    return url


def _stored_result(source: Source) -> IngestResult:
    """The result of the ingest that first stored ``source``, read back from its events."""
    claim_ids: list[str] = []
    for recorded in read_stream(str(source.pk)):
        if isinstance(recorded.event, ev.SourceIngested):
            claim_ids = recorded.event.claim_ids
    claims = []
    for claim_id, claim_events in read_streams(claim_ids).items():
        state = claim_state_from_events(claim_events)
        selector = state.selector
        claims.append(
            IngestedClaim(
                claim_id=claim_id,
                text=state.text,
                start=selector["start"] if selector else 0,
                end=selector["end"] if selector else 0,
                check_worthiness=state.check_worthiness,
                entities=state.entities,
            )
        )
    return IngestResult(
        source_id=str(source.pk),
        sha256=source.sha256,
        created=False,
        media_type=source.media_type,
        claims=claims,
        skipped=[],
    )


def source_withheld(*, recorded: Iterable[RecordedEvent], text: str) -> list[ev.WithheldSpan]:
    """Where the text of a source (``text``, its ``Source.text``; ``recorded``, its stream as
    ``read_stream`` returns it) holds personal data or boilerplate, in order: the spans its
    ``SourceIngested`` recorded, which every context shown around a quote stops at
    (``ledger.quotes.quote_context``).

    A source ingested before the spans were recorded (schema 1, upcast to None) has them
    recomputed from its text by the extraction of this code, memoised for a few texts.
    """
    for item in recorded:
        if isinstance(item.event, ev.SourceIngested) and item.event.withheld is not None:
            return item.event.withheld
    return list(_recomputed_withheld(text))


@functools.lru_cache(maxsize=8)  # a page shows several quotes of one source; texts are large
def _recomputed_withheld(text: str) -> tuple[ev.WithheldSpan, ...]:
    return tuple(withheld_spans(claims_extract(text).skipped))


def source_ingest(
    *,
    content: bytes,
    metadata: ev.Metadata,
    filename: str = "",
    media_type: str | None = None,
    url: str = "",
    title: str = "",
    publisher: str = "",
    published_at: str | datetime.datetime | None = None,
) -> IngestResult:
    """Store ``content`` as an immutable source and record every claim extracted from it.

    One transaction: the ``Source`` row, a ``SourceIngested`` event on the source's stream and a
    ``ClaimRecorded`` per claim (anchored by TextQuote and TextPosition selectors into
    ``Source.text``) commit together; any error leaves nothing behind. The same bytes ingested
    again for the same ``publisher`` return the stored result with ``created=False`` and append
    nothing, whatever the other arguments say; for another publisher they are a new source.
    Raises InvalidCommand for bad input (see ``source_decode``).
    """
    kind, text = source_decode(content=content, filename=filename, media_type=media_type)
    cleaned_url = _url(url)
    cleaned_title = _checked(title, field="title", limit=MAX_TITLE_LENGTH)
    cleaned_publisher = _checked(publisher, field="publisher", limit=MAX_PUBLISHER_LENGTH)
    published = _published_at(published_at)
    sha256 = hashlib.sha256(content).hexdigest()
    source_id = source_id_for(sha256=sha256, publisher=cleaned_publisher)
    extraction = claims_extract(text)

    try:
        with transaction.atomic():
            existing = Source.objects.filter(sha256=sha256, publisher=cleaned_publisher).first()
            if existing is not None:
                return _stored_result(existing)
            Source.objects.create(
                id=source_id,
                sha256=sha256,
                content=content,
                text=text,
                media_type=kind,
                url=cleaned_url,
                title=cleaned_title,
                publisher=cleaned_publisher,
                published_at=published,
                captured_at=timezone.now(),
            )
            claim_ids = [
                claim_id_for(source_id=source_id, start=claim.start, end=claim.end)
                for claim in extraction.claims
            ]
            source_recording = StreamAppend(
                stream_id=source_id,
                stream_type=ev.StreamType.SOURCE,
                expected_version=0,
                events=[
                    ev.SourceIngested(
                        source_id=source_id,
                        sha256=sha256,
                        media_type=kind,
                        url=cleaned_url,
                        title=cleaned_title,
                        publisher=cleaned_publisher,
                        published_at=published.isoformat() if published else None,
                        claim_ids=claim_ids,
                        byte_length=len(content),
                        extractor_version=EXTRACTOR_VERSION,
                        skipped=dict(sorted(Counter(s.reason for s in extraction.skipped).items())),
                        withheld=withheld_spans(extraction.skipped),
                    )
                ],
            )
            claim_metadata = dataclasses.replace(metadata, causation_id=source_id)
            claim_recordings = [
                claim_recording(
                    draft=ClaimDraft(
                        text=claim.text,
                        source_id=source_id,
                        selector=claim.selector,
                        publisher=cleaned_publisher,
                        check_worthiness=claim.check_worthiness,
                        entities=claim.entities,
                        claim_id=claim_id,
                    ),
                    source_text=text,
                    field=f"claim {index} text",
                    metadata=claim_metadata,
                )
                for index, (claim_id, claim) in enumerate(
                    zip(claim_ids, extraction.claims, strict=True)
                )
            ]
            # The source's event and every claim in one append: one round trip per batch, and the
            # selectors checked against the text in hand, not read back from the row just stored.
            append_many(appends=[source_recording, *claim_recordings], metadata=metadata)
    except IntegrityError:
        # A concurrent ingest of the same bytes for this publisher committed first: the unique
        # (sha256, publisher) refused this one's source row (its INSERT waited for the other
        # to commit), so the database, not a lock held around a lookup, decides which stores
        # them. Nothing of this ingest was stored; the answer is the stored one.
        existing = Source.objects.filter(sha256=sha256, publisher=cleaned_publisher).first()
        if existing is None:
            raise
        return _stored_result(existing)
    claims = [
        IngestedClaim(
            claim_id=claim_id,
            text=claim.text,
            start=claim.start,
            end=claim.end,
            check_worthiness=claim.check_worthiness,
            entities=claim.entities,
        )
        for claim_id, claim in zip(claim_ids, extraction.claims, strict=True)
    ]
    return IngestResult(
        source_id=source_id,
        sha256=sha256,
        created=True,
        media_type=kind,
        claims=claims,
        skipped=extraction.skipped,
    )
