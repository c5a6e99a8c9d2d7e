"""Contradiction flags over the API: who sees which, filters, pages, detail, confirm, dismiss."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from ledger import events as ev
from ledger.claims import ClaimState, ClaimStatus
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, ContradictionView
from reviews.contradictions.detectors import Cue
from reviews.contradictions.flagging import contradiction_flag, contradiction_pair_id
from reviews.contradictions.scoring import PairScore
from reviews.services import FlagDecision
from tests.api.conftest import OTHER, OWN, assert_problem, event_count
from tests.claims import (
    SEED_PREDICATES,
    SEED_STANCES,
    SYSTEM,
    decide_flag,
    seed_pair_explanation,
    seed_pair_flagged,
)
from tests.claims import SILENT as SEED_SILENT
from tests.claims import SUPPORT as SEED_SUPPORT
from tests.ledger.old_events import flag_v1_append

SUPPORT = "Tehran's support for the group is unwavering."
SILENT = "Iran's allies have been largely silent about the group."
CUE = "stance: 'unwavering' support vs 'largely silent'"
MISSING = "00000000-0000-0000-0000-000000000000"


def flag(
    a: ClaimState, b: ClaimState, *, detector_version: str = "lexical-1", kind: str = "stance"
) -> str:
    score = PairScore(score=0.75, cues=[Cue(kind=kind, strength=0.75, template=CUE)])
    flagged = contradiction_flag(
        claim_a=a.claim_id,
        claim_b=b.claim_id,
        score=score,
        metadata=ev.Metadata(actor="worker:contradictions", via="worker"),
        version=detector_version,
    )
    assert flagged is not None
    return flagged.pair_id


def session_client(people: dict[str, Any], username: str) -> APIClient:
    client = APIClient()
    client.force_login(people[username])
    return client


@pytest.fixture
def flags(claim_in) -> dict[str, Any]:
    """own: a flag between two claims of daily-planet (one pending); other: gotham-gazette's."""
    own_pending = claim_in(text=SUPPORT, publisher=OWN)
    other_published = claim_in(ClaimStatus.PUBLISHED, text=SILENT, publisher=OTHER)
    other_pending = claim_in(text=SUPPORT, publisher=OTHER, assignee="")
    other_pending_2 = claim_in(text=SILENT, publisher=OTHER, assignee="")
    return {
        "mixed": flag(own_pending, other_published),
        "other": flag(other_pending, other_pending_2),
        "claims": {
            "own_pending": own_pending,
            "other_published": other_published,
            "other_pending": other_pending,
            "other_pending_2": other_pending_2,
        },
    }


def listed(client: APIClient, query: str = "") -> set[str]:
    response = client.get(f"/api/v1/contradictions/{query}")
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


# --- Who sees which flag -------------------------------------------------------------------


@pytest.mark.parametrize("username", ["rita", "ed", "audrey", "ada"])
def test_staff_see_every_flag(client_for, flags, username):
    assert listed(client_for(username)) == {flags["mixed"], flags["other"]}


def test_a_publisher_sees_a_flag_only_when_it_sees_both_claims(client_for, flags):
    # pat sees its own pending claim and gotham's published one, not gotham's pending ones
    assert listed(client_for("pat")) == {flags["mixed"]}
    # gina cannot see daily-planet's pending claim, so not the mixed flag
    assert listed(client_for("gina")) == {flags["other"]}


def test_a_flag_the_caller_may_not_see_answers_like_a_missing_one(client_for, flags):
    client = client_for("pat")
    hidden = client.get(f"/api/v1/contradictions/{flags['other']}/")
    missing = client.get(f"/api/v1/contradictions/{MISSING}/")
    hidden_body = assert_problem(hidden, 404, "not_found")
    missing_body = assert_problem(missing, 404, "not_found")
    assert hidden_body["detail"].replace(flags["other"], "X") == missing_body["detail"].replace(
        MISSING, "X"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/contradictions/"),
        ("get", f"/api/v1/contradictions/{MISSING}/"),
        ("post", f"/api/v1/contradictions/{MISSING}/confirm/"),
        ("post", f"/api/v1/contradictions/{MISSING}/dismiss/"),
    ],
)
def test_unauthenticated_callers_get_401(db, method, path):
    response = getattr(APIClient(), method)(path, {"note": "x"}, format="json")
    assert_problem(response, 401)


# --- List: filters, pages, queries ----------------------------------------------------------


def test_filters_by_status_claim_and_detector_version(client_for, flags, claim_in):
    claims = flags["claims"]
    newer = flag(claims["own_pending"], claims["other_pending"], detector_version="lexical-2")
    decide_flag(flags["other"], 1, FlagDecision.DISMISS, "no")
    client = client_for("ed")
    assert listed(client, "?status=open") == {flags["mixed"], newer}
    assert listed(client, "?status=dismissed") == {flags["other"]}
    assert listed(client, "?status=confirmed&status=dismissed") == {flags["other"]}
    assert listed(client, f"?claim={claims['own_pending'].claim_id}") == {flags["mixed"], newer}
    assert listed(client, f"?claim={claims['other_pending_2'].claim_id}") == {flags["other"]}
    assert listed(client, "?detector_version=lexical-2") == {newer}
    assert listed(client, "?status=open&detector_version=lexical-1") == {flags["mixed"]}


def test_a_flag_between_claims_not_check_worthy_is_low_priority_and_filters_apart(
    client_for, flags, claim_in
):
    # given, beside the two flags of check-worthy claims, one between two claims the classifier
    # found not check-worthy, and one between such a claim and a check-worthy one
    claims = flags["claims"]
    unworthy = [
        claim_in(text=text, publisher=OWN, check_worthy=False) for text in (SUPPORT, SILENT)
    ]
    low = flag(*unworthy)
    mixed = flag(unworthy[0], claims["other_pending"])
    client = client_for("ed")

    # then each flag says its priority, and the list filters by it
    body = client.get("/api/v1/contradictions/").json()
    assert {item["id"]: item["priority"] for item in body["results"]} == {
        flags["mixed"]: "normal",
        flags["other"]: "normal",
        mixed: "normal",
        low: "low",
    }
    assert listed(client, "?priority=low") == {low}
    assert listed(client, "?priority=normal") == {flags["mixed"], flags["other"], mixed}
    assert client.get(f"/api/v1/contradictions/{low}/").json()["priority"] == "low"
    assert_problem(client.get("/api/v1/contradictions/?priority=urgent"), 400)


def test_an_unknown_status_filter_is_a_bad_request(client_for, flags):
    assert_problem(client_for("ed").get("/api/v1/contradictions/?status=maybe"), 400)


def test_filters_by_type_the_strongest_cues_detector(client_for, flags):
    # given a numbers flag beside the two stance flags, and one recorded before types were
    claims = flags["claims"]
    numeric = flag(claims["own_pending"], claims["other_pending"], kind="numeric")
    old_claims = [claims["own_pending"].claim_id, claims["other_pending_2"].claim_id]
    unknown = contradiction_pair_id(claim_a=old_claims[0], claim_b=old_claims[1])
    flag_v1_append(stream_id=unknown, claims=old_claims, metadata=SYSTEM)
    client = client_for("ed")
    # then
    assert listed(client, "?type=stance") == {flags["mixed"], flags["other"]}
    assert listed(client, "?type=numeric") == {numeric}
    assert listed(client, "?type=unknown") == {unknown}
    assert listed(client, "?type=numeric&type=unknown") == {numeric, unknown}
    assert listed(client, "?type=date") == set()
    assert listed(client, "?type=numeric&status=dismissed") == set()


def test_an_unknown_type_filter_is_a_bad_request(client_for, flags):
    response = client_for("ed").get("/api/v1/contradictions/?type=sarcasm")
    assert_problem(response, 400)
    assert "sarcasm" in response.content.decode()


def test_the_list_pages_with_a_cursor_most_recently_changed_first(client_for, flags):
    client = client_for("ed")
    first = client.get("/api/v1/contradictions/?page_size=1").json()
    assert [item["id"] for item in first["results"]] == [flags["other"]]
    second = client.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == [flags["mixed"]]
    assert second["next"] is None


def test_the_list_shows_both_claims_and_the_cues(client_for, flags):
    body = client_for("ed").get(f"/api/v1/contradictions/?claim={MISSING}").json()
    assert body["results"] == []
    item = client_for("ed").get("/api/v1/contradictions/?page_size=1").json()["results"][0]
    claims = flags["claims"]
    assert item["status"] == "open"
    assert item["score"] == "0.750"
    assert item["cues"] == [CUE]
    assert (item["type"], item["type_label"]) == ("stance", "Opposite stances")
    assert item["detector_version"] == "lexical-1"
    assert item["version"] == 1
    assert item["url"] == f"/api/v1/contradictions/{flags['other']}/"
    assert {claim["id"] for claim in item["claims"]} == {
        claims["other_pending"].claim_id,
        claims["other_pending_2"].claim_id,
    }
    assert {claim["text"] for claim in item["claims"]} == {SUPPORT, SILENT}


def test_listing_costs_the_same_queries_for_one_flag_or_many(client_for, flags, claim_in):
    client = client_for("pat")
    client.get("/api/v1/contradictions/")  # the key's last-use update happens once
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/contradictions/").json()["results"]) == 1
    for number in range(5):
        a = claim_in(text=f"{SUPPORT} {number}", publisher=OWN)
        b = claim_in(text=f"{SILENT} {number}", publisher=OWN)
        flag(a, b)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/contradictions/").json()["results"]) == 6
    assert len(many.captured_queries) == len(one.captured_queries)


# --- Detail -----------------------------------------------------------------------------------


def test_the_detail_shows_both_claims_with_quotes_and_provenance(client_for, people, claim_in):
    result = source_ingest(
        content=(
            b"Tehran's support for Hamas is unwavering, officials said on Monday.\n\n"
            b"Iran's allies have been largely silent about Hamas since the talks began in 2024.\n"
        ),
        metadata=SYSTEM,
        title="Allies",
        url="https://news.example/allies",
        publisher=OWN,
    )
    a, b = (ClaimView.objects.get(pk=claim.claim_id) for claim in result.claims[:2])
    pair_id = flag(a, b, kind="numeric")  # type: ignore[arg-type]
    response = client_for("pat").get(f"/api/v1/contradictions/{pair_id}/")
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"1"'
    body = response.json()
    assert body["score"] == "0.750"
    assert body["cues"] == [CUE]
    assert (body["type"], body["type_label"]) == ("numeric", "Numbers differ")
    assert body["detector_version"] == "lexical-1"
    assert body["note"] == ""
    by_id = {claim["id"]: claim for claim in body["claims"]}
    for claim in (a, b):
        shown = by_id[str(claim.claim_id)]
        assert shown["text"] == claim.text
        assert shown["version"] == 1
        assert shown["provenance"]["source"]["title"] == "Allies"
        assert shown["provenance"]["source"]["url"] == "https://news.example/allies"
        selector = claim.selector or {}
        assert shown["provenance"]["selector"]["exact"] == selector["exact"]
        assert shown["provenance"]["selector"]["start"] == selector["start"]
    assert [decision["type"] for decision in body["decisions"]] == ["ContradictionFlagged"]
    assert body["decisions"][0]["actor"] == "worker:contradictions"


def test_the_detail_answers_304_to_its_own_etag(client_for, flags):
    response = client_for("ed").get(
        f"/api/v1/contradictions/{flags['mixed']}/", HTTP_IF_NONE_MATCH='"1"'
    )
    assert response.status_code == 304


def test_a_publisher_sees_the_decision_but_not_who_decided(client_for, flags):
    decide_flag(
        flags["mixed"],
        1,
        FlagDecision.DISMISS,
        "different subjects",
        metadata=ev.Metadata(actor="user:rita", via="admin"),
    )
    pat = client_for("pat").get(f"/api/v1/contradictions/{flags['mixed']}/").json()
    ed = client_for("ed").get(f"/api/v1/contradictions/{flags['mixed']}/").json()
    assert pat["status"] == "dismissed"
    assert pat["note"] == "different subjects"
    assert [(d["type"], d["note"], d["actor"]) for d in pat["decisions"]] == [
        ("ContradictionFlagged", "", "worker:contradictions"),
        ("ContradictionDismissed", "different subjects", "[withheld]"),
    ]
    assert ed["decisions"][1]["actor"] == "user:rita"


# --- Explanation: how today's detectors read the pair (issue 15) ------------------------------


@pytest.mark.parametrize("first", [SEED_SUPPORT, SEED_SILENT], ids=["support-is-a", "silence-is-a"])
def test_the_detail_explains_the_pair_as_explain_pair_does_in_either_order(client_for, first):
    # given the seed pair flagged by the worker, stored with ``first`` as claim A
    second = SEED_SILENT if first == SEED_SUPPORT else SEED_SUPPORT
    pair_id = seed_pair_flagged(first=first, publisher=OWN).pair_id
    # when a publisher reads the flag
    body = client_for("pat").get(f"/api/v1/contradictions/{pair_id}/").json()
    # then its explanation is explain_pair's, A being the flag's first claim
    assert [claim["text"] for claim in body["claims"]] == [first, second]
    explanation = body["explanation"]
    assert explanation["lines"] == seed_pair_explanation(first=first)
    assert (
        {key: explanation[key] for key in explanation if key != "lines"}
        == {
            "detector_version": "lexical-19",
            "contradiction": True,
            "score": "0.614",
            "threshold": "0.5254",
            "subject": {"entities": ["iran"], "shared_words": []},
            "claims": [
                {"role": "A", "predicates": SEED_PREDICATES[first], "times": []},
                {"role": "B", "predicates": SEED_PREDICATES[second], "times": []},
            ],
            "detectors": [  # each line of explain_pair's after the summary: "type: FIRED — why"
                {
                    "detector": line.split(": ", 1)[0],
                    "fired": line.startswith("stance: FIRED — "),
                    "reason": line.split(" — ", 1)[1],
                }
                for line in explanation["lines"][4:]
            ],
        }
    )
    assert explanation["detectors"][6]["reason"] == (
        f"opposite stances: A says {SEED_STANCES[first]}, B says {SEED_STANCES[second]}"
    )


def test_the_explanation_is_todays_while_the_flag_keeps_its_detector_version(client_for, flags):
    body = client_for("ed").get(f"/api/v1/contradictions/{flags['mixed']}/").json()
    assert body["detector_version"] == "lexical-1"
    assert body["cues"] == [CUE]
    assert body["explanation"]["detector_version"] == "lexical-19"
    assert body["explanation"]["lines"][0].startswith("verdict: ")


def test_a_decision_answers_with_the_explanation_and_the_list_never_has_one(client_for, flags):
    client = client_for("ed")
    decided = client.post(
        f"/api/v1/contradictions/{flags['mixed']}/confirm/",
        {"note": "yes", "expected_version": 1},
        format="json",
    ).json()
    detail = client.get(f"/api/v1/contradictions/{flags['mixed']}/").json()
    assert decided["explanation"] == detail["explanation"]
    listed_flags = client.get("/api/v1/contradictions/").json()["results"]
    assert [("explanation" in item) for item in listed_flags] == [False, False]


# --- Decisions --------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "status"), [("confirm", "confirmed"), ("dismiss", "dismissed")])
def test_an_editor_decides_a_flag_with_a_note(client_for, flags, action, status):
    before = event_count()
    response = client_for("ed").post(
        f"/api/v1/contradictions/{flags['mixed']}/{action}/",
        {"note": "checked both sources", "expected_version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["status"] == status
    assert body["version"] == 2
    assert body["note"] == "checked both sources"
    assert body["decisions"][-1]["actor"] == "user:ed"
    assert event_count() == before + 1
    row = ContradictionView.objects.get(pk=flags["mixed"])
    assert (row.status, row.decided_by) == (status, "user:ed")
    own = flags["claims"]["own_pending"]
    assert ClaimView.objects.get(pk=own.claim_id).open_flag_count == 0


def test_a_reviewer_decides_a_flag_on_a_claim_assigned_to_them(client_for, flags):
    # the mixed flag's claims are assigned to rita; the other flag's to nobody
    client = client_for("rita")
    allowed = client.post(
        f"/api/v1/contradictions/{flags['mixed']}/confirm/",
        {"note": "yes"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert allowed.status_code == 200, allowed.content
    before = event_count()
    refused = client.post(
        f"/api/v1/contradictions/{flags['other']}/confirm/",
        {"note": "yes", "expected_version": 1},
        format="json",
    )
    body = assert_problem(refused, 403, "permission_denied")
    assert "neither claim is assigned to you" in body["detail"]
    assert event_count() == before


@pytest.mark.parametrize("username", ["pat", "audrey"])
def test_publishers_and_auditors_cannot_decide_even_with_a_session(people, flags, username):
    before = event_count()
    response = session_client(people, username).post(
        f"/api/v1/contradictions/{flags['mixed']}/dismiss/",
        {"note": "no", "expected_version": 1},
        format="json",
    )
    assert_problem(response, 403, "permission_denied")
    assert event_count() == before
    assert ContradictionView.objects.get(pk=flags["mixed"]).status == "open"


@pytest.mark.parametrize("username", ["pat", "audrey"])
def test_keys_without_the_review_scope_cannot_decide(client_for, flags, username):
    before = event_count()
    response = client_for(username).post(
        f"/api/v1/contradictions/{flags['mixed']}/confirm/",
        {"note": "no", "expected_version": 1},
        format="json",
    )
    assert_problem(response, 403)
    assert event_count() == before


def test_deciding_a_flag_the_caller_may_not_see_is_not_found(people, flags):
    before = event_count()
    response = session_client(people, "pat").post(
        f"/api/v1/contradictions/{flags['other']}/confirm/",
        {"note": "no", "expected_version": 1},
        format="json",
    )
    assert_problem(response, 404, "not_found")
    assert event_count() == before


def test_a_stale_version_is_a_conflict_with_the_current_version(client_for, flags):
    client = client_for("ed")
    path = f"/api/v1/contradictions/{flags['mixed']}"
    confirmed = client.post(
        f"{path}/confirm/", {"note": "yes", "expected_version": 1}, format="json"
    )
    assert confirmed.status_code == 200
    before = event_count()
    response = client.post(f"{path}/dismiss/", {"note": "no", "expected_version": 1}, format="json")
    body = assert_problem(response, 409, "version_conflict")
    assert body["current_version"] == 2
    assert body["expected_version"] == 1
    assert response["ETag"] == '"2"'
    assert event_count() == before


def test_deciding_twice_at_the_current_version_is_refused(client_for, flags):
    client = client_for("ed")
    path = f"/api/v1/contradictions/{flags['mixed']}"
    client.post(f"{path}/confirm/", {"note": "yes", "expected_version": 1}, format="json")
    before = event_count()
    response = client.post(f"{path}/dismiss/", {"note": "no", "expected_version": 2}, format="json")
    assert_problem(response, 422, "invalid_command")
    assert event_count() == before


def test_a_decision_without_a_version_is_refused_with_428(client_for, flags):
    before = event_count()
    response = client_for("ed").post(
        f"/api/v1/contradictions/{flags['mixed']}/confirm/", {"note": "yes"}, format="json"
    )
    assert_problem(response, 428, "precondition_required")
    assert event_count() == before


@pytest.mark.parametrize(("note", "status"), [("   ", 422), ("", 400), (None, 400), (3, 400)])
def test_a_decision_needs_a_note(client_for, flags, note, status):
    before = event_count()
    body: dict[str, Any] = {"expected_version": 1}
    if note is not None:
        body["note"] = note
    response = client_for("ed").post(
        f"/api/v1/contradictions/{flags['mixed']}/dismiss/", body, format="json"
    )
    assert_problem(response, status)
    assert event_count() == before


def test_a_retried_decision_with_the_same_idempotency_key_appends_once(client_for, flags):
    client = client_for("ed")
    path = f"/api/v1/contradictions/{flags['mixed']}/confirm/"
    before = event_count()
    first = client.post(
        path, {"note": "yes", "expected_version": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = client.post(
        path, {"note": "yes", "expected_version": 1}, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert event_count() == before + 1
