"""The sign-off and publication rules over HTTP: the API obeys what the admin obeys."""

import pytest

from ledger.claims import ClaimStatus
from ledger.models import ClaimView, Event
from ledger.services import claim_record
from reviews.contradictions.detectors import Cue
from reviews.contradictions.flagging import contradiction_flag
from reviews.contradictions.scoring import PairScore
from tests.api.conftest import OWN, assert_problem, event_count
from tests.claims import SYSTEM

pytestmark = pytest.mark.django_db

OTHER_TEXT = "Iran's allies have been largely silent."


def flag_against(claim_id: str) -> str:
    other = claim_record(text=OTHER_TEXT, metadata=SYSTEM, publisher=OWN)
    flag = contradiction_flag(
        claim_a=claim_id,
        claim_b=other.claim_id,
        score=PairScore(score=0.9, cues=[Cue(kind="stance", strength=0.9, template="x")]),
        metadata=SYSTEM,
    )
    assert flag is not None
    return flag.pair_id


def test_publishing_over_an_open_flag_is_a_409_problem_naming_the_flag(client_for, claim_in):
    # given a signed-off claim with an open flag
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    pair_id = flag_against(claim.claim_id)
    before = event_count()

    # when an editor publishes it without a reason
    response = client_for("ed").post(
        f"/api/v1/claims/{claim.claim_id}/publish/", {}, format="json", HTTP_IF_MATCH='"6"'
    )

    # then
    body = assert_problem(response, 409, "open_contradiction_flag")
    assert body["flags"] == [pair_id]
    assert body["type"] == "https://claims-ledger.example/problems/open-contradiction-flag"
    assert body["detail"] == (
        f"this claim has 1 open contradiction flag (flag {pair_id} against “{OTHER_TEXT}”): "
        "confirm or dismiss it first, or, as an editor, publish anyway with a written "
        "override reason"
    )
    assert event_count() == before


def test_an_editor_overrides_with_a_reason_recorded_in_the_event(client_for, claim_in):
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    pair_id = flag_against(claim.claim_id)
    response = client_for("ed").post(
        f"/api/v1/claims/{claim.claim_id}/publish/",
        {"override_reason": "the other claim is a retracted quote"},
        format="json",
        HTTP_IF_MATCH='"6"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    event = Event.objects.get(stream_id=claim.claim_id, type="ClaimPublished")
    assert event.data == {
        "url": "",
        "overridden_flags": [pair_id],
        "override_reason": "the other claim is a retracted quote",
    }
    assert event.metadata["actor"] == "user:ed"


def test_the_approver_cannot_sign_off_over_the_api(client_for, claim_in):
    # given a claim ed started, gave a verdict and approved
    claim = claim_in(ClaimStatus.PENDING, assignee="ed")
    ed = client_for("ed")
    version = claim.version
    for action, body in [
        ("start-review", {}),
        ("set-verdict", {"rating": 4, "explanation": "the table agrees"}),
        ("approve", {}),
    ]:
        response = ed.post(
            f"/api/v1/claims/{claim.claim_id}/{action}/",
            body,
            format="json",
            HTTP_IF_MATCH=f'"{version}"',
        )
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    before = event_count()

    # when ed signs it off too
    response = ed.post(
        f"/api/v1/claims/{claim.claim_id}/sign-off/",
        {},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )

    # then
    body = assert_problem(response, 403, "permission_denied")
    assert body["detail"] == (
        "ed may not sign off this claim: they approved it and set its verdict, and a sign-off "
        "needs a second person. An editor other than ed may sign it off."
    )
    assert event_count() == before
    assert ClaimView.objects.get(pk=claim.claim_id).status == ClaimStatus.APPROVED
