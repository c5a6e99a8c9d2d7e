"""Matching on record, end to end: a second article repeating the seed's claims in other words."""

from pathlib import Path

import pytest

from ledger.events import Metadata
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, Event, MatchView
from ledger.store import after_commit_hooks
from reviews.contradictions.services import contradictions_consume
from reviews.matching import services

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED = FIXTURES / "iran-palestine-article.txt"
FOLLOWUP = FIXTURES / "iran-palestine-followup.txt"
# The follow-up's claims that repeat a seed claim, each with the seed claim's opening words.
REPEATED = {
    "After the revolution, Iran abruptly cut its alliance with Israel": (
        "Following the revolution, Iran dramatically ended its alliance with Israel"
    ),
    "In a symbolic gesture, the new authorities handed the Israeli embassy": (
        "The symbolic act of turning over the Israeli embassy"
    ),
    "According to reports, Tehran supplies up to $100 million": (
        "The scale of this support is significant"
    ),
    "At the United Nations, Russia and China have in the past protected Tehran": (
        "Crucially, Russia and China have previously shielded Tehran"
    ),
}


def ingest(path: Path, *, publisher: str) -> str:
    result = source_ingest(
        content=path.read_bytes(),
        filename=path.name,
        publisher=publisher,
        url=f"https://{publisher}.example/{path.stem}",
        metadata=Metadata(actor="user:tester", via="test"),
    )
    # the workers follow the log: the contradiction detector indexes, then matching suggests
    contradictions_consume()
    services.matching_consume()
    return result.source_id


def suggested_pairs() -> set[tuple[str, str]]:
    text_of = {str(pk): text for pk, text in ClaimView.objects.values_list("pk", "text")}
    return {
        tuple(sorted([text_of[str(row.claim_a)], text_of[str(row.claim_b)]]))  # type: ignore[misc]
        for row in MatchView.objects.filter(status="suggested")
    }


def test_the_follow_up_article_is_suggested_as_the_seed_claims_it_repeats():
    # given the seed article ingested and followed: it suggests nothing (its claims are one
    # source's; an article does not repeat itself as two claims)
    ingest(SEED, publisher="seed-news")
    assert MatchView.objects.count() == 0
    # when a second outlet's article repeats four of its claims in other words
    ingest(FOLLOWUP, publisher="wire-service")
    # then exactly those four are suggested, each with the seed claim it repeats
    pairs = suggested_pairs()
    assert len(pairs) == len(REPEATED)
    for new_opening, seed_opening in REPEATED.items():
        assert any(
            any(text.startswith(new_opening) for text in pair)
            and any(text.startswith(seed_opening) for text in pair)
            for pair in pairs
        ), new_opening
    # and each suggestion was appended by the worker, caused by the claim's record
    events = Event.objects.filter(type="ClaimMatchSuggested")
    assert {event.metadata["actor"] for event in events} == {"worker:matching"}
    # and following the log again suggests nothing twice
    services.matching_consume()
    assert Event.objects.filter(type="ClaimMatchSuggested").count() == len(REPEATED)


def test_matching_is_nudged_by_one_after_commit_hook():
    # then recording a claim nudges the matching consumer through one registered hook
    hooks = [hook for hook in after_commit_hooks() if hook.name == services.NUDGE_HOOK_NAME]
    assert [sorted(hook.event_types) for hook in hooks] == [["ClaimRecorded"]]


def test_recording_a_claim_runs_the_matching_worker_after_commit(
    django_capture_on_commit_callbacks,
):
    # given the seed ingested and followed
    ingest(SEED, publisher="seed-news")
    # when a repeat is recorded by another outlet, and its commit's callbacks run (eager mode)
    with django_capture_on_commit_callbacks(execute=True):
        source_ingest(
            content=(
                b"Crucially, Russia and China have in the past protected Tehran from punitive "
                b"resolutions at the UN Security Council.\n"
            ),
            filename="repeat.txt",
            publisher="wire-service",
            metadata=Metadata(actor="user:tester", via="test"),
        )
    # then the worker suggested it as the seed's claim
    assert len(suggested_pairs()) == 1
