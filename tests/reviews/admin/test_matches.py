"""The claim page's matches in the admin: the group, suggestions with Confirm / Reject, unmatch,
match by hand; and the review queue's filter hiding claims of a checked group."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.models import Event, MatchView, Source
from ledger.services import claim_command
from reviews.matching import services
from reviews.matching.scoring import match_score_texts
from reviews.roles import Role
from tests.claims import PATH_TO, SYSTEM, claim_quoted
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("admin:reviews_reviewclaim_changelist")
SEED = "Tehran's support is unwavering"
REPEAT = "Iran's backing remains steadfast"
OTHER = "The harbour bridge reopened on Monday after repairs"


def claim_url(claim_id: str) -> str:
    return reverse("admin:reviews_reviewclaim_change", args=[claim_id])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def sourced(text: str, *, publisher: str, url: str) -> str:
    """A claim quoted from a stored article of its own at ``url``."""
    source = Source.objects.create(
        id=uuid.uuid4(),
        sha256=uuid.uuid4().hex * 2,
        content=text.encode(),
        text=text,
        media_type="text/plain",
        title=f"Article at {url}",
        url=url,
        publisher=publisher,
        captured_at="2026-01-01T00:00:00Z",
    )
    return claim_quoted(
        source_id=str(source.id), source_text=text, quote=text, publisher=publisher
    ).claim_id


def published(claim_id: str) -> None:
    """Bring a pending claim to published with a verdict (False)."""
    version = 1
    for event in [ev.ClaimAssigned(assignee="rita"), *PATH_TO[ClaimStatus.PUBLISHED]]:
        version = claim_command(
            claim_id=claim_id, expected_version=version, event=event, metadata=SYSTEM
        ).version


@pytest.fixture
def pair(users):
    """The seed claim (recorded first: the canonical one) and its repeat by another outlet,
    suggested as one claim: (seed id, repeat id, pair id)."""
    seed = sourced(SEED, publisher=ORGANISATION, url="https://planet.example/seed")
    repeat = sourced(REPEAT, publisher="wire", url="https://wire.example/repeat")
    [pair_id] = services.match_suggest_many(
        pairs=[(repeat, seed, match_score_texts(a=REPEAT, b=SEED))], metadata=SYSTEM
    )
    return seed, repeat, pair_id


def match_events() -> list[Event]:
    return list(Event.objects.filter(stream_type="match").order_by("position"))


def decide(client, claim_id, pair_id, action, *, version=1, note="the same claim, reworded"):
    return client.post(
        claim_url(claim_id),
        {"match_action": action, "pair_id": pair_id, "expected_version": version, "note": note},
    )


def test_the_claim_page_lists_the_suggestion_with_confirm_and_reject(client, users, pair):
    _seed, repeat, pair_id = pair
    client.force_login(users[Role.EDITOR])
    # when an editor opens the repeat's page
    page = client.get(claim_url(repeat))
    # then the suggestion names the seed claim, why, and offers both decisions at version 1
    assert page.status_code == 200
    html = page.text
    assert 'id="match-suggestions"' in html
    assert f'data-pair-id="{pair_id}"' in html
    assert escape(SEED) in html
    for reason in match_score_texts(a=REPEAT, b=SEED).reasons:
        assert escape(reason) in html
    assert 'name="expected_version" value="1"' in html
    assert 'value="confirm">Confirm</button>' in html
    assert 'value="reject">Reject</button>' in html
    assert 'id="match-group-none"' in html  # nothing confirmed yet


def test_confirming_lists_the_group_with_sources_and_the_published_verdict(client, users, pair):
    seed, repeat, pair_id = pair
    client.force_login(users[Role.EDITOR])
    # when the editor confirms with a note, and the seed claim is then published
    response = decide(client, repeat, pair_id, "confirm")
    published(seed)
    # then one ClaimMatched with the note, by the editor, via the admin
    assert response.status_code == 302
    assert messages_of(response) == ["Confirm the match: done."]
    last = match_events()[-1]
    assert (last.type, last.data["note"], last.metadata["actor"], last.metadata["via"]) == (
        "ClaimMatched",
        "the same claim, reworded",
        "user:ed",
        "admin",
    )
    # and both pages list the group: the canonical seed first, both sources, its verdict
    for claim_id in (seed, repeat):
        html = client.get(claim_url(claim_id)).text
        group = html[html.index('id="match-group"') :]
        assert group.index("https://planet.example/seed") < group.index(
            "https://wire.example/repeat"
        )
        assert '<tr class="match-member match-canonical" data-claim-id="' + seed in html
        assert '<strong id="match-group-verdict">False</strong>' in html
        assert 'value="unmatch">Unmatch</button>' in html


def test_a_decision_needs_a_note_and_the_version_shown(client, users, pair):
    _seed, repeat, pair_id = pair
    client.force_login(users[Role.EDITOR])
    # when the note is blank: refused, nothing appended, the page again (400)
    blank = decide(client, repeat, pair_id, "confirm", note="  ")
    assert blank.status_code == 400
    assert any("refused, nothing was recorded" in text for text in messages_of(blank))
    # when the page was stale (another editor rejected meanwhile): 409, the typed note kept
    decided_elsewhere(users, pair_id, services.MatchDecision.REJECT, note="two claims")
    stale = decide(client, repeat, pair_id, "confirm", note="my careful note")
    assert stale.status_code == 409
    assert "the match changed since you opened the page" in messages_of(stale)[0]
    assert "my careful note</textarea>" in stale.text
    # then only the other editor's rejection was recorded
    assert [event.type for event in match_events()] == ["ClaimMatchSuggested", "ClaimMatchRejected"]


def decided_elsewhere(users, pair_id, decision, *, note):
    """The pair decided at version 1 by the administrator, not through this page."""
    from reviews.actor_reads import actor_for_user

    services.match_decide(
        actor=actor_for_user(user=users[Role.ADMIN]),
        pair_id=pair_id,
        expected_version=1,
        decision=decision,
        note=note,
        metadata=SYSTEM,
    )


def test_the_role_is_the_services_decision_not_the_pages(client, users, pair):
    _seed, repeat, pair_id = pair
    client.force_login(users[Role.REVIEWER])
    # then a reviewer sees the suggestion but no decision forms
    page = client.get(claim_url(repeat))
    assert f'data-pair-id="{pair_id}"' in page.text
    assert 'value="confirm"' not in page.text
    assert 'id="match-by-hand-form"' not in page.text
    # and a forged post is refused by the service, appending nothing
    forged = decide(client, repeat, pair_id, "confirm")
    assert forged.status_code == 400
    assert messages_of(forged) == [
        "Confirm the match refused, nothing was recorded: rita (reviewer) may not decide claim "
        "matches"
    ]
    assert [event.type for event in match_events()] == ["ClaimMatchSuggested"]


def test_a_pair_of_another_claim_is_not_decided_from_this_page(client, users, pair):
    _seed, _repeat, pair_id = pair
    other = sourced(OTHER, publisher=ORGANISATION, url="https://planet.example/bridge")
    client.force_login(users[Role.EDITOR])
    response = decide(client, other, pair_id, "confirm")
    assert response.status_code == 400
    assert "this claim has no match pair" in messages_of(response)[0]
    assert len(match_events()) == 1


def test_reject_then_match_by_hand_then_unmatch(client, users, pair):
    seed, repeat, pair_id = pair
    client.force_login(users[Role.EDITOR])
    # when the editor rejects, then matches the listed pair by hand, then unmatches it
    assert decide(client, repeat, pair_id, "reject", note="not the same").status_code == 302
    page = client.get(claim_url(repeat)).text
    assert 'class="match-pair match-pair-rejected"' in page
    assert 'value="by_hand">Match by hand</button>' in page
    by_hand = client.post(
        claim_url(repeat),
        {
            "match_action": "by_hand",
            "pair_id": pair_id,
            "other_claim": seed,
            "expected_version": 2,
            "note": "on a second reading, the same",
        },
    )
    assert by_hand.status_code == 302
    assert decide(client, seed, pair_id, "unmatch", version=3, note="split").status_code == 302
    # then four events on the pair's stream, in that order, and the group is gone
    assert [event.type for event in match_events()] == [
        "ClaimMatchSuggested",
        "ClaimMatchRejected",
        "ClaimMatched",
        "ClaimUnmatched",
    ]
    assert MatchView.objects.get(pk=pair_id).status == "unmatched"
    assert 'id="match-group-none"' in client.get(claim_url(seed)).text


def test_match_by_hand_with_a_typed_claim_id(client, users, pair):
    seed, _repeat, _ = pair
    other = sourced(OTHER, publisher=ORGANISATION, url="https://planet.example/bridge")
    client.force_login(users[Role.EDITOR])
    # when the id is not an id: refused with the reason, the note kept
    bad = client.post(
        claim_url(other),
        {"match_action": "by_hand", "other_claim": "seed", "expected_version": 0, "note": "n"},
    )
    assert bad.status_code == 400
    assert "'seed' is not a claim id" in messages_of(bad)[0]
    # when it names the seed claim: a new pair, matched by hand at version 0
    done = client.post(
        claim_url(other),
        {"match_action": "by_hand", "other_claim": seed, "expected_version": 0, "note": "same"},
    )
    assert done.status_code == 302
    pair_id = services.match_pair_id(claim_a=seed, claim_b=other)
    assert (MatchView.objects.get(pk=pair_id).status, MatchView.objects.get(pk=pair_id).note) == (
        "matched",
        "same",
    )


def test_the_queue_hides_claims_of_a_checked_group(client, users, pair):
    seed, repeat, pair_id = pair
    other = sourced(OTHER, publisher=ORGANISATION, url="https://planet.example/bridge")
    decided_elsewhere(users, pair_id, services.MatchDecision.CONFIRM, note="same")
    client.force_login(users[Role.EDITOR])

    def listed(query: str) -> set[str]:
        html = client.get(QUEUE_URL + query).text
        return {claim for claim in (seed, repeat, other) if claim_url(claim) in html}

    # given the group's canonical claim not yet published: nothing is hidden
    assert listed("?checked_group=hide") == {seed, repeat, other}
    # when it is published, the group is checked: hidden, or shown alone
    published(seed)
    assert listed("?checked_group=hide") == {other}
    assert listed("?checked_group=only") == {seed, repeat}
    assert listed("") == {seed, repeat, other}
    assert "hide claims of a checked group" in client.get(QUEUE_URL).text
