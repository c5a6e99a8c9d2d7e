"""A webhook receiver that hangs past the timeout or answers 500: backoff, then failed, visible.

``tests/api/test_webhooks.py`` covers 5xx retries and the last attempt at the service level;
this adds receivers that time out, the retry countdowns the Celery task schedules, and the
failed delivery with every attempt as the publisher sees it over the API.
"""

from __future__ import annotations

import datetime
import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.services import claim_command
from reviews import tasks as review_tasks
from reviews.models import WebhookDelivery
from reviews.webhooks import delivery as sending
from reviews.webhooks.delivery import MAX_ATTEMPTS, backoff_seconds
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import webhooks_collect
from tests.actors import publisher_actor
from tests.api.conftest import OWN
from tests.claims import SYSTEM
from tests.reliability.conftest import figures_record

pytestmark = pytest.mark.django_db

SEND_TIMEOUT_SECONDS = 0.5
HANG_SECONDS = 2.0


class FaultyReceiver:
    """Answers attempt n with ``plan[n]``: ``"hang"`` (no answer within the timeout) or a status.

    It counts the requests it holds at once (``most_in_flight``).
    """

    def __init__(self, plan: list[str | int], hang_seconds: float = HANG_SECONDS) -> None:
        self.plan = list(plan)
        self.received = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.received += 1
                    receiver.in_flight += 1
                    receiver.most_in_flight = max(receiver.most_in_flight, receiver.in_flight)
                    action = receiver.plan.pop(0) if receiver.plan else 200
                if action == "hang":
                    time.sleep(hang_seconds)
                    action = 200  # too late if the sender gave up
                with receiver.lock:
                    receiver.in_flight -= 1
                try:
                    self.send_response(int(action))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender closed the connection

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


PLAN: list[str | int] = ["hang", 500] * (MAX_ATTEMPTS // 2)


@pytest.fixture
def receiver(monkeypatch) -> Iterator[FaultyReceiver]:
    monkeypatch.setattr(sending, "SEND_TIMEOUT_SECONDS", SEND_TIMEOUT_SECONDS)
    running = FaultyReceiver(PLAN)
    yield running
    running.close()


def test_a_receiver_that_times_out_or_fails_is_retried_with_backoff_then_failed_visibly(
    people, claim_in, client_for, receiver, monkeypatch
):
    # given pat's endpoint for publications, and a claim published
    endpoint, _ = webhook_endpoint_register(
        actor=publisher_actor(organisation=OWN, username="pat"),
        url=receiver.url,
        event_types=["claim.published"],
    )
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    claim_command(
        claim_id=claim.claim_id,
        expected_version=claim.version,
        event=ev.ClaimPublished(url="https://checks.example/p"),
        metadata=SYSTEM,
    )
    _, [delivery_id] = webhooks_collect()
    countdowns: list[int] = []
    monkeypatch.setattr(
        review_tasks.webhook_deliver,
        "apply_async",
        lambda args, countdown: countdowns.append(countdown),
    )

    # when the delivery task runs each time its retry falls due
    gaps = []
    for _ in range(MAX_ATTEMPTS):
        review_tasks.webhook_deliver.run(delivery_id)
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        if delivery.next_attempt_at is not None:
            last = delivery.attempts.order_by("-number")[0]
            gaps.append(round((delivery.next_attempt_at - last.attempted_at).total_seconds()))
            WebhookDelivery.objects.filter(pk=delivery_id).update(
                next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
            )
    review_tasks.webhook_deliver.run(delivery_id)  # after the last attempt: nothing is sent

    # then every attempt reached the receiver, waits doubled, and the delivery failed for good
    expected_backoff = [backoff_seconds(n) for n in range(1, MAX_ATTEMPTS)]
    assert receiver.received == MAX_ATTEMPTS
    assert countdowns == expected_backoff == [30, 60, 120, 240, 480, 960, 1920]
    assert gaps == expected_backoff

    # and the publisher sees it failed, with each attempt's outcome, over the API
    client = client_for("pat")
    [shown] = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    assert shown["status"] == "failed"
    assert shown["attempt_count"] == MAX_ATTEMPTS
    assert shown["next_attempt_at"] is None
    attempts = shown["attempts"]
    assert [a["number"] for a in attempts] == list(range(1, MAX_ATTEMPTS + 1))
    assert [a["response_status"] for a in attempts] == [None, 500] * (MAX_ATTEMPTS // 2)
    assert all("timed out" in a["error"] for a in attempts[0::2])
    assert all(a["error"] == "HTTP 500" for a in attempts[1::2])
    figures_record(
        "webhook-faults",
        faults_injected=MAX_ATTEMPTS,
        timeouts=MAX_ATTEMPTS // 2,
        http_500=MAX_ATTEMPTS // 2,
        attempts_recorded=len(attempts),
        final_status=shown["status"],
    )
