"""Workflow commands over HTTP: roles, versions (If-Match / body), idempotency, problems."""

import pytest

from ledger.claims import ClaimStatus
from ledger.models import ClaimView, Event
from tests.api.conftest import OTHER, assert_problem, event_count

pytestmark = pytest.mark.django_db

# (action path, starting status, assignee, who, body, status after)
ALLOWED = [
    ("assign", ClaimStatus.PENDING, "", "ed", {"assignee": "rita"}, "pending"),
    ("start-review", ClaimStatus.PENDING, "rita", "rita", {}, "in_review"),
    ("comment", ClaimStatus.PENDING, "rita", "pat", {"body": "Source is on p. 3"}, "pending"),
    ("comment", ClaimStatus.IN_REVIEW, "rita", "rita", {"body": "checking"}, "in_review"),
    (
        "attach-evidence",
        ClaimStatus.IN_REVIEW,
        "rita",
        "rita",
        {"url": "https://stats.example/t1", "note": "official table"},
        "in_review",
    ),
    (
        "request-changes",
        ClaimStatus.IN_REVIEW,
        "rita",
        "rita",
        {"reason": "cite"},
        "changes_requested",
    ),
    (
        "revise",
        ClaimStatus.CHANGES_REQUESTED,
        "rita",
        "pat",
        {"text": "Iran pledged support."},
        "pending",
    ),
    (
        "set-verdict",
        ClaimStatus.IN_REVIEW,
        "rita",
        "rita",
        {"rating": 2, "explanation": "one of two figures is wrong"},
        "in_review",
    ),
    ("approve", ClaimStatus.IN_REVIEW, "rita", "rita", {"note": "solid"}, "approved"),
    ("sign-off", ClaimStatus.APPROVED, "rita", "ed", {}, "signed_off"),
    ("reject", ClaimStatus.PENDING, "rita", "ed", {"reason": "opinion"}, "rejected"),
    (
        "publish",
        ClaimStatus.SIGNED_OFF,
        "rita",
        "ed",
        {"url": "https://checks.example/9"},
        "published",
    ),
    ("retract", ClaimStatus.PUBLISHED, "rita", "ed", {"reason": "new evidence"}, "retracted"),
    ("publish", ClaimStatus.SIGNED_OFF, "rita", "ada", {}, "published"),
]


@pytest.mark.parametrize(("action", "status", "assignee", "who", "body", "after"), ALLOWED)
def test_allowed_roles_run_each_command(
    client_for, claim_in, action, status, assignee, who, body, after
):
    # given
    claim = claim_in(status, assignee=assignee)
    before = event_count()

    # when
    response = client_for(who).post(
        f"/api/v1/claims/{claim.claim_id}/{action}/",
        body,
        format="json",
        HTTP_IF_MATCH=f'"{claim.version}"',
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json()["status"] == after
    assert response.json()["version"] == claim.version + 1
    assert response["ETag"] == f'"{claim.version + 1}"'
    assert event_count() == before + 1
    last = Event.objects.order_by("-position")[0]
    assert last.metadata["actor"] == f"user:{who}"
    assert last.metadata["via"].startswith("api-key:clk_")


FORBIDDEN = [
    # (action, status, who, body): the role may not run it (403), nothing appended
    ("approve", ClaimStatus.IN_REVIEW, "audrey", {"note": ""}),
    ("comment", ClaimStatus.PENDING, "audrey", {"body": "hi"}),
    ("publish", ClaimStatus.SIGNED_OFF, "rita", {}),
    ("assign", ClaimStatus.PENDING, "rita", {"assignee": "ed"}),
    ("retract", ClaimStatus.PUBLISHED, "rita", {"reason": "x"}),
    ("revise", ClaimStatus.PENDING, "ed", {"text": "Other words."}),
    ("comment", ClaimStatus.PUBLISHED, "gina", {"body": "not yours"}),
]


@pytest.mark.parametrize(("action", "status", "who", "body"), FORBIDDEN)
def test_roles_that_may_not_run_a_command_get_403(client_for, claim_in, action, status, who, body):
    claim = claim_in(status)
    before = event_count()

    response = client_for(who).post(
        f"/api/v1/claims/{claim.claim_id}/{action}/",
        body,
        format="json",
        HTTP_IF_MATCH=f'"{claim.version}"',
    )

    assert_problem(response, 403)
    assert event_count() == before


def test_a_key_without_the_review_scope_cannot_review(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    response = client_for("rita", scopes=["read"]).post(
        f"/api/v1/claims/{claim.claim_id}/approve/", {}, format="json", HTTP_IF_MATCH='"4"'
    )
    body = assert_problem(response, 403, "permission_denied")
    assert "'review'" in body["detail"]


def test_a_publisher_acting_on_another_organisations_claim_gets_404(client_for, claim_in):
    claim = claim_in(ClaimStatus.PENDING, publisher=OTHER)
    before = event_count()
    response = client_for("pat").post(
        f"/api/v1/claims/{claim.claim_id}/comment/",
        {"body": "hello"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert_problem(response, 404, "not_found")
    assert event_count() == before


def test_a_stale_version_answers_409_with_the_current_version(client_for, claim_in):
    # given a claim at version 4 that the caller read at version 3
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()

    # when
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/approve/", {}, format="json", HTTP_IF_MATCH='"3"'
    )

    # then
    body = assert_problem(response, 409, "version_conflict")
    assert body["current_version"] == 4
    assert body["expected_version"] == 3
    assert response["ETag"] == '"4"'
    assert event_count() == before


def test_the_version_may_come_in_the_body(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/approve/", {"expected_version": 4}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"


def test_a_command_without_a_version_answers_428(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/approve/", {}, format="json"
    )
    assert_problem(response, 428, "precondition_required")
    assert event_count() == before


@pytest.mark.parametrize("if_match", ['"abc"', "*"])
def test_a_malformed_version_answers_400(client_for, claim_in, if_match):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/approve/", {}, format="json", HTTP_IF_MATCH=if_match
    )
    assert_problem(response, 400, "invalid_request")
    assert event_count() == before


def test_contradictory_versions_answer_422(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/approve/",
        {"expected_version": 3},
        format="json",
        HTTP_IF_MATCH='"4"',
    )
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == "expected_version 3 differs from If-Match 4; send one version"
    assert event_count() == before


def test_a_command_the_state_does_not_allow_answers_409(client_for, claim_in):
    claim = claim_in(ClaimStatus.PENDING)
    before = event_count()
    response = client_for("ed").post(
        f"/api/v1/claims/{claim.claim_id}/publish/", {}, format="json", HTTP_IF_MATCH='"2"'
    )
    body = assert_problem(response, 409, "transition_not_allowed")
    assert "pending" in body["detail"]
    assert event_count() == before


def test_invalid_input_answers_400_with_the_fields(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/set-verdict/",
        {"rating": 9},
        format="json",
        HTTP_IF_MATCH='"4"',
    )
    body = assert_problem(response, 400, "invalid_request")
    assert set(body["errors"]) == {"rating", "explanation"}
    assert event_count() == before


def test_a_domain_rule_answers_422(client_for, claim_in):
    claim = claim_in(ClaimStatus.PENDING, assignee="rita")
    before = event_count()
    response = client_for("ed").post(
        f"/api/v1/claims/{claim.claim_id}/assign/",
        {"assignee": "rita"},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == "the claim is already assigned to rita"
    assert event_count() == before


def test_a_retried_command_returns_the_first_response_and_appends_nothing(client_for, claim_in):
    # given
    claim = claim_in(ClaimStatus.IN_REVIEW)
    client = client_for("rita")
    first = client.post(
        f"/api/v1/claims/{claim.claim_id}/approve/",
        {"note": "solid"},
        format="json",
        HTTP_IF_MATCH='"4"',
        HTTP_IDEMPOTENCY_KEY="approve-once",
    )
    after_first = event_count()

    # when the same request is sent again (a lost response, a retry)
    retry = client.post(
        f"/api/v1/claims/{claim.claim_id}/approve/",
        {"note": "solid"},
        format="json",
        HTTP_IF_MATCH='"4"',
        HTTP_IDEMPOTENCY_KEY="approve-once",
    )

    # then
    assert first.status_code == 200
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry["ETag"] == first["ETag"] == '"5"'
    assert retry["Idempotent-Replayed"] == "true"
    assert event_count() == after_first
    assert ClaimView.objects.get(pk=claim.claim_id).version == 5


def test_an_idempotency_key_reused_for_another_request_answers_422(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    client = client_for("rita")
    client.post(
        f"/api/v1/claims/{claim.claim_id}/comment/",
        {"body": "first"},
        format="json",
        HTTP_IF_MATCH='"4"',
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    before = event_count()

    response = client.post(
        f"/api/v1/claims/{claim.claim_id}/comment/",
        {"body": "second"},
        format="json",
        HTTP_IF_MATCH='"5"',
        HTTP_IDEMPOTENCY_KEY="k1",
    )

    assert_problem(response, 422, "idempotency_key_reused")
    assert event_count() == before


def test_idempotency_keys_of_different_callers_do_not_collide(client_for, claim_in):
    claim = claim_in(ClaimStatus.PENDING)
    for who in ("pat", "rita"):
        version = ClaimView.objects.get(pk=claim.claim_id).version
        response = client_for(who).post(
            f"/api/v1/claims/{claim.claim_id}/comment/",
            {"body": "same body"},
            format="json",
            HTTP_IF_MATCH=f'"{version}"',
            HTTP_IDEMPOTENCY_KEY="shared-key",
        )
        assert response.status_code == 200
        assert "Idempotent-Replayed" not in response
    assert ClaimView.objects.get(pk=claim.claim_id).version == 4


def test_a_failed_request_can_be_retried_with_the_same_key(client_for, claim_in):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    client = client_for("rita")
    stale = client.post(
        f"/api/v1/claims/{claim.claim_id}/approve/",
        {},
        format="json",
        HTTP_IF_MATCH='"3"',
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert stale.status_code == 409
    # the body and headers differ, but nothing was kept for the failed attempt
    fresh = client.post(
        f"/api/v1/claims/{claim.claim_id}/approve/",
        {},
        format="json",
        HTTP_IF_MATCH='"4"',
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize("key", ["", "x" * 201, "naïve"])
def test_an_invalid_idempotency_key_answers_400(client_for, claim_in, key):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    before = event_count()
    response = client_for("rita").post(
        f"/api/v1/claims/{claim.claim_id}/comment/",
        {"body": "x"},
        format="json",
        HTTP_IF_MATCH='"4"',
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert_problem(response, 400, "idempotency_key_invalid")
    assert event_count() == before
