"""Errors are RFC 9457 problem details, mapped in one handler; throttling per key."""

import logging
import socket

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.test import APIClient

from ledger.exceptions import (
    AppendOnlyViolation,
    ConcurrencyConflict,
    IdempotencyKeyReused,
    InvalidCommand,
    LedgerError,
    LedgerIntegrityError,
    NotFound,
    SourceTooLarge,
)
from reviews.api import throttling
from reviews.api.exceptions import problem_exception_handler, server_error
from reviews.exceptions import (
    ApiKeyRefused,
    PermissionDenied,
    PublicationBlocked,
    TransitionNotAllowed,
)
from reviews.models import ApiKey
from tests.api.conftest import assert_problem, event_count

pytestmark = pytest.mark.django_db


DOMAIN_ERRORS = [
    (NotFound("no claim 1"), 404, "not_found"),
    (InvalidCommand("bad"), 422, "invalid_command"),
    (IdempotencyKeyReused("again"), 422, "idempotency_key_reused"),
    (PermissionDenied("no"), 403, "permission_denied"),
    (TransitionNotAllowed("not now"), 409, "transition_not_allowed"),
    (AppendOnlyViolation("never"), 409, "append_only"),
    (SourceTooLarge(size=11, limit=10), 413, "source_too_large"),
    (LedgerIntegrityError("position 4 does not verify"), 500, "ledger_integrity"),
    (ApiKeyRefused("revoked"), 401, "authentication_failed"),
    (PublicationBlocked("open flags", flags=["f1"]), 409, "open_contradiction_flag"),
    (
        ConcurrencyConflict(stream_id="c", expected_version=2, current_version=5),
        409,
        "version_conflict",
    ),
]


def _subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


def test_every_domain_error_is_in_the_status_table():
    # A new error class must say here what the API answers for it.
    assert _subclasses(LedgerError) == {type(error) for error, _, _ in DOMAIN_ERRORS}


@pytest.mark.parametrize(("error", "status", "code"), DOMAIN_ERRORS)
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


def test_a_blocked_publication_names_its_flags():
    response = problem_exception_handler(
        PublicationBlocked("open flags", flags=["f1", "f2"]), {"request": None}
    )
    assert response is not None
    assert response.data["flags"] == ["f1", "f2"]


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


# --- The shared cache down; errors outside DRF's handler (issue 17.4) ----------------------------


def _a_port_nothing_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def unreachable_cache(settings, monkeypatch):
    """CACHE_URL's Redis, as settings.py configures it, at an address where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_a_port_nothing_listens_on()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    monkeypatch.setattr(throttling, "LOCAL_COUNTS", throttling.LocalCounts())


def test_with_the_cache_down_the_api_answers_and_counts_per_process(
    client_for, settings, unreachable_cache, caplog
):
    # given a rate of 3 requests a minute, and the shared cache unreachable
    settings.LEDGER_API_RATE = "3/minute"
    client = client_for("pat")
    before = event_count()

    # when a key reads, submits, and goes over its rate
    with caplog.at_level(logging.WARNING, logger="reviews.api.throttling"):
        statuses = [
            client.get("/api/v1/claims/").status_code,
            client.post(
                "/api/v1/claims/", {"text": "Iran signed in 1994."}, format="json"
            ).status_code,
            client.get("/api/v1/claims/").status_code,
        ]
        throttled = client.get("/api/v1/claims/")

    # then it is served, the submission is recorded, and the limit holds in this process
    assert statuses == [200, 201, 200]
    assert event_count() == before + 1
    assert_problem(throttled, 429, "throttled")
    # and the outage is logged once, not once per request
    [warning] = [record for record in caplog.records if record.name == "reviews.api.throttling"]
    assert warning.levelno == logging.WARNING
    assert warning.getMessage().startswith(
        "API throttling: the shared cache is unreachable (ConnectionError: "
    )
    assert warning.getMessage().endswith("counting per process for the next 30 s")


def test_the_shared_cache_is_tried_again_after_the_retry_interval(
    client_for, settings, unreachable_cache, monkeypatch
):
    # given a process that found the shared cache down
    monkeypatch.setattr(throttling, "SHARED_CACHE_RETRY_SECONDS", 0.0)
    monkeypatch.setattr(throttling.ApiKeyRateThrottle, "timer", lambda self: 600.0)
    client = client_for("pat")
    counts_key = f"throttle:api_key:key:{ApiKey.objects.get().pk}:10"  # the 11th minute
    assert client.get("/api/v1/claims/").status_code == 200
    assert throttling.LOCAL_COUNTS.cache.get(counts_key) == 1

    # when the cache is back
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert client.get("/api/v1/claims/").status_code == 200

    # then the request was counted in the shared cache again
    assert cache.get(counts_key) == 1


def test_an_unhandled_error_in_the_api_is_a_problem_that_reveals_nothing(client_for, monkeypatch):
    # given a view that fails in a way no handler knows
    def fail(**kwargs):
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setattr("reviews.api.views.claims.claims_visible", fail)
    client = client_for("pat")
    client.raise_request_exception = False

    # when
    response = client.get("/api/v1/claims/?status=pending")

    # then it answers a problem document, not Django's HTML page
    body = assert_problem(response, 500, "server_error")
    assert body["instance"] == "/api/v1/claims/?status=pending"
    assert body["detail"] == (
        "the server failed to answer this request; the error was logged, try again later"
    )
    assert "hunter2" not in response.content.decode()


def test_an_unhandled_error_outside_the_api_keeps_djangos_page():
    response = server_error(RequestFactory().get("/admin/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"Server Error (500)" in response.content
