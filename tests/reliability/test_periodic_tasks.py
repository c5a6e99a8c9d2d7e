"""Periodic tasks and webhook sends on real Celery workers (Redis, PostgreSQL).

- Redundant dispatches sent at once run one at a time (the single-flight lock): one body runs,
  the others do nothing.
- Beat ticking every second at a dispatch that takes 3 s: runs never overlap, ticks nobody
  started in time expire, the queue stays short, and a contradiction check sent meanwhile runs
  at once instead of waiting behind a pile of dispatches.
- Ticks sent while no worker runs expire: a worker that starts later discards them.
- A worker SIGKILLed mid-send leaves its attempt listed; the next lease marks it interrupted.
- One organisation's slow endpoints take at most its share of the worker's processes: another
  organisation's delivery queued behind eight slow ones goes out at once.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import app as celery_app
from ledger import followers
from ledger.claims import ClaimStatus
from reviews import tasks as review_tasks
from reviews.models import WebhookDelivery
from reviews.tasks import contradictions_follow
from reviews.webhooks.delivery import INTERRUPTED_ERROR
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import webhooks_collect
from tests.actors import publisher_actor
from tests.api import test_webhooks
from tests.api.conftest import OTHER, OWN
from tests.api.test_webhooks import publish
from tests.reliability import test_worker_faults
from tests.reliability.conftest import figures_record
from tests.reliability.test_webhook_faults import FaultyReceiver
from tests.reliability.test_worker_faults import wait_for

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.usefixtures("ledger_transactional_db"),
]

workers = test_worker_faults.workers  # real worker processes, stopped after each test
receiver = test_webhooks.receiver  # a prompt HTTP receiver on 127.0.0.1

DISPATCH_SECONDS = 3
SKIPPED = "skipped follower webhooks: another run holds its lease"
DISCARDED = "Discarding revoked task: reviews.tasks.webhooks_follow["


def dispatch_runs(marker: Path) -> list[tuple[float, float]]:
    """(start, end) of each dispatch body the slowed worker ran, in order."""
    if not marker.exists():
        return []
    lines = marker.read_text(encoding="utf-8").split()
    times = [float(value) for value in lines[1::2]]
    return list(zip(times[0::2], times[1::2], strict=False))


def slow_dispatch_worker(workers, tmp_path, name: str, *options: str, **environment: str):
    marker = tmp_path / f"{name}-dispatch"
    worker = workers(
        name,
        settings.CELERY_BROKER_URL,
        *options,
        FAULT_SLOW_DISPATCH=str(DISPATCH_SECONDS),
        FAULT_DISPATCH_MARKER=str(marker),
        **environment,
    )
    return worker, marker


def test_redundant_dispatches_sent_at_once_run_one_at_a_time(workers, tmp_path):
    # given a worker with three processes and a dispatch that takes 3 s
    celery_app.control.purge()
    worker, marker = slow_dispatch_worker(workers, tmp_path, "dispatcher", "--concurrency=3")
    worker.wait_ready()

    # when six dispatches are sent at once
    sent = [review_tasks.webhooks_follow.apply_async(expires=60) for _ in range(6)]
    wait_for(
        lambda: all(worker.logged(f"[{task.id}] succeeded") for task in sent), "six dispatches"
    )

    # then one ran its body and the five others did nothing
    assert len(dispatch_runs(marker)) == 1
    log = worker.log.read_text(encoding="utf-8")
    assert log.count(SKIPPED) == 5


def test_beat_ticking_faster_than_a_dispatch_runs_never_piles_up(workers, tmp_path):
    # given beat sending a dispatch every second to two processes, and a dispatch taking 3 s
    celery_app.control.purge()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    worker, marker = slow_dispatch_worker(
        workers,
        tmp_path,
        "beat",
        "--concurrency=2",
        "--beat",
        f"--schedule={tmp_path / 'beat-schedule'}",
        FOLLOWERS_SWEEP_SECONDS="1",
    )
    worker.wait_ready()
    wait_for(lambda: len(dispatch_runs(marker)) >= 1, "the first dispatch")

    # when it runs for about 12 s, and a contradiction check is sent in the middle
    queue_lengths = []
    check_latency = None
    check = None
    started = time.monotonic()
    while time.monotonic() - started < 12:
        queue_lengths.append(int(broker.llen("celery")))
        if check is None and time.monotonic() - started > 5:
            check_sent = time.monotonic()
            check = contradictions_follow.delay()
        if check is not None and check_latency is None and worker.logged(f"[{check.id}] succeeded"):
            check_latency = time.monotonic() - check_sent
        time.sleep(0.1)
    worker.stop()

    # then the dispatch bodies never overlapped and nothing queued up behind them
    runs = dispatch_runs(marker)
    assert all(later_start >= end for (_, end), (later_start, _) in itertools.pairwise(runs))
    assert 3 <= len(runs) <= 6
    log = worker.log.read_text(encoding="utf-8")
    skipped, expired = log.count(SKIPPED), log.count(DISCARDED)
    # Follower tasks acknowledge late: while the 3 s webhook run holds one of the two prefetch
    # slots, a sweep's messages may wait for the other process; they expire after one interval,
    # so the queue never holds more than one sweep's sends (one per follower).
    assert max(queue_lengths) <= len(followers.FOLLOWERS)
    assert check_latency is not None
    assert check_latency < 3
    figures_record(
        "periodic-congestion",
        beat_interval_seconds=1,
        dispatch_seconds=DISPATCH_SECONDS,
        dispatch_bodies_run=len(runs),
        overlapping_runs=0,
        ticks_skipped_by_the_lock=skipped,
        ticks_expired=expired,
        max_queue_length=max(queue_lengths),
        contradiction_check_latency_seconds=round(check_latency, 2),
    )


def test_ticks_sent_while_no_worker_runs_expire(workers, tmp_path):
    # given three sweeps sent with no worker running (each send expires after one interval)
    celery_app.control.purge()
    for _ in range(3):
        assert followers.followers_sweep() == len(followers.FOLLOWERS)
    time.sleep(settings.CELERY_BEAT_SCHEDULE["ledger-followers-sweep"]["schedule"] + 1)

    # when a worker starts
    worker, marker = slow_dispatch_worker(workers, tmp_path, "late")
    worker.wait_ready()

    # then it discards them, and no dispatch body runs
    wait_for(
        lambda: worker.log.read_text(encoding="utf-8").count(DISCARDED) == 3, "the three ticks"
    )
    assert dispatch_runs(marker) == []


def test_a_worker_killed_mid_send_leaves_its_attempt_listed_and_then_interrupted(
    workers, claim_in, client_for
):
    # given a delivery to a receiver that hangs on its first request
    celery_app.control.purge()
    receiver = FaultyReceiver(["hang", 200])
    try:
        endpoint, _ = webhook_endpoint_register(
            actor=publisher_actor(organisation=OWN, username="pat"),
            url=receiver.url,
            event_types=["claim.published"],
        )
        claim = claim_in(ClaimStatus.SIGNED_OFF)
        publish(claim.claim_id, claim.version)
        _, [delivery_id] = webhooks_collect()
        first = workers("sender", settings.CELERY_BROKER_URL)
        first.wait_ready()

        # when its worker is SIGKILLed while the send is under way
        review_tasks.webhook_deliver.delay(delivery_id)
        wait_for(lambda: receiver.received == 1, "the send to start")
        first.kill()

        # then the attempt counts and is listed
        client = client_for("pat")
        deliveries_url = f"/api/v1/webhooks/{endpoint.pk}/deliveries/"
        [shown] = client.get(deliveries_url).json()["results"]
        assert shown["attempt_count"] == len(shown["attempts"]) == 1
        assert shown["attempts"][0]["outcome"] == "sending"

        # when the lease has expired and a new worker retries it
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=None)
        second = workers("retrier", settings.CELERY_BROKER_URL)
        second.wait_ready()
        retried = review_tasks.webhook_deliver.delay(delivery_id)
        wait_for(lambda: second.logged(f"[{retried.id}] succeeded"), "the retry")

        # then the killed attempt is listed as interrupted, and the count and the list agree
        [shown] = client.get(deliveries_url).json()["results"]
        assert shown["status"] == "succeeded"
        assert shown["attempt_count"] == len(shown["attempts"]) == 2
        assert [(a["outcome"], a["error"]) for a in shown["attempts"]] == [
            ("interrupted", INTERRUPTED_ERROR),
            ("succeeded", ""),
        ]
        assert receiver.received == 2
    finally:
        receiver.close()
    figures_record(
        "webhook-worker-killed-mid-send",
        faults_injected=1,
        attempts_counted=shown["attempt_count"],
        attempts_listed=len(shown["attempts"]),
        outcomes=[a["outcome"] for a in shown["attempts"]],
    )


SLOW_SECONDS = 5
SLOW_ENDPOINTS = 4


def test_one_organisations_slow_endpoints_do_not_hold_back_another_organisations_delivery(
    workers, claim_in, receiver
):
    # given four slow endpoints of pat's organisation (5 s per answer), a prompt one of gina's,
    # eight deliveries of pat's queued first, and a worker with four processes
    celery_app.control.purge()
    hangs: list[str | int] = ["hang" for _ in range(2 * SLOW_ENDPOINTS)]
    slow = FaultyReceiver(hangs, hang_seconds=SLOW_SECONDS)
    try:
        for number in range(SLOW_ENDPOINTS):
            webhook_endpoint_register(
                actor=publisher_actor(organisation=OWN, username="pat"),
                url=f"{slow.url}/{number}",
                event_types=["claim.published"],
            )
        webhook_endpoint_register(
            actor=publisher_actor(organisation=OTHER, username="gina"),
            url=receiver.url,
            event_types=["claim.published"],
        )
        for publisher in (OWN, OWN, OTHER):
            claim = claim_in(ClaimStatus.SIGNED_OFF, publisher=publisher)
            publish(claim.claim_id, claim.version)
        _, [*own, other] = webhooks_collect()
        assert len(own) == 2 * SLOW_ENDPOINTS
        worker = workers("senders", settings.CELERY_BROKER_URL, "--concurrency=4")
        worker.wait_ready()

        # when pat's deliveries are sent, then gina's
        for delivery_id in own:
            review_tasks.webhook_deliver.delay(delivery_id)
        wait_for(lambda: slow.received >= 1, "pat's first send")
        sent_at = time.monotonic()
        review_tasks.webhook_deliver.delay(other)
        wait_for(lambda: len(receiver.requests) == 1, "gina's delivery")
        latency = time.monotonic() - sent_at
        wait_for(
            lambda: (
                WebhookDelivery.objects.filter(pk__in=own, status="succeeded").count() == len(own)
            ),
            "pat's deliveries",
            seconds=120,
        )

        # then gina's went out at once, pat's never had more than its share under way, and
        # every delivery of pat's still went out, once
        assert latency < SLOW_SECONDS
        assert slow.most_in_flight == settings.LEDGER_WEBHOOK_SENDS_PER_ORGANISATION == 2
        assert slow.received == len(own)
        figures_record(
            "webhook-fairness",
            slow_endpoints=SLOW_ENDPOINTS,
            slow_answer_seconds=SLOW_SECONDS,
            worker_processes=4,
            slow_deliveries_queued_first=len(own),
            other_organisation_latency_seconds=round(latency, 2),
            most_slow_sends_at_once=slow.most_in_flight,
        )
    finally:
        slow.close()
