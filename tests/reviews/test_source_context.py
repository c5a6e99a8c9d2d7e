"""No personal data of the seed article in any context shown around a quote, nor in an export.

The seed ends with related links and an author card (name, username, email, birth date,
address, phone, employer, social profiles). Every claim's context, as the admin's claim page and
flag page show it and as its selector carries it (the API and exports), must stop
before them (``ledger.quotes.quote_context``).
"""

from __future__ import annotations

import hashlib
import io
import json
import pathlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ledger import ingestion
from ledger.events import Metadata, SourceIngested, StreamType
from ledger.extraction import WITHHELD_REASONS, claims_extract, withheld_spans
from ledger.ingestion import source_ingest, source_withheld
from ledger.models import ClaimView, Source
from ledger.reading import read_stream
from ledger.store import append
from reviews.roles import Role
from reviews.selectors import claim_source_context
from tests.ledger.old_events import SourceIngestedV1
from tests.reviews.conftest import ORGANISATION

SEED = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "iran-palestine-article.txt"
# What the seed's author card and its boilerplate hold, as written there.
PERSONAL_DATA = [
    "Alexanne Watsica",
    "swaniawski.darrel",
    "imann@gmail.com",
    "1992-01-24",
    "192 Goodwin Plaza",
    "Terrancemouth",
    "04009-2854",
    "(507) 929-1975",
    "Emmerich, Leffler and Wehner",
    "Communications Equipment Operator",
    "rau1978",
    "reva_id",
    "@rrau",
    "Detail Author",
]
BOILERPLATE = ["Share your perspectives", "The Daily Caller", "We encourage you"]


@pytest.fixture
def seed_claims(users) -> list[ClaimView]:
    source_ingest(
        content=SEED.read_bytes(),
        metadata=Metadata(actor="system:test", via="test"),
        filename=SEED.name,
        publisher=ORGANISATION,
    )
    return list(ClaimView.objects.order_by("recorded_at", "claim_id"))


def _leaks(text: str) -> list[str]:
    return [value for value in PERSONAL_DATA + BOILERPLATE if value in text]


def test_the_seed_holds_the_data_the_test_looks_for():
    # given the seed / then every value looked for is in it, so finding none below means
    # something
    assert _leaks(SEED.read_text(encoding="utf-8")) == PERSONAL_DATA + BOILERPLATE


def test_no_context_window_of_the_seed_shows_personal_data_or_boilerplate(
    client, users, seed_claims
):
    # given the seed ingested, and its last claim (the nearest to the author card)
    last = max(seed_claims, key=lambda claim: claim.selector["start"])
    client.force_login(users[Role.EDITOR])

    for claim in seed_claims:
        # when its context is read as the admin's claim and flag pages show it (both call
        # claim_source_context), with a wide window
        context = claim_source_context(
            source_id=str(claim.source_id), selector=claim.selector, characters=2000
        )
        assert context is not None
        shown = [
            context.before + context.quote + context.after,
            claim.selector["prefix"] + claim.selector["suffix"],  # what the API shows
        ]

        # then none of them holds personal data or boilerplate
        assert [_leaks(text) for text in shown] == [[], []], claim.text

    # and the claim page itself, with the widest context, shows none either
    page = client.get(reverse("admin:reviews_reviewclaim_change", args=[last.claim_id]))
    assert page.status_code == 200
    assert last.selector["exact"] in page.text
    assert _leaks(page.text) == []


def test_an_export_of_the_seed_holds_no_personal_data(seed_claims):
    # given the seed ingested / when the whole ledger is exported
    out = io.StringIO()
    call_command("export_ledger", "--format", "jsonl", stdout=out)

    # then every claim is in it, and none of the author card
    exported = out.getvalue()
    recorded = [
        line["data"]["text"]
        for line in map(json.loads, exported.splitlines())
        if line.get("type") == "ClaimRecorded"
    ]
    assert sorted(recorded) == sorted(claim.text for claim in seed_claims)
    assert _leaks(exported) == []


def test_ingestion_records_where_the_seed_withholds_text_and_the_context_reads_only_that(
    seed_claims, monkeypatch
):
    # given the seed ingested
    [recorded] = read_stream(str(seed_claims[0].source_id))
    assert isinstance(recorded.event, SourceIngested)
    text = SEED.read_text(encoding="utf-8")

    # then its SourceIngested records every withheld span of its extraction, each of a
    # withheld kind, and together they hold every piece of personal data and boilerplate
    withheld = recorded.event.withheld
    assert withheld == withheld_spans(claims_extract(text).skipped)
    assert withheld
    assert {span["reason"] for span in withheld} <= WITHHELD_REASONS
    assert _leaks("\n".join(text[span["start"] : span["end"]] for span in withheld)) == (
        PERSONAL_DATA + BOILERPLATE
    )

    # and when a context is read, nothing is extracted again: the recorded spans are used
    def refuse(text: str) -> None:
        raise AssertionError("claim_source_context re-extracted the source")

    monkeypatch.setattr(ingestion, "claims_extract", refuse)
    last = max(seed_claims, key=lambda claim: claim.selector["start"])
    context = claim_source_context(
        source_id=str(last.source_id), selector=last.selector, characters=2000
    )
    assert context is not None
    assert context.ends_mid_text is True
    assert _leaks(context.before + context.quote + context.after) == []


@pytest.mark.django_db
def test_a_source_ingested_before_the_spans_were_recorded_still_reads_and_stops_there():
    # given the seed stored as older code stored it: its SourceIngested without withheld spans
    text = SEED.read_text(encoding="utf-8")
    sha256 = hashlib.sha256(SEED.read_bytes()).hexdigest()
    source_id = ingestion.source_id_for(sha256=sha256, publisher="")
    Source.objects.create(
        id=source_id,
        sha256=sha256,
        content=SEED.read_bytes(),
        text=text,
        media_type="text/plain",
        captured_at=timezone.now(),
    )
    append(
        stream_id=source_id,
        stream_type=StreamType.SOURCE,
        expected_version=0,
        events=[
            SourceIngestedV1(
                source_id=source_id,
                sha256=sha256,
                media_type="text/plain",
                url="",
                title="",
                publisher="",
                published_at=None,
                claim_ids=[],
            )
        ],
        metadata=Metadata(actor="system:test", via="test"),
    )
    last = claims_extract(text).claims[-1]

    # when it is read back and the context of its last claim is cut
    [recorded] = read_stream(source_id)
    context = claim_source_context(source_id=source_id, selector=last.selector, characters=2000)

    # then the old event upcasts to "spans unknown", and they are recomputed from the text
    assert isinstance(recorded.event, SourceIngested)
    assert recorded.event.withheld is None
    assert source_withheld(recorded=[recorded], text=text) == withheld_spans(
        claims_extract(text).skipped
    )
    assert context is not None
    assert _leaks(context.before + context.quote + context.after) == []


@pytest.mark.django_db
def test_a_redacted_quote_is_reported_as_redacted_and_no_context_shows_the_filler(client, users):
    # given an article of three claims, and its middle sentence redacted from the snapshot
    from ledger.db_guards import SOURCE_FILLER
    from ledger.source_redaction import SourceRedaction, source_text_redact

    sentences = [
        "Iran pledged $100 million to Hamas in 2023, officials said.",
        "Qatar hosted talks between the parties on 3 May 2024.",
        "The treaty was signed in Oslo in 1994.",
    ]
    system = Metadata(actor="system:test", via="test")
    source = source_ingest(content=" ".join(sentences).encode(), metadata=system)
    first, second, third = source.claims
    source_text_redact(
        redaction=SourceRedaction(
            source_id=source.source_id, text=sentences[1], reason="erasure request"
        ),
        metadata=system,
    )
    views = {str(view.claim_id): view for view in ClaimView.objects.all()}

    # when the contexts of the three claims are cut, as the admin's pages show them
    contexts = {
        claim.claim_id: claim_source_context(
            source_id=source.source_id, selector=views[claim.claim_id].selector, characters=200
        )
        for claim in (first, second, third)
    }

    # then the redacted quote says so, and its neighbours' contexts stop at it
    assert [context.quote_redacted for context in contexts.values() if context] == [
        False,
        True,
        False,
    ]
    before, after = contexts[third.claim_id], contexts[first.claim_id]
    assert before is not None
    assert after is not None
    assert after.quote == sentences[0]
    assert after.after == " "
    assert before.before == " "
    assert all(
        SOURCE_FILLER not in context.before + context.after
        for context in contexts.values()
        if context
    )
    # and the redacted claim's page says the span was redacted, showing no filler
    client.force_login(users[Role.EDITOR])
    page = client.get(reverse("admin:reviews_reviewclaim_change", args=[second.claim_id]))
    assert page.status_code == 200
    assert "this span was redacted from the source" in page.text
    assert SOURCE_FILLER not in page.text
