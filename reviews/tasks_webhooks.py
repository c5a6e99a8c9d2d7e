"""Celery tasks that turn events into webhook deliveries and send them (thin: one service each).

``webhooks_dispatch`` follows the event log (kicked after API writes, and by beat so events
written elsewhere are never missed); ``webhook_deliver`` sends one delivery and schedules its
retry (or its turn, when its organisation has its share of sends under way);
``webhooks_retry_due`` re-enqueues pending deliveries whose task message was lost. The dispatch
and the retry sweep are periodic: every send of them expires after one beat interval and runs
one at a time (``PERIODIC_TASKS`` in the settings), so a kick that finds a dispatch under way
does nothing and the events it was for are read by that run or the next tick.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from reviews.webhooks import (
    webhook_deliveries_due,
    webhook_delivery_attempt,
    webhooks_collect,
)

logger = logging.getLogger(__name__)

MAX_BATCHES_PER_RUN = 20  # bounds one task's work; the next kick or beat tick continues
RETRY_SWEEP_LIMIT = 500


def enqueue_safely(task: object, *args: str) -> None:
    """Enqueue; a broker outage is logged, not raised: the beat sweeps catch up later."""
    try:
        task.delay(*args)  # type: ignore[attr-defined]
    except Exception:  # the broker's connection errors vary by transport
        logger.warning("could not enqueue %s%s; the periodic sweep will retry", task, args)


def kick_webhooks_after_commit() -> None:
    """Ask for a dispatch once the current transaction commits (no task in an open one)."""
    transaction.on_commit(lambda: enqueue_safely(webhooks_dispatch))


@shared_task(ignore_result=True)
def webhooks_dispatch() -> int:
    """Turn new events into deliveries and enqueue their sending; return the events read."""
    total = 0
    for _ in range(MAX_BATCHES_PER_RUN):
        handled, created = webhooks_collect()
        total += handled
        for delivery_id in created:
            enqueue_safely(webhook_deliver, delivery_id)
        if handled == 0:
            break
    return total


@shared_task(ignore_result=True)
def webhook_deliver(delivery_id: str) -> None:
    result = webhook_delivery_attempt(delivery_id=delivery_id)
    if result.retry_in_seconds is not None:
        try:
            webhook_deliver.apply_async(args=(delivery_id,), countdown=result.retry_in_seconds)
        except Exception:
            logger.warning("could not schedule the retry of %s; the sweep will", delivery_id)


@shared_task(ignore_result=True)
def webhooks_retry_due() -> int:
    due = webhook_deliveries_due(limit=RETRY_SWEEP_LIMIT)
    for delivery_id in due:
        enqueue_safely(webhook_deliver, delivery_id)
    return len(due)
