"""GET /claims/{id}/matches/ and POST /matches/{pair}/confirm|reject|unmatch/."""

import pytest

from ledger.events import Metadata
from ledger.models import Event
from reviews.matching import services
from reviews.matching.scoring import match_score_texts
from tests.api.conftest import OTHER, OWN, assert_problem

FIRST = "Tehran's support is unwavering"
SECOND = "Iran's backing remains steadfast"


@pytest.fixture
def pair(claim_in):
    """pat's claim and gina's repeat of it, suggested as one: (pat's, gina's, pair id)."""
    own = claim_in(text=FIRST, publisher=OWN).claim_id
    other = claim_in(text=SECOND, publisher=OTHER).claim_id
    [pair_id] = services.match_suggest_many(
        pairs=[(other, own, match_score_texts(a=SECOND, b=FIRST))],
        metadata=Metadata(actor="worker:matching", via="worker"),
    )
    return own, other, pair_id


def test_an_editor_sees_the_suggestion_and_confirms_it(client_for, pair):
    own, other, pair_id = pair
    client = client_for("ed")
    # when the editor reads the claim's matches
    listed = client.get(f"/api/v1/claims/{own}/matches/").json()
    # then the suggestion is there, with the other claim's words and the reasons
    assert listed["canonical_id"] == own
    assert listed["members"] == [own]
    [item] = listed["pairs"]
    assert (item["pair_id"], item["status"], item["version"]) == (pair_id, "suggested", 1)
    assert (item["other_claim_id"], item["other_claim_text"]) == (other, SECOND)
    assert item["reasons"] == match_score_texts(a=SECOND, b=FIRST).reasons
    # when they confirm it at that version
    response = client.post(
        f"/api/v1/matches/{pair_id}/confirm/", {"note": "same", "expected_version": 1}, "json"
    )
    # then the pair is matched and both claims are one group
    assert response.status_code == 200
    assert (response.json()["status"], response["ETag"]) == ("matched", '"2"')
    assert client.get(f"/api/v1/claims/{other}/matches/").json()["members"] == sorted([own, other])


def test_a_publisher_reads_its_claim_matches_without_the_other_outlet_text(client_for, pair):
    own, _, _ = pair
    [item] = client_for("pat").get(f"/api/v1/claims/{own}/matches/").json()["pairs"]
    assert item["other_claim_text"] == ""


@pytest.mark.parametrize("username", ["pat", "rita", "audrey"])
def test_only_editors_decide(client_for, pair, username):
    _, _, pair_id = pair
    before = Event.objects.count()
    response = client_for(username).post(
        f"/api/v1/matches/{pair_id}/reject/", {"note": "no", "expected_version": 1}, "json"
    )
    assert response.status_code == 403
    assert Event.objects.count() == before


def test_a_stale_version_is_409_and_an_unknown_pair_404(client_for, pair):
    _, _, pair_id = pair
    client = client_for("ed")
    assert_problem(
        client.post(
            f"/api/v1/matches/{pair_id}/unmatch/", {"note": "x", "expected_version": 3}, "json"
        ),
        409,
    )
    assert_problem(
        client.post(
            "/api/v1/matches/00000000-0000-0000-0000-000000000000/confirm/",
            {"note": "x", "expected_version": 1},
            "json",
        ),
        404,
    )


def test_the_match_routes_are_in_the_schema(client_for):
    schema = client_for("ed").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/claims/{claim_id}/matches/" in schema["paths"]
    for action in ("confirm", "reject", "unmatch"):
        assert f"/api/v1/matches/{{pair_id}}/{action}/" in schema["paths"]


def claim_ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_the_claim_list_hides_claims_of_a_checked_group(client_for, claim_in, people):
    from ledger.claims import ClaimStatus
    from reviews.actor_reads import actor_for_user

    # given a published claim, a later repeat matched with it, and a claim matched with nothing
    checked = claim_in(ClaimStatus.PUBLISHED, text=FIRST).claim_id
    repeat = claim_in(text=SECOND).claim_id
    alone = claim_in(text="The harbour bridge reopened on Monday").claim_id
    editor = actor_for_user(user=people["ed"])
    services.match_by_hand(
        actor=editor,
        claim_a=repeat,
        claim_b=checked,
        expected_version=0,
        note="the same claim",
        metadata=Metadata(actor=editor.reference, via="test"),
    )
    client = client_for("ed")
    # then false hides the group (its canonical claim is published), true lists only it
    assert claim_ids(client.get("/api/v1/claims/?in_checked_group=false")) == {alone}
    assert claim_ids(client.get("/api/v1/claims/?in_checked_group=true")) == {checked, repeat}
    assert claim_ids(client.get("/api/v1/claims/")) == {checked, repeat, alone}
    # and a value that is no boolean, or none, is a clear error
    assert client.get("/api/v1/claims/?in_checked_group=maybe").status_code == 400
    assert client.get("/api/v1/claims/?in_checked_group=").status_code == 400


def test_the_claim_list_documents_its_checked_group_filter(client_for):
    schema = client_for("ed").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    parameters = schema.json()["paths"]["/api/v1/claims/"]["get"]["parameters"]
    [parameter] = [item for item in parameters if item["name"] == "in_checked_group"]
    assert (parameter["in"], parameter["schema"]) == (
        "query",
        {"type": "string", "enum": ["false", "true"]},
    )
    assert parameter["description"].startswith("false: hide claims matched into a group")
