"""Webhooks: endpoints, the outbox driven by the event log, signed real deliveries, retries."""

from __future__ import annotations

import datetime
import http.server
import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as celery_app
from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.models import ConsumerCursor
from ledger.services import claim_command
from ledger.store import append
from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_create
from reviews.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from reviews.tasks import webhooks_follow, webhooks_retry_due
from reviews.webhooks.delivery import (
    BACKOFF_BASE_SECONDS,
    MAX_ATTEMPTS,
    backoff_seconds,
    webhook_delivery_attempt,
    webhook_signature,
    webhook_signature_verify,
)
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import webhooks_collect
from reviews.webhooks.payloads import webhook_payloads_check
from tests.actors import publisher_actor
from tests.api.conftest import OTHER, OWN, assert_problem
from tests.claims import SYSTEM

# --- A real HTTP receiver on 127.0.0.1 ------------------------------------------------------


class Receiver:
    """Answers each POST with the next planned status (then 200) and keeps what it got."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.planned: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    status = receiver.planned.pop(0) if receiver.planned else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *args: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def register(url: str, types: list[str], organisation: str = OWN) -> tuple[WebhookEndpoint, str]:
    return webhook_endpoint_register(
        actor=publisher_actor(organisation=organisation, username="pat"), url=url, event_types=types
    )


def publish(claim_id: str, version: int) -> int:
    for event in (ev.ClaimPublished(url="https://checks.example/p"),):
        version = claim_command(
            claim_id=claim_id, expected_version=version, event=event, metadata=SYSTEM
        ).version
    return version


# --- Endpoints over the API -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_publisher_registers_an_endpoint_and_sees_the_secret_once(client_for):
    client = client_for("pat")
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example/in", "event_types": ["claim.published"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["organisation"] == OWN
    assert body["event_types"] == ["claim.published"]
    detail = client.get(f"/api/v1/webhooks/{body['id']}/")
    assert detail.status_code == 200
    assert "secret" not in detail.json()
    assert body["secret"] not in str(client.get("/api/v1/webhooks/").json())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "https://hooks.example", "event_types": []}, "event_types"),
        ({"url": "https://hooks.example", "event_types": ["claim.deleted"]}, "event_types"),
    ],
)
def test_invalid_endpoints_are_refused(client_for, payload, field):
    body = assert_problem(client_for("pat").post("/api/v1/webhooks/", payload, format="json"), 400)
    assert field in body["errors"]
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_a_malformed_url_is_refused(client_for):
    response = client_for("pat").post(
        "/api/v1/webhooks/",
        {"url": "not a url", "event_types": ["claim.published"]},
        format="json",
    )
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == "'not a url' is not a valid http(s) URL"
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_plain_http_is_refused_when_not_allowed(client_for, settings):
    settings.LEDGER_WEBHOOK_ALLOW_HTTP = False
    response = client_for("pat").post(
        "/api/v1/webhooks/",
        {"url": "http://hooks.example/in", "event_types": ["claim.published"]},
        format="json",
    )
    body = assert_problem(response, 422, "invalid_command")
    assert body["detail"] == "a webhook URL must use https"


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "scopes"), [("rita", None), ("ed", None), ("audrey", None)])
def test_only_publishers_register_endpoints(client_for, username, scopes):
    response = client_for(username, scopes=scopes).post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example/in", "event_types": ["claim.published"]},
        format="json",
    )
    assert_problem(response, 403)
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_another_organisations_endpoint_answers_404(client_for, people):
    endpoint, _ = register("https://hooks.example/other", ["claim.published"], OTHER)
    client = client_for("pat")
    assert_problem(client.get(f"/api/v1/webhooks/{endpoint.pk}/"), 404)
    assert_problem(client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/"), 404)
    assert_problem(client.delete(f"/api/v1/webhooks/{endpoint.pk}/"), 404)
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


@pytest.mark.django_db
def test_auditors_read_every_endpoint_but_change_none(client_for, people):
    endpoint, _ = register("https://hooks.example/other", ["claim.published"], OTHER)
    client = client_for("audrey")
    assert [e["id"] for e in client.get("/api/v1/webhooks/").json()["results"]] == [
        str(endpoint.pk)
    ]
    assert client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").status_code == 200
    assert_problem(client.delete(f"/api/v1/webhooks/{endpoint.pk}/"), 403)


@pytest.mark.django_db
def test_a_publisher_deactivates_its_endpoint(client_for, people):
    endpoint, _ = register("https://hooks.example/own", ["claim.published"])
    response = client_for("pat").delete(f"/api/v1/webhooks/{endpoint.pk}/")
    assert response.status_code == 200
    assert response.json()["is_active"] is False


# --- The outbox -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_become_deliveries_once_for_subscribed_endpoints_of_the_claims_organisation(
    claim_in,
):
    # given endpoints of both organisations, subscribed to different types
    published_hook, _ = register("https://hooks.example/p", ["claim.published"])
    approved_hook, _ = register("https://hooks.example/a", ["claim.approved"])
    other_hook, _ = register("https://hooks.example/o", ["claim.published"], OTHER)
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)

    # when the consumer runs twice
    handled, created = webhooks_collect()
    again_handled, again_created = webhooks_collect()

    # then
    delivery_endpoints = {(d.endpoint_id, d.event_type) for d in WebhookDelivery.objects.all()}
    assert delivery_endpoints == {
        (published_hook.pk, "claim.published"),
        (approved_hook.pk, "claim.approved"),
    }
    assert len(created) == 2
    assert handled == 3  # approved, signed off, published
    assert (again_handled, again_created) == (0, [])
    assert not WebhookDelivery.objects.filter(endpoint=other_hook).exists()
    assert ConsumerCursor.objects.get(name="webhooks").position > 0


@pytest.mark.django_db
def test_the_payload_check_names_a_payload_whose_event_differs_from_the_log(claim_in):
    # given a published claim's delivery, which matches the log
    register("https://hooks.example/p", ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    webhooks_collect()
    delivery = WebhookDelivery.objects.get()
    assert webhook_payloads_check() == []

    # when its stored event is changed
    payload = delivery.payload
    payload["event"]["data"]["url"] = "https://elsewhere.example/"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=payload)

    # then the check names it
    assert webhook_payloads_check() == [
        f"delivery {delivery.pk}: its event differs from event #{delivery.event_position}"
    ]


@pytest.mark.django_db
def test_endpoints_do_not_get_events_from_before_they_existed(claim_in):
    claim = claim_in(ClaimStatus.PUBLISHED)
    register("https://hooks.example/late", ["claim.published"])
    webhooks_collect()
    assert WebhookDelivery.objects.filter(claim_id=claim.claim_id).count() == 0


@pytest.mark.django_db
def test_a_flag_notifies_each_claims_organisation_without_the_other_claim(claim_in):
    own_hook, _ = register("https://hooks.example/f", ["claim.flagged"])
    other_hook, _ = register("https://hooks.example/g", ["claim.flagged"], OTHER)
    own = claim_in(ClaimStatus.PENDING)
    other = claim_in(ClaimStatus.PENDING, publisher=OTHER)
    flag_id = str(uuid.uuid4())
    append(
        stream_id=flag_id,
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[
            ev.ContradictionFlagged(
                claims=[own.claim_id, other.claim_id],
                score="0.91",
                cues=["stance"],
                detector_version="test",
            )
        ],
        metadata=SYSTEM,
    )

    webhooks_collect()

    own_delivery = WebhookDelivery.objects.get(endpoint=own_hook)
    other_delivery = WebhookDelivery.objects.get(endpoint=other_hook)
    assert own_delivery.payload["claim"]["id"] == own.claim_id
    assert own_delivery.payload["event"]["contradiction_id"] == flag_id
    assert own_delivery.payload["event"]["score"] == "0.91"
    assert other.claim_id not in json.dumps(own_delivery.payload)
    assert own.claim_id not in json.dumps(other_delivery.payload)


# --- Signed sending to a real local server --------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_is_signed_and_sent_to_the_endpoint(claim_in, receiver):
    _endpoint, secret = register(receiver.url, ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    _, created = webhooks_collect()

    result = webhook_delivery_attempt(delivery_id=created[0])

    assert result.attempted is True
    assert result.status == "succeeded"
    [received] = receiver.requests
    headers = received["headers"]
    assert received["path"] == "/hooks"
    assert headers["Webhook-Id"] == created[0]
    assert headers["Webhook-Event"] == "claim.published"
    assert webhook_signature_verify(
        secret=secret,
        timestamp=headers["Webhook-Timestamp"],
        body=received["body"],
        signature=headers["Webhook-Signature"],
    )
    assert not webhook_signature_verify(
        secret="whsec_wrong",
        timestamp=headers["Webhook-Timestamp"],
        body=received["body"],
        signature=headers["Webhook-Signature"],
    )
    payload = json.loads(received["body"])
    assert payload["type"] == "claim.published"
    assert payload["claim"]["id"] == claim.claim_id
    assert payload["claim"]["status"] == "published"
    assert payload["event"]["data"] == {
        "url": "https://checks.example/p",
        "overridden_flags": [],
        "override_reason": "",
    }
    attempt = WebhookAttempt.objects.get()
    assert (attempt.number, attempt.response_status, attempt.error) == (1, 200, "")
    # a second attempt at a succeeded delivery sends nothing
    assert webhook_delivery_attempt(delivery_id=created[0]).attempted is False
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_failures_are_retried_with_exponential_backoff(claim_in, receiver):
    # given an endpoint that fails twice, then works
    register(receiver.url, ["claim.published"])
    receiver.planned = [500, 503]
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    _, [delivery_id] = webhooks_collect()

    # when: the first attempt fails
    first = webhook_delivery_attempt(delivery_id=delivery_id)
    # a retry before its time does nothing
    early = webhook_delivery_attempt(delivery_id=delivery_id)

    # then
    assert first.retry_in_seconds == BACKOFF_BASE_SECONDS
    assert early.attempted is False
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "pending"
    assert delivery.next_attempt_at is not None
    assert delivery.next_attempt_at > timezone.now()

    # when the retries fall due
    for _ in range(2):
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        last = webhook_delivery_attempt(delivery_id=delivery_id)

    # then
    assert last.status == "succeeded"
    attempts = list(
        WebhookAttempt.objects.order_by("number").values_list("number", "response_status")
    )
    assert attempts == [(1, 500), (2, 503), (3, 200)]
    assert len(receiver.requests) == 3
    assert [backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]


@pytest.mark.django_db
def test_a_delivery_fails_for_good_after_the_last_attempt(claim_in, receiver):
    register(receiver.url, ["claim.published"])
    receiver.planned = [500] * MAX_ATTEMPTS
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    _, [delivery_id] = webhooks_collect()

    for _ in range(MAX_ATTEMPTS):
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=None)
        result = webhook_delivery_attempt(delivery_id=delivery_id)

    assert result.status == "failed"
    assert result.retry_in_seconds is None
    assert WebhookAttempt.objects.count() == MAX_ATTEMPTS


@pytest.mark.django_db
def test_an_unreachable_endpoint_records_the_error(claim_in):
    register("http://127.0.0.1:9/closed", ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    _, [delivery_id] = webhooks_collect()

    result = webhook_delivery_attempt(delivery_id=delivery_id)

    assert result.status == "pending"
    attempt = WebhookAttempt.objects.get()
    assert attempt.response_status is None
    assert attempt.error != ""


@pytest.mark.django_db
def test_private_addresses_are_refused_when_not_allowed(claim_in, receiver, settings):
    settings.LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    register(receiver.url, ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    _, [delivery_id] = webhooks_collect()

    webhook_delivery_attempt(delivery_id=delivery_id)

    assert receiver.requests == []
    assert (
        WebhookAttempt.objects.get().error == "refused: 127.0.0.1 resolves to a non-public address"
    )


def test_signature_rejects_stale_timestamps():
    body = b'{"a":1}'
    signature = webhook_signature(secret="whsec_x", timestamp=1000, body=body)
    assert webhook_signature_verify(
        secret="whsec_x", timestamp="1000", body=body, signature=signature, now=1100
    )
    assert not webhook_signature_verify(
        secret="whsec_x", timestamp="1000", body=body, signature=signature, now=2000
    )
    assert not webhook_signature_verify(
        secret="whsec_x", timestamp="1000", body=b'{"a":2}', signature=signature, now=1000
    )


# --- End to end: an API command, the dispatcher after commit, a real delivery ----------------


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run tasks in-process even when a broker is configured (this test checks the flow)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


@pytest.mark.usefixtures("ledger_transactional_db", "eager_celery")
def test_publishing_over_the_api_delivers_to_the_publishers_endpoint(people, claim_in, receiver):
    # given pat's organisation listens for publications
    _, secret = register(receiver.url, ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    _, token = api_key_create(
        actor=actor_for_user(user=people["ed"]), name="desk", scopes=["read", "review"]
    )
    editor = APIClient()
    editor.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")

    # when an editor publishes over the API
    response = editor.post(
        f"/api/v1/claims/{claim.claim_id}/publish/",
        {"url": "https://checks.example/live"},
        format="json",
        HTTP_IF_MATCH=f'"{claim.version}"',
    )

    # then the dispatcher ran after the commit and the receiver got one signed delivery
    assert response.status_code == 200
    [received] = receiver.requests
    assert json.loads(received["body"])["claim"]["id"] == claim.claim_id
    assert webhook_signature_verify(
        secret=secret,
        timestamp=received["headers"]["Webhook-Timestamp"],
        body=received["body"],
        signature=received["headers"]["Webhook-Signature"],
    )
    # and the publisher sees the delivery and its attempt
    _, publisher_token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"]
    )
    publisher = APIClient()
    publisher.credentials(HTTP_AUTHORIZATION=f"Api-Key {publisher_token}")
    endpoint_id = publisher.get("/api/v1/webhooks/").json()["results"][0]["id"]
    [delivery] = publisher.get(f"/api/v1/webhooks/{endpoint_id}/deliveries/").json()["results"]
    assert delivery["status"] == "succeeded"
    assert delivery["event_type"] == "claim.published"
    assert [(a["number"], a["response_status"]) for a in delivery["attempts"]] == [(1, 200)]
    # nothing is sent twice when the dispatcher and the sweep run again
    assert webhooks_follow() == 0
    assert webhooks_retry_due() == 0
    assert len(receiver.requests) == 1


@pytest.mark.usefixtures("ledger_transactional_db", "eager_celery")
def test_a_publisher_redelivers_a_failed_delivery(people, claim_in, receiver):
    _endpoint, _ = register(receiver.url, ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    publish(claim.claim_id, claim.version)
    # the commit ran the webhook follower: the delivery went out at once
    [delivery_id] = WebhookDelivery.objects.values_list("pk", flat=True)
    assert len(receiver.requests) == 1
    WebhookDelivery.objects.filter(pk=delivery_id).update(status="failed")
    _, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read", "submit"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")

    response = client.post(f"/api/v1/webhook-deliveries/{delivery_id}/redeliver/")

    assert response.status_code == 202
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "succeeded"
    assert len(receiver.requests) == 2
    # the answer lists the attempts in the order they were made
    assert [attempt["number"] for attempt in response.json()["attempts"]] == [1, 2]
    # another organisation cannot see or redeliver it
    _, other_token = api_key_create(
        actor=actor_for_user(user=people["gina"]), name="g", scopes=["read", "submit"]
    )
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {other_token}")
    assert_problem(other.post(f"/api/v1/webhook-deliveries/{delivery_id}/redeliver/"), 404)


# --- With a real broker and worker ----------------------------------------------------------

BROKER_WAIT_SECONDS = 60


@pytest.mark.broker
@pytest.mark.slow
@pytest.mark.usefixtures("ledger_transactional_db")
def test_a_real_worker_delivers_after_an_api_command(people, claim_in, receiver):
    """API write → commit → task on Redis → worker → collect → send → the receiver."""
    import time

    from celery.contrib.testing.worker import start_worker

    # given
    register(receiver.url, ["claim.published"])
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    _, token = api_key_create(
        actor=actor_for_user(user=people["ed"]), name="desk", scopes=["read", "review"]
    )
    editor = APIClient()
    editor.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    celery_app.control.purge()

    with start_worker(celery_app, perform_ping_check=False, pool="solo"):
        # when
        response = editor.post(
            f"/api/v1/claims/{claim.claim_id}/publish/",
            {},
            format="json",
            HTTP_IF_MATCH=f'"{claim.version}"',
        )
        assert response.status_code == 200
        deadline = time.monotonic() + BROKER_WAIT_SECONDS
        while not receiver.requests and time.monotonic() < deadline:
            time.sleep(0.2)

    # then
    assert len(receiver.requests) == 1
    assert json.loads(receiver.requests[0]["body"])["claim"]["id"] == claim.claim_id
    assert WebhookDelivery.objects.get().status == "succeeded"
