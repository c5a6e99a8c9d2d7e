"""Webhook sends under faults: a total limit, one send per lease, interrupted attempts, fairness.

The receivers are real HTTP servers on 127.0.0.1 (``tests/api/test_webhooks.py``'s
``Receiver`` and ``tests/reviews/webhooks/test_http.py``'s trickling one).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger.claims import ClaimStatus
from reviews.models import WebhookAttempt, WebhookDelivery
from reviews.tasks import webhooks_retry_due
from reviews.webhooks import delivery as sending
from reviews.webhooks.delivery import (
    DEFER_SECONDS,
    INTERRUPTED_ERROR,
    LEASE,
    MAX_ATTEMPTS,
    SEND_TIMEOUT_SECONDS,
    webhook_delivery_attempt,
)
from reviews.webhooks.http import SendOutcome, send_post
from reviews.webhooks.outbox import webhook_deliveries_due, webhooks_collect
from tests.api import test_webhooks
from tests.api.conftest import OTHER, OWN
from tests.api.test_webhooks import publish, register
from tests.reviews.webhooks.test_http import RawReceiver

pytestmark = pytest.mark.django_db

# The webhook tests' fixtures: a real HTTP receiver on 127.0.0.1, and tasks run in-process.
receiver = test_webhooks.receiver
eager_celery = test_webhooks.eager_celery


def delivery_for(claim_in: Callable[..., Any], url: str, publisher: str = OWN) -> str:
    """One pending delivery of a publication of ``publisher``'s claim to an endpoint at ``url``."""
    register(url, ["claim.published"], publisher)
    claim = claim_in(ClaimStatus.SIGNED_OFF, publisher=publisher)
    publish(claim.claim_id, claim.version)
    _, [delivery_id] = webhooks_collect()
    return delivery_id


def attempts_of(delivery_id: str) -> list[tuple[int, str, int | None]]:
    return list(
        WebhookAttempt.objects.filter(delivery__pk=delivery_id)
        .order_by("number")
        .values_list("number", "outcome", "response_status")
    )


def lease_expires(delivery_id: str) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


class WorkerKilled(BaseException):
    """Stands for a SIGKILL mid-send: nothing after the send runs in that worker."""


def attempt_killed_mid_send(delivery_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def killed(**kwargs: Any) -> Any:
        raise WorkerKilled

    monkeypatch.setattr(sending, "send_post", killed)
    with pytest.raises(WorkerKilled):
        webhook_delivery_attempt(delivery_id=delivery_id)
    monkeypatch.setattr(sending, "send_post", send_post)


# --- A total limit, and a lease that outlasts it ---------------------------------------------


def test_the_lease_outlasts_the_total_limit_of_a_send():
    assert LEASE.total_seconds() >= SEND_TIMEOUT_SECONDS + 10


@pytest.mark.usefixtures("eager_celery")
def test_a_trickling_receiver_holds_a_send_only_for_its_limit_and_gets_it_once(
    claim_in, monkeypatch
):
    # given a receiver that trickles its answer (one byte every 0.2 s, about 13 s in all)
    monkeypatch.setattr(sending, "SEND_TIMEOUT_SECONDS", 1)
    trickling = RawReceiver("trickle")
    delivery_id = delivery_for(claim_in, trickling.url)
    seen_during_the_send: list[Any] = []

    def send_while_the_sweep_runs(**kwargs: Any) -> Any:
        # the retry sweep runs while the send is under way (eagerly: its sends run here)
        seen_during_the_send.append((webhooks_retry_due(), webhook_deliveries_due(limit=10)))
        return send_post(**kwargs)

    monkeypatch.setattr(sending, "send_post", send_while_the_sweep_runs)

    # when the delivery is attempted
    started = time.monotonic()
    result = webhook_delivery_attempt(delivery_id=delivery_id)
    elapsed = time.monotonic() - started
    trickling.close()

    # then the send stopped at its limit, the sweep found nothing due, one request was made
    assert elapsed < 2.5
    assert seen_during_the_send == [(0, [])]
    assert trickling.requests == 1
    assert (result.attempted, result.status, result.retry_in_seconds) == (True, "pending", 30)
    attempt = WebhookAttempt.objects.get(delivery__pk=delivery_id)
    assert (attempt.number, attempt.outcome, attempt.error) == (
        1,
        "failed",
        "timed out: the send took over its 1 s limit",
    )


def test_a_worker_that_outlived_its_lease_does_not_overwrite_the_next_workers_outcome(
    claim_in, receiver, monkeypatch
):
    # given a delivery whose first send is still under way when its lease expires, and a
    # second worker that leases it then and delivers it
    delivery_id = delivery_for(claim_in, receiver.url)
    receiver.planned = [200]

    def stalled_send(**kwargs: Any) -> Any:
        monkeypatch.setattr(sending, "send_post", send_post)
        lease_expires(delivery_id)
        second = webhook_delivery_attempt(delivery_id=delivery_id)
        assert (second.attempted, second.status) == (True, "succeeded")
        return SendOutcome(response_status=503, error="HTTP 503")

    monkeypatch.setattr(sending, "send_post", stalled_send)

    # when the first worker records its late outcome (a 503)
    first = webhook_delivery_attempt(delivery_id=delivery_id)

    # then its attempt says what happened, and the delivery keeps the second worker's outcome
    assert (first.attempted, first.status, first.retry_in_seconds) == (True, "succeeded", None)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempt_count, delivery.lease_token) == (
        "succeeded",
        2,
        None,
    )
    assert delivery.next_attempt_at is None
    assert attempts_of(delivery_id) == [(1, "failed", 503), (2, "succeeded", 200)]


# --- A worker killed mid-send ----------------------------------------------------------------


def test_a_worker_killed_mid_send_leaves_an_attempt_listed_then_interrupted(
    claim_in, receiver, client_for, monkeypatch
):
    # given a worker killed while its send is under way
    delivery_id = delivery_for(claim_in, receiver.url)

    attempt_killed_mid_send(delivery_id, monkeypatch)
    client = client_for("pat")
    endpoint_id = WebhookDelivery.objects.get(pk=delivery_id).endpoint_id
    deliveries_url = f"/api/v1/webhooks/{endpoint_id}/deliveries/"

    # then the attempt counts and is listed, as sending
    [shown] = client.get(deliveries_url).json()["results"]
    assert shown["attempt_count"] == 1
    assert [(a["number"], a["outcome"], a["duration_ms"]) for a in shown["attempts"]] == [
        (1, "sending", None)
    ]
    # and nobody sends it again while the lease holds
    assert webhook_delivery_attempt(delivery_id=delivery_id).attempted is False
    assert receiver.requests == []

    # when its lease expires and the retry runs
    lease_expires(delivery_id)
    retried = webhook_delivery_attempt(delivery_id=delivery_id)

    # then the killed attempt is listed as interrupted, and the count and the list agree
    assert (retried.attempted, retried.status) == (True, "succeeded")
    [shown] = client.get(deliveries_url).json()["results"]
    assert shown["attempt_count"] == len(shown["attempts"]) == 2
    assert [(a["number"], a["outcome"], a["error"]) for a in shown["attempts"]] == [
        (1, "interrupted", INTERRUPTED_ERROR),
        (2, "succeeded", ""),
    ]
    assert len(receiver.requests) == 1


def test_a_last_attempt_interrupted_fails_the_delivery_without_another_send(
    claim_in, receiver, monkeypatch
):
    # given a delivery whose last allowed attempt was killed mid-send
    delivery_id = delivery_for(claim_in, receiver.url)
    WebhookDelivery.objects.filter(pk=delivery_id).update(attempt_count=MAX_ATTEMPTS - 1)

    attempt_killed_mid_send(delivery_id, monkeypatch)

    # when its lease expires and the retry runs
    lease_expires(delivery_id)
    result = webhook_delivery_attempt(delivery_id=delivery_id)

    # then it failed for good, with the interrupted attempt listed and nothing sent
    assert (result.attempted, result.status) == (False, "failed")
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.attempt_count, delivery.next_attempt_at) == (MAX_ATTEMPTS, None)
    assert attempts_of(delivery_id) == [(MAX_ATTEMPTS, "interrupted", None)]
    assert receiver.requests == []


# --- One organisation cannot take every worker -----------------------------------------------


def test_an_organisation_with_its_share_of_sends_under_way_waits_and_others_do_not(
    claim_in, receiver, settings
):
    # given two sends of pat's organisation under way (its share), and one more of each
    settings.LEDGER_WEBHOOK_SENDS_PER_ORGANISATION = 2
    register(f"{receiver.url}/own", ["claim.published"])
    register(f"{receiver.url}/other", ["claim.published"], OTHER)
    for publisher in (OWN, OWN, OWN, OTHER):
        claim = claim_in(ClaimStatus.SIGNED_OFF, publisher=publisher)
        publish(claim.claim_id, claim.version)
    _, [*busy, waiting, others] = webhooks_collect()
    WebhookDelivery.objects.filter(pk__in=busy).update(
        lease_token="00000000-0000-4000-8000-000000000000",
        next_attempt_at=timezone.now() + LEASE,
    )

    # when both are attempted
    deferred = webhook_delivery_attempt(delivery_id=waiting)
    sent = webhook_delivery_attempt(delivery_id=others)

    # then pat's waits its turn, untried, and the other organisation's is sent at once
    assert (deferred.attempted, deferred.status, deferred.retry_in_seconds) == (
        False,
        "pending",
        DEFER_SECONDS,
    )
    waiting_row = WebhookDelivery.objects.get(pk=waiting)
    assert waiting_row.attempt_count == 0
    assert waiting_row.next_attempt_at is not None
    assert waiting_row.next_attempt_at > timezone.now()
    assert attempts_of(waiting) == []
    assert (sent.attempted, sent.status) == (True, "succeeded")
    assert [request["path"] for request in receiver.requests] == ["/hooks/other"]

    # when one of pat's sends finishes, pat's next delivery goes out on its retry
    WebhookDelivery.objects.filter(pk=busy[0]).update(lease_token=None)
    lease_expires(waiting)
    assert webhook_delivery_attempt(delivery_id=waiting).status == "succeeded"
    assert [request["path"] for request in receiver.requests] == ["/hooks/other", "/hooks/own"]


def test_a_long_queue_of_one_organisation_waits_in_rounds_of_its_share(
    claim_in, receiver, settings, monkeypatch
):
    # given two sends of pat's organisation under way and five more of its deliveries waiting
    settings.LEDGER_WEBHOOK_SENDS_PER_ORGANISATION = 2
    register(receiver.url, ["claim.published"])
    for _ in range(7):
        claim = claim_in(ClaimStatus.SIGNED_OFF)
        publish(claim.claim_id, claim.version)
    _, [*busy, first, second, _third, _fourth, _fifth] = webhooks_collect()
    WebhookDelivery.objects.filter(pk__in=busy).update(
        lease_token="00000000-0000-4000-8000-000000000000",
        next_attempt_at=timezone.now() + LEASE,
    )

    # when one is attempted, it waits three rounds of the share (5 waiting / 2, rounded up)
    assert webhook_delivery_attempt(delivery_id=first).retry_in_seconds == 3 * DEFER_SECONDS

    # and the wait is capped
    monkeypatch.setattr(sending, "MAX_DEFER_SECONDS", 4)
    assert webhook_delivery_attempt(delivery_id=second).retry_in_seconds == 4
    assert receiver.requests == []
    assert attempts_of(first) == attempts_of(second) == []


# --- The outbox reads a batch in a fixed number of queries -----------------------------------


def published_claims(claim_in: Callable[..., Any], count: int) -> None:
    for _ in range(count):
        claim = claim_in(ClaimStatus.SIGNED_OFF)
        publish(claim.claim_id, claim.version)


def queries_to_collect() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        _, created = webhooks_collect()
    return len(queries.captured_queries), len(created)


def test_the_outbox_reads_a_batch_of_events_in_the_same_number_of_queries_as_one(claim_in):
    # given two endpoints, a consumer that has run once, then 1 and later 12 claims published
    # (3 events each)
    register("https://hooks.example/a", ["claim.published", "claim.approved"])
    register("https://hooks.example/b", ["claim.published"])
    published_claims(claim_in, 1)
    webhooks_collect()
    published_claims(claim_in, 1)
    few = queries_to_collect()
    published_claims(claim_in, 12)

    # when the consumer collects each batch
    many = queries_to_collect()

    # then the query count does not grow with the events (only the deliveries do)
    assert few[1] == 3  # approved to a; published to a and b
    assert many[1] == 36
    assert many[0] == few[0]
