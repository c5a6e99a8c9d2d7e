"""The lag from a write no API view handles (an admin action, a management command: a plain
service call) to its webhook, on a real worker with its beat (Redis, PostgreSQL).

Every commit nudges the webhook follower, so such a write is delivered as promptly as an API
write, not at the next beat tick. Run with ``-s`` to see the figures (docs/reliability.md).
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings

from config.celery import app as celery_app
from ledger.claims import ClaimStatus
from tests.api import test_webhooks
from tests.api.conftest import OWN
from tests.api.test_webhooks import publish
from tests.reliability.conftest import figures_record
from tests.reliability.test_periodic_tasks import pytestmark, receiver, workers
from tests.reliability.test_worker_faults import wait_for

# Broker, PostgreSQL, slow; real worker processes; a prompt HTTP receiver on 127.0.0.1.
__all__ = ["pytestmark", "receiver", "workers"]

WRITES = 7


def test_a_write_outside_the_api_is_delivered_without_waiting_for_the_beat(
    workers, receiver, claim_in, tmp_path
):
    # given a worker with its beat (the default intervals) and an endpoint for published claims
    celery_app.control.purge()
    test_webhooks.register(receiver.url, ["claim.published"], organisation=OWN)
    worker = workers(
        "lag", settings.CELERY_BROKER_URL, "--beat", f"--schedule={tmp_path / 'beat-schedule'}"
    )
    worker.wait_ready()

    # when claims are published one after another by a plain service call (no view)
    lags = []
    for _ in range(WRITES):
        claim = claim_in(ClaimStatus.SIGNED_OFF)
        received = len(receiver.requests)
        started = time.monotonic()
        publish(claim.claim_id, claim.version)
        wait_for(lambda: len(receiver.requests) > received, "the webhook", seconds=30)  # noqa: B023
        lags.append(time.monotonic() - started)

    # then each is delivered in well under a beat interval
    median = statistics.median(lags)
    figures_record(
        "webhook-lag",
        writes=WRITES,
        median_seconds=round(median, 3),
        max_seconds=round(max(lags), 3),
    )
    assert median < 1.5
