"""Ingesting sources: snapshots, claims with provenance, idempotency and bad input."""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ledger import ingestion
from ledger.events import Metadata, SourceIngested, TextSelector
from ledger.exceptions import InvalidCommand, SourceTooLarge
from ledger.ingestion import source_id_for, source_ingest
from ledger.models import ClaimView, Event, Source
from ledger.reading import read_stream
from ledger.services import projections_rebuild

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
SEED_PATH = FIXTURES / "iran-palestine-article.txt"
SEED = SEED_PATH.read_bytes()

pytestmark = pytest.mark.django_db


def _ingest(content: bytes, **kwargs):
    return source_ingest(
        content=content, metadata=Metadata(actor="user:tester", via="test"), **kwargs
    )


def test_ingesting_the_seed_stores_a_snapshot_and_records_every_claim():
    # given the seed article
    # when it is ingested
    result = _ingest(SEED, filename="seed.txt", title="Are Iran And Palestine Allies?")

    # then the snapshot keeps the original bytes under a deterministic id
    source = Source.objects.get()
    assert result.created is True
    assert str(source.pk) == result.source_id == source_id_for(sha256=source.sha256, publisher="")
    assert bytes(source.content) == SEED
    assert source.text == SEED.decode("utf-8")
    assert source.media_type == "text/plain"
    # and one SourceIngested plus one ClaimRecorded per claim were appended
    [source_event] = read_stream(result.source_id)
    assert isinstance(source_event.event, SourceIngested)
    assert source_event.event.claim_ids == [claim.claim_id for claim in result.claims]
    assert Event.objects.count() == 1 + len(result.claims)
    assert Event.objects.filter(type="ClaimRecorded").count() == len(result.claims)
    assert ClaimView.objects.filter(source_id=result.source_id).count() == len(result.claims)
    assert projections_rebuild(check=True) == []


def test_every_seed_claim_is_anchored_by_its_selectors():
    # given the ingested seed
    result = _ingest(SEED)
    text = Source.objects.get().text

    # when each recorded claim's selectors are read against the stored text
    for view in ClaimView.objects.filter(source_id=result.source_id):
        assert view.selector is not None
        selector: TextSelector = view.selector

        # then the position holds the exact quoted sentence, between its prefix and suffix
        assert text[selector["start"] : selector["end"]] == selector["exact"]
        assert text[: selector["start"]].endswith(selector["prefix"])
        assert text[selector["end"] :].startswith(selector["suffix"])
        assert " ".join(selector["exact"].split()) == view.text


def test_reingesting_the_same_bytes_records_nothing_and_says_so():
    # given the seed already ingested by a publisher
    first = _ingest(SEED, title="first title", publisher="daily-planet")
    events_before = Event.objects.count()

    # when the same publisher ingests the same bytes again with other metadata
    again = _ingest(
        SEED, title="another title", url="https://example.org/again", publisher="daily-planet"
    )

    # then nothing new is stored and the stored claims are returned
    assert again.created is False
    assert again.source_id == first.source_id
    assert [claim.claim_id for claim in again.claims] == [claim.claim_id for claim in first.claims]
    assert Event.objects.count() == events_before
    assert Source.objects.get().title == "first title"


def test_the_same_bytes_from_two_publishers_are_two_sources_with_their_own_claims():
    # given the seed ingested by one publisher
    first = _ingest(SEED, publisher="daily-planet")

    # when another publisher ingests the same bytes
    second = _ingest(SEED, publisher="gotham-gazette")

    # then it gets a source and claims of its own, as if the first had never been
    assert (first.created, second.created) == (True, True)
    assert second.source_id == source_id_for(sha256=first.sha256, publisher="gotham-gazette")
    assert second.source_id != first.source_id
    assert [claim.text for claim in second.claims] == [claim.text for claim in first.claims]
    assert not {claim.claim_id for claim in second.claims} & {c.claim_id for c in first.claims}
    assert sorted(Source.objects.values_list("publisher", flat=True)) == [
        "daily-planet",
        "gotham-gazette",
    ]
    assert set(
        ClaimView.objects.filter(source_id=second.source_id).values_list("publisher", flat=True)
    ) == {"gotham-gazette"}
    assert Event.objects.count() == 2 * (1 + len(first.claims))
    assert projections_rebuild(check=True) == []


def test_a_source_stored_under_its_former_id_is_found_again():
    # given a publisher's source stored before sources were per publisher: id from its SHA-256
    sha256 = hashlib.sha256(SEED).hexdigest()
    legacy_id = str(uuid.uuid5(ingestion.SOURCE_NAMESPACE, sha256))
    Source.objects.create(
        id=legacy_id,
        sha256=sha256,
        content=SEED,
        text=SEED.decode(),
        media_type="text/plain",
        publisher="daily-planet",
        captured_at=timezone.now(),
    )

    # when that publisher ingests the bytes again, and then another publisher does
    again = _ingest(SEED, publisher="daily-planet")
    other = _ingest(SEED, publisher="gotham-gazette")

    # then the first finds the stored source by publisher and hash and records nothing
    assert (again.created, again.source_id) == (False, legacy_id)
    assert Event.objects.filter(stream_id=legacy_id).count() == 0
    # and the other's new id cannot collide with the former scheme's
    assert other.created is True
    assert other.source_id not in {legacy_id, source_id_for(sha256=sha256, publisher="")}


def test_claim_events_hold_no_floats_and_name_their_source():
    # given the ingested seed
    result = _ingest(SEED, publisher="Seed Desk")

    # when the recorded claims are read / then scores are decimal strings and provenance is set
    for event in Event.objects.filter(type="ClaimRecorded"):
        assert isinstance(event.data["check_worthiness"]["score"], str)
        assert event.data["source_id"] == result.source_id
        assert event.data["publisher"] == "Seed Desk"
        assert event.metadata["causation_id"] == result.source_id


@pytest.mark.parametrize(
    ("content", "kwargs", "message"),
    [
        (b"", {}, "the file is empty"),
        (b"  \n\t\n", {}, "the file is empty"),
        (b"Iran said\x00 so.", {}, "binary (it contains NUL bytes)"),
        (b"\x89PNG\r\n\x1a\n\x01\x02", {}, "not valid UTF-8"),
        (b"Caf\xe9 owners in Tehran said so.", {}, "not valid UTF-8 (bad byte at offset 3)"),
        (b"Iran\x07 said so.", {}, "control character U+0007"),
        ("Iran paid \u202e001$ to them.".encode(), {}, "bidirectional override character"),
        (b"Iran said so today.", {"url": "javascript:alert(1)"}, "is not an http(s) URL"),
        (b"Iran said so today.", {"published_at": "last Tuesday"}, "is not a date"),
        (b"Iran said so today.", {"media_type": "application/pdf"}, "unsupported media type"),
        (b"Iran said so today.", {"title": "x" * 501}, "title is longer than 500"),
        (b"<html><body><script>var a = 1;</script></body></html>", {}, "no article text"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(content, kwargs, message):
    # given bad input / when it is ingested / then a clear error and nothing stored
    with pytest.raises(InvalidCommand, match=re.escape(message)):
        _ingest(content, **kwargs)

    assert Event.objects.count() == 0
    assert Source.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(settings):
    # given a limit of 100 bytes
    settings.LEDGER_MAX_SOURCE_BYTES = 100

    # when 101 bytes are ingested / then it is refused and nothing is stored
    with pytest.raises(SourceTooLarge, match="101 bytes, over the 100-byte limit") as refused:
        _ingest(b"a" * 101)
    assert (refused.value.size, refused.value.limit, refused.value.code) == (
        101,
        100,
        "source_too_large",
    )
    assert Event.objects.count() == 0
    assert Source.objects.count() == 0


def test_the_ingest_command_refuses_a_file_over_the_budget_before_reading_it(tmp_path, settings):
    # given a budget of 100 bytes and a 101-byte file
    settings.LEDGER_MAX_SOURCE_BYTES = 100
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 101)

    # when it is ingested from the command line / then it exits with a clear message
    with pytest.raises(CommandError) as refused:
        call_command("ingest", str(path), stdout=StringIO())
    assert str(refused.value) == (
        f"{path}: the file is 101 bytes, over the 100-byte limit (LEDGER_MAX_SOURCE_BYTES); "
        "nothing was stored"
    )
    assert Event.objects.count() == 0
    assert Source.objects.count() == 0


def test_html_main_text_is_extracted_without_scripts_styles_or_navigation():
    # given a saved web page with a script, a style, navigation and a cookie banner
    html = b"""<!DOCTYPE html><html><head><title>Iran and Hamas</title>
    <style>body { color: red; }</style><script>window.track("secret-token");</script></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
    <article><h1>Iran and Hamas</h1>
    <p>Iran reportedly provides as much as $100 million a year to Hezbollah, officials said.</p>
    <p>Russia and China have previously shielded Tehran from resolutions at the UN Security
    Council, according to diplomats.</p></article>
    <footer>We use cookies to improve your experience.</footer></body></html>"""

    # when it is ingested
    result = _ingest(html, filename="page.html")

    # then the main text is stored, scripts and styles are not, and the claims are anchored
    source = Source.objects.get()
    assert source.media_type == "text/html"
    assert "secret-token" not in source.text
    assert "color: red" not in source.text
    assert [claim.text for claim in result.claims] == [
        "Iran reportedly provides as much as $100 million a year to Hezbollah, officials said.",
        "Russia and China have previously shielded Tehran from resolutions at the UN Security "
        "Council, according to diplomats.",
    ]
    for claim in result.claims:
        assert " ".join(source.text[claim.start : claim.end].split()) == claim.text


def test_a_failure_midway_leaves_nothing_behind(monkeypatch):
    # given claim recording that fails on the third claim
    calls = []
    real_claim_recording = ingestion.claim_recording  # type: ignore[attr-defined]

    def failing_claim_recording(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise InvalidCommand("simulated failure")
        return real_claim_recording(**kwargs)

    monkeypatch.setattr(ingestion, "claim_recording", failing_claim_recording)

    # when the seed is ingested / then the error surfaces and no source, event or claim remains
    with pytest.raises(InvalidCommand, match="simulated failure"):
        _ingest(SEED)
    assert Event.objects.count() == 0
    assert Source.objects.count() == 0
    assert ClaimView.objects.count() == 0


def test_ingest_command_prints_json_with_claims_and_skipped_sentences():
    # given the seed file
    out = StringIO()

    # when the command runs with --json
    call_command(
        "ingest",
        str(SEED_PATH),
        "--title",
        "Are Iran And Palestine Allies?",
        "--publisher",
        "Seed",
        "--published-at",
        "2025-06-20",
        "--json",
        stdout=out,
    )

    # then it prints the source id, every claim with offsets and score, and skipped sentences
    report = json.loads(out.getvalue())
    assert report["created"] is True
    assert report["source_id"] == str(Source.objects.get().pk)
    assert len(report["claims"]) == Event.objects.filter(type="ClaimRecorded").count()
    first = report["claims"][0]
    assert sorted(first) == ["check_worthiness", "claim_id", "end", "entities", "start", "text"]
    assert {"heading", "question", "call_to_action", "related_link", "personal_data"} <= {
        skipped["reason"] for skipped in report["skipped"]
    }
    assert "imann@gmail.com" not in out.getvalue()
    published_at = Source.objects.get().published_at
    assert published_at is not None
    assert published_at.isoformat() == "2025-06-20T00:00:00+00:00"


def test_ingest_command_says_when_nothing_was_recorded():
    # given the seed already ingested
    call_command("ingest", str(SEED_PATH), stdout=StringIO())
    out = StringIO()

    # when it is ingested again / then the command says nothing was recorded
    call_command("ingest", str(SEED_PATH), stdout=out)
    assert out.getvalue().startswith("already ingested: source ")
    assert "nothing recorded" in out.getvalue()


def test_ingest_command_fails_clearly_on_bad_input(tmp_path):
    # given an empty file and a missing file
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    # when the command runs / then it fails naming the problem and stores nothing
    with pytest.raises(CommandError, match="the file is empty; nothing was stored"):
        call_command("ingest", str(empty))
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest", str(tmp_path / "missing.txt"))
    assert Event.objects.count() == 0


def test_extraction_eval_prints_precision_and_recall():
    # given the seed gold file / when the evaluation command runs
    out = StringIO()
    call_command("extraction_eval", "--fail-under", "0.9", stdout=out)

    # then it prints both numbers
    assert "precision " in out.getvalue()
    assert "recall " in out.getvalue()
