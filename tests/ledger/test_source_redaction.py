"""redact_source: spans of a source snapshot are filled, recorded on the chain, and the claim
selectors copying them are redacted; bad input writes nothing (docs/adr/0007-redaction.md)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ledger import events as ev
from ledger.db_guards import SOURCE_FILLER, install_source_guards, remove_source_guards
from ledger.exceptions import InvalidCommand, LedgerIntegrityError, NotFound
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, Event, Source
from ledger.source_redaction import (
    REDACTED_REASON,
    SourceRedaction,
    source_context_stops,
    source_text_redact,
)
from ledger.verification import ledger_verify

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIRST = "Iran pledged $100 million to Hamas in 2023, officials said."
SECOND = "Qatar hosted talks between the parties on 3 May 2024."
THIRD = "The treaty was signed in Oslo in 1994."
ARTICLE = f"{FIRST} {SECOND} {THIRD}\n".encode()
REASON = "erasure request 2026-12"


@pytest.fixture
def source(metadata):
    ingested = source_ingest(content=ARTICLE, metadata=metadata, publisher="daily-planet")
    assert [claim.text for claim in ingested.claims] == [FIRST, SECOND, THIRD]
    return ingested


def redact(source_id: str, *arguments: str) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command(
        "redact_source",
        source_id,
        *arguments,
        "--reason",
        REASON,
        "--actor",
        "user:dpo",
        stdout=out,
    )
    return out.getvalue().splitlines()


def selector_of(claim_id: str) -> dict[str, Any]:
    selector: dict[str, Any] = Event.objects.get(stream_id=claim_id, type="ClaimRecorded").data[
        "selector"
    ]
    return selector


def test_redacting_a_sentence_fills_it_records_the_event_and_redacts_the_selectors_copying_it(
    source,
):
    # given an ingested article of three claims
    first, second, third = source.claims
    events = Event.objects.count()

    # when the second sentence is redacted from the snapshot
    lines = redact(source.source_id, "--text", SECOND)

    # then its characters are filler, the bytes are the redacted text, and offsets are kept
    stored = Source.objects.get(pk=source.source_id)
    start = ARTICLE.decode().index(SECOND)
    span = {"start": start, "end": start + len(SECOND)}
    assert stored.text == ARTICLE.decode().replace(SECOND, SOURCE_FILLER * len(SECOND))
    assert bytes(stored.content) == stored.text.encode("utf-8")
    assert stored.media_type == "text/plain"
    assert stored.sha256 == hashlib.sha256(ARTICLE).hexdigest()  # its identity
    assert SECOND not in stored.text
    assert SECOND.encode() not in bytes(stored.content)
    assert [
        {"start": stop["start"], "end": stop["end"]}
        for stop in source_context_stops(source_id=source.source_id, text=stored.text)
        if stop["reason"] == REDACTED_REASON
    ] == [span]
    # and the claim fields copying it are redacted: the second claim's text and quote, the
    # first's suffix and the third's prefix (the context they kept of it)
    redacted = sorted(
        (row.data["stream_id"], row.data["field"])
        for row in Event.objects.filter(type="DataRedacted")
    )
    assert redacted == sorted(
        [
            (first.claim_id, "selector.suffix"),
            (second.claim_id, "selector.exact"),
            (second.claim_id, "text"),
            (third.claim_id, "selector.prefix"),
        ]
    )
    assert ClaimView.objects.get(pk=second.claim_id).text == ev.REDACTED
    # the event says what changed, never the text
    recorded = Event.objects.get(stream_id=source.source_id, type="SourceRedacted")
    assert recorded.version == 2
    assert recorded.data["spans"] == [span]
    assert recorded.data["content_sha256_before"] == hashlib.sha256(ARTICLE).hexdigest()
    assert (
        recorded.data["content_sha256_after"] == hashlib.sha256(bytes(stored.content)).hexdigest()
    )
    assert SECOND not in str(recorded.data)
    assert "Qatar" not in str(recorded.data)
    assert Event.objects.count() == events + 5  # four DataRedacted and the SourceRedacted
    assert lines[-1] == (
        f"redacted source {source.source_id}; recorded as SourceRedacted at position "
        f"{recorded.position}"
    )
    # the other claims' selectors still resolve at their offsets; the chain verifies
    text = stored.text
    for claim in (first, third):
        assert text[claim.start : claim.end] == selector_of(claim.claim_id)["exact"] == claim.text
    assert ledger_verify().intact


def test_a_redacted_source_is_not_brought_back_by_ingesting_it_again(source, metadata):
    redact(source.source_id, "--text", SECOND)
    events = Event.objects.count()

    again = source_ingest(content=ARTICLE, metadata=metadata, publisher="daily-planet")

    assert again.created is False
    assert Event.objects.count() == events
    assert SECOND not in Source.objects.get(pk=source.source_id).text


def test_the_export_of_a_redacted_source_verifies_offline(source, tmp_path):
    redact(source.source_id, "--span", f"0:{len(FIRST)}")
    path = tmp_path / "ledger.jsonl"
    call_command("export_ledger", "--format", "jsonl", "-o", str(path))

    verified = subprocess.run(
        [sys.executable, str(ROOT / "ledger" / "verify_export.py"), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert FIRST not in path.read_text(encoding="utf-8")
    assert "SourceRedacted" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            {"source_id": "00000000-0000-4000-8000-000000000000", "text": SECOND},
            NotFound,
            "no source",
        ),
        ({"source_id": "not-a-uuid", "text": SECOND}, NotFound, "no source"),
        ({"text": "Nowhere in the article."}, InvalidCommand, "does not contain"),
        ({"text": "  "}, InvalidCommand, "empty"),
        ({"spans": [(0, 10), (5, 20)]}, InvalidCommand, "overlap"),
        ({"spans": [(0, 10_000)]}, InvalidCommand, "not within"),
        ({"spans": [(7, 7)]}, InvalidCommand, "not within"),
        ({"spans": []}, InvalidCommand, "at least one span"),
        ({"text": SECOND, "spans": [(0, 5)]}, InvalidCommand, "not both"),
        ({"text": SECOND, "reason": " "}, InvalidCommand, "needs a reason"),
    ],
)
def test_bad_source_redactions_are_refused_and_write_nothing(
    source, metadata, arguments, error, message
):
    events = Event.objects.count()
    call = {"source_id": source.source_id, "reason": REASON, **arguments}

    with pytest.raises(error, match=message):
        source_text_redact(redaction=SourceRedaction(**call), metadata=metadata)

    assert Event.objects.count() == events
    assert Source.objects.get(pk=source.source_id).text == ARTICLE.decode()


def test_a_span_overlapping_one_already_redacted_is_refused(source, metadata):
    redact(source.source_id, "--text", SECOND)
    events = Event.objects.count()
    start = ARTICLE.decode().index(SECOND)

    with pytest.raises(CommandError, match="already redacted"):
        redact(source.source_id, "--span", f"{start - 3}:{start + 2}")

    assert Event.objects.count() == events


def test_a_source_changed_behind_the_ledgers_back_fails_verification_and_is_not_redacted(
    source, metadata
):
    # given a snapshot edited with the guard removed, as the table's owner could
    remove_source_guards(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_source SET text = %s, content = %s WHERE id = %s",
                [
                    ARTICLE.decode().replace("1994", "1995"),
                    ARTICLE.replace(b"1994", b"1995"),
                    source.source_id
                    if connection.vendor == "postgresql"
                    else source.source_id.replace("-", ""),
                ],
            )
    finally:
        install_source_guards(connection)

    # then verify_ledger names the source's event, and no redaction is built on it
    result = ledger_verify()
    ingested = Event.objects.get(stream_id=source.source_id, type="SourceIngested")
    assert result.first_break is not None
    assert result.first_break.position == ingested.position
    assert "stored content differs" in result.first_break.reason
    with pytest.raises(LedgerIntegrityError, match="refusing to redact"):
        source_text_redact(
            redaction=SourceRedaction(source_id=source.source_id, text=SECOND, reason=REASON),
            metadata=metadata,
        )


def test_the_database_refuses_any_other_update_of_a_source(source):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_source SET title = 'changed'")
    assert Source.objects.get(pk=source.source_id).title == ""


def test_a_claim_quoted_from_the_source_after_its_ingest_loses_its_copy_too(source, metadata):
    # given a claim recorded later with a selector into the source (a part of its first claim)
    from ledger.services import claim_record

    quote = "Iran pledged $100 million to Hamas"
    later = claim_record(
        text=quote,
        metadata=metadata,
        source_id=source.source_id,
        selector={
            "exact": quote,
            "prefix": "",
            "suffix": " in 2023",
            "start": 0,
            "end": len(quote),
        },
    )

    # when the first sentence is redacted from the snapshot
    result = source_text_redact(
        redaction=SourceRedaction(source_id=source.source_id, text=FIRST, reason=REASON),
        metadata=metadata,
    )

    # then the later claim's text and quote are redacted with the ingested claims' copies
    redacted = {
        (row.data["stream_id"], row.data["field"])
        for row in Event.objects.filter(type="DataRedacted")
    }
    assert {
        (later.claim_id, "text"),
        (later.claim_id, "selector.exact"),
        (later.claim_id, "selector.suffix"),
    } <= redacted
    assert len(result.redactions) == len(redacted)
    assert ClaimView.objects.get(pk=later.claim_id).text == ev.REDACTED
    assert ledger_verify().intact
