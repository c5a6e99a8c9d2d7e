"""A claim's history: full for staff and its own organisation, the public part for anyone else."""

from __future__ import annotations

from typing import Any

import pytest

from ledger import events as ev
from ledger.claims import ClaimState
from ledger.models import ClaimView
from ledger.services import claim_command, claim_record
from reviews.api.selectors import HistoryScope, claim_history_scope, claim_history_visible
from tests.api.conftest import OTHER, OWN

PUBLISHER = ev.Metadata(actor="user:pat", via="api-key:cl_abc", correlation_id="req-1")
REVIEWER = ev.Metadata(actor="user:rita", via="admin")
EDITOR = ev.Metadata(actor="user:ed", via="admin")


def run(state: ClaimState, event: ev.DomainEvent, metadata: ev.Metadata) -> ClaimState:
    return claim_command(
        claim_id=state.claim_id, expected_version=state.version, event=event, metadata=metadata
    )


@pytest.fixture
def reviewed(people) -> dict[str, Any]:
    """A daily-planet claim worked by people, published and then retracted."""
    state = claim_record(
        text="Iran has pledged unwavering support.", metadata=PUBLISHER, publisher=OWN
    )
    steps: list[tuple[ev.DomainEvent, ev.Metadata]] = [
        (ev.ClaimAssigned(assignee="rita"), EDITOR),
        (ev.ClaimReviewStarted(), REVIEWER),
        (ev.ClaimCommented(body="Call Jane Doe at the ministry, +1 555 0100"), REVIEWER),
        (
            ev.ClaimEvidenceAttached(url="https://intranet.example/n", note="source is shaky"),
            REVIEWER,
        ),
        (ev.ClaimVerdictSet(rating=3, rating_name="Mixture", explanation="draft"), REVIEWER),
        (
            ev.ClaimVerdictSet(
                rating=1, rating_name="False", explanation="the record shows otherwise"
            ),
            REVIEWER,
        ),
        (ev.ClaimApproved(note="ok"), REVIEWER),
        (ev.ClaimSignedOff(note="fine"), EDITOR),
        (ev.ClaimPublished(url="https://checks.example/1"), EDITOR),
    ]
    for event, metadata in steps:
        state = run(state, event, metadata)
    published = state
    retracted = run(state, ev.ClaimRetracted(reason="a newer report"), EDITOR)
    return {"published": published, "retracted": retracted}


def history(client: Any, claim_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/claims/{claim_id}/history/")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_another_organisation_sees_only_the_public_part_without_names(client_for, reviewed):
    claim_id = reviewed["retracted"].claim_id
    body = history(client_for("gina"), claim_id)
    assert body["scope"] == "public"
    assert body["version"] == 11
    assert [(event["type"], event["version"]) for event in body["events"]] == [
        ("ClaimRecorded", 1),
        ("ClaimVerdictSet", 7),
        ("ClaimPublished", 10),
        ("ClaimRetracted", 11),
    ]
    assert [event["metadata"] for event in body["events"]] == [{"actor": "[withheld]"}] * 4
    assert body["events"][1]["data"] == {
        "rating": 1,
        "rating_name": "False",
        "explanation": "the record shows otherwise",
    }
    assert body["events"][3]["data"] == {"reason": "a newer report"}
    text = str(body)
    for internal in ("Jane Doe", "shaky", "draft", "rita", "user:ed", "req-1", "cl_abc"):
        assert internal not in text


@pytest.mark.parametrize("username", ["pat", "ada", "rita", "ed", "audrey"])
def test_staff_and_the_owning_organisation_see_everything(client_for, reviewed, username):
    claim_id = reviewed["retracted"].claim_id
    body = history(client_for(username), claim_id)
    assert body["scope"] == "full"
    assert [event["version"] for event in body["events"]] == list(range(1, 12))
    comment = body["events"][3]
    assert comment["type"] == "ClaimCommented"
    assert comment["data"] == {"body": "Call Jane Doe at the ministry, +1 555 0100"}
    assert comment["metadata"]["actor"] == "user:rita"
    assert comment["metadata"]["via"] == "admin"


def test_system_actors_are_named_in_the_public_part(client_for, claim_in):
    from ledger.claims import ClaimStatus

    claim = claim_in(ClaimStatus.PUBLISHED, publisher=OTHER)  # every step by system:test
    body = history(client_for("pat"), claim.claim_id)
    assert body["scope"] == "public"
    assert [event["type"] for event in body["events"]] == [
        "ClaimRecorded",
        "ClaimVerdictSet",
        "ClaimPublished",
    ]
    assert {event["metadata"]["actor"] for event in body["events"]} == {"system:test"}


def test_a_published_claim_without_a_verdict_shows_no_verdict(people):
    state = claim_record(text="The bridge opened in 1994.", metadata=PUBLISHER, publisher=OWN)
    for event in (ev.ClaimReviewStarted(), ev.ClaimApproved(), ev.ClaimSignedOff()):
        state = run(state, event, EDITOR)
    state = run(state, ev.ClaimPublished(), EDITOR)
    claim = ClaimView.objects.get(pk=state.claim_id)
    visible = claim_history_visible(actor=None, claim=claim)
    assert visible.scope == HistoryScope.PUBLIC
    assert [item.type for item in visible.events] == ["ClaimRecorded", "ClaimPublished"]


def test_an_anonymous_reader_gets_the_public_scope(reviewed):
    claim = ClaimView.objects.get(pk=reviewed["retracted"].claim_id)
    assert claim_history_scope(actor=None, claim=claim) == HistoryScope.PUBLIC
