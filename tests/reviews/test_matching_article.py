"""Matching on record, end to end: a second article repeating the seed's claims in other words."""

from pathlib import Path

import pytest

from ledger import consumers
from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.events import Metadata
from ledger.followers import follower_named
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, Event, MatchView
from ledger.services import claim_command, projections_rebuild
from reviews.claimreview import group_claimreview
from reviews.contradictions.services import contradictions_consume
from reviews.matching import services
from reviews.matching.selectors import match_pair_list
from reviews.models import Organisation, WebhookDelivery
from reviews.roles import Role
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import webhooks_collect
from tests.actors import publisher_actor
from tests.claims import PATH_TO, SYSTEM

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


def test_a_batch_redelivered_after_a_kill_suggests_nothing_twice(monkeypatch):
    # given the seed ingested and followed, then the follow-up ingested and indexed
    ingest(SEED, publisher="seed-news")
    source_ingest(
        content=FOLLOWUP.read_bytes(),
        filename=FOLLOWUP.name,
        publisher="wire-service",
        url="https://wire-service.example/followup",
        metadata=Metadata(actor="user:tester", via="test"),
    )
    contradictions_consume()

    # when the worker dies after the batch's suggestions commit, before its cursor moves
    def die(**_: object) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(consumers, "consumer_advance", die)
    with pytest.raises(RuntimeError):
        services.matching_consume()
    assert Event.objects.filter(type="ClaimMatchSuggested").count() == len(REPEATED)
    # then the batch handled again suggests nothing twice: one stream per pair, at version 0
    monkeypatch.undo()
    services.matching_consume()
    suggested = Event.objects.filter(type="ClaimMatchSuggested")
    assert suggested.count() == len(REPEATED)
    assert set(suggested.values_list("version", flat=True)) == {1}
    # and each suggestion of the batch's one append is caused by its own claim's record
    recorded_at = {
        str(stream): position
        for stream, position in Event.objects.filter(type="ClaimRecorded").values_list(
            "stream_id", "position"
        )
    }
    for event in suggested:
        assert int(event.metadata["causation_id"]) in {
            recorded_at[claim] for claim in event.data["claims"]
        }
    assert len({event.metadata["causation_id"] for event in suggested}) == len(REPEATED)


def test_matching_is_one_follower_of_the_log_reading_recorded_claims():
    # then recording a claim nudges the matching follower, whose task advances its cursor
    follower = follower_named(services.CONSUMER_NAME)
    assert (sorted(follower.event_types), follower.task) == (
        ["ClaimRecorded"],
        "reviews.tasks.matching_follow",
    )


def test_recording_a_claim_runs_the_matching_worker_after_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given tasks run in-process (the embedded mode), whatever broker is configured
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
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


def test_a_confirmed_repeat_gets_the_seed_verdict_and_its_publisher_the_webhook(actors):
    # given both outlets, the wire service with an endpoint for claim.matched
    Organisation.objects.create(slug="seed-news", name="Seed News")
    Organisation.objects.create(slug="wire-service", name="Wire Service")
    webhook_endpoint_register(
        actor=publisher_actor(organisation="wire-service", username="wire"),
        url="https://hooks.wire.example/ledger",
        event_types=["claim.matched"],
    )
    ingest(SEED, publisher="seed-news")
    ingest(FOLLOWUP, publisher="wire-service")
    repeat = ClaimView.objects.get(text__startswith="At the United Nations, Russia and China")
    [pair] = match_pair_list(claim_id=str(repeat.claim_id))
    seed_claim = ClaimView.objects.get(pk=pair.other_claim_id)
    # when an editor confirms the suggestion, and the seed claim is published with a verdict
    services.match_decide(
        actor=actors[Role.EDITOR],
        pair_id=pair.pair_id,
        expected_version=pair.version,
        decision=services.MatchDecision.CONFIRM,
        note="the same claim, reworded",
        metadata=Metadata(actor=actors[Role.EDITOR].reference, via="test"),
    )
    version = seed_claim.version
    for event in [ev.ClaimAssigned(assignee="rita"), *PATH_TO[ClaimStatus.PUBLISHED]]:
        version = claim_command(
            claim_id=str(seed_claim.claim_id),
            expected_version=version,
            event=event,
            metadata=SYSTEM,
        ).version
    _, created = webhooks_collect()
    # then the repeat's publisher gets one claim.matched carrying the seed claim's review,
    # which lists both articles as appearances
    [delivery] = WebhookDelivery.objects.filter(pk__in=created)
    assert (delivery.event_type, str(delivery.claim_id)) == ("claim.matched", str(repeat.claim_id))
    review = delivery.payload["claimreview"]
    assert review["claimReviewed"] == seed_claim.text
    assert review["reviewRating"]["alternateName"] == "False"
    urls = [item["url"] for item in review["itemReviewed"]["appearance"]]
    assert urls == [
        "https://seed-news.example/iran-palestine-article",
        "https://wire-service.example/iran-palestine-followup",
    ]
    # and the repeat's ClaimReview is the group's
    assert group_claimreview(claim_id=str(repeat.claim_id), fallback_url="") == review
    # and the group rebuilt from the events equals the live one
    assert projections_rebuild(check=True) == []
