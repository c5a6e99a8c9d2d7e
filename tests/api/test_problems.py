"""Errors are RFC 9457 problem details, mapped in one handler; throttling per key."""

import pytest
from rest_framework.test import APIClient

from ledger.exceptions import (
    AppendOnlyViolation,
    ConcurrencyConflict,
    IdempotencyKeyReused,
    InvalidCommand,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
)
from reviews.api.exceptions import problem_exception_handler
from tests.api.conftest import assert_problem, event_count

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (NotFound("no claim 1"), 404, "not_found"),
        (InvalidCommand("bad"), 422, "invalid_command"),
        (IdempotencyKeyReused("again"), 422, "idempotency_key_reused"),
        (PermissionDenied("no"), 403, "permission_denied"),
        (TransitionNotAllowed("not now"), 409, "transition_not_allowed"),
        (AppendOnlyViolation("never"), 409, "append_only"),
        (
            ConcurrencyConflict(stream_id="c", expected_version=2, current_version=5),
            409,
            "version_conflict",
        ),
    ],
)
def test_each_domain_error_maps_to_one_status(error, status, code):
    response = problem_exception_handler(error, {"request": None})
    assert response is not None
    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["status"] == status
    assert response.data["detail"] == error.message
    assert response.data["type"] == "https://claims-ledger.example/problems/" + code.replace(
        "_", "-"
    )
    assert response.content_type == "application/problem+json"


def test_a_conflict_carries_the_current_version():
    error = ConcurrencyConflict(stream_id="c", expected_version=2, current_version=5)
    response = problem_exception_handler(error, {"request": None})
    assert response is not None
    assert response.data["current_version"] == 5
    assert response.data["expected_version"] == 2
    assert response["ETag"] == '"5"'


def test_unknown_errors_are_left_to_django():
    assert problem_exception_handler(RuntimeError("boom"), {"request": None}) is None


def test_a_malformed_json_body_is_a_problem(client_for):
    response = client_for("pat").post(
        "/api/v1/claims/", '{"text": ', content_type="application/json"
    )
    body = assert_problem(response, 400, "parse_error")
    assert "JSON parse error" in body["detail"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/v1/claims/", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("/api/v1/sources/", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
        ("/api/v1/claims/", '{"text": "Iran \\ud800 said so."}', "text holds a lone surrogate"),
        ("/api/v1/sources/", '{"media_type": "\\udfff"}', "media_type holds a lone surrogate"),
        ("/api/v1/claims/", '{"\\ud800": "x"}', "a key holds a lone surrogate"),
    ],
)
def test_json_that_decodes_to_the_unstorable_is_a_parse_error(client_for, path, body, message):
    before = event_count()

    response = client_for("pat").post(path, body, content_type="application/json")

    problem = assert_problem(response, 400, "parse_error")
    assert message in problem["detail"]
    assert event_count() == before


def test_a_wrong_method_is_a_problem(client_for):
    response = client_for("pat").put("/api/v1/claims/", {}, format="json")
    assert_problem(response, 405, "method_not_allowed")
    assert response["Allow"]


def test_requests_beyond_the_rate_answer_429_per_key(client_for, settings):
    # given a rate of 3 requests a minute per key
    settings.LEDGER_API_RATE = "3/minute"
    first_key = client_for("pat")
    second_key = client_for("pat")

    # when
    statuses = [first_key.get("/api/v1/claims/").status_code for _ in range(4)]

    # then
    assert statuses == [200, 200, 200, 429]
    throttled = first_key.get("/api/v1/claims/")
    assert_problem(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    # another key of the same organisation has its own budget
    assert second_key.get("/api/v1/claims/").status_code == 200


def test_anonymous_requests_are_refused_before_counting(settings, people):
    settings.LEDGER_API_RATE = "1/minute"
    client = APIClient()
    assert [client.get("/api/v1/claims/").status_code for _ in range(3)] == [401, 401, 401]
