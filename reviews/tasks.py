"""Celery tasks of ``reviews``: thin wrappers, one service call each.

Four of them advance followers of the event log (``ledger.followers.FOLLOWERS`` names them):
each runs under its follower's lease (``follower_run``), nudged after every commit that
appended what it reads and swept periodically, so a lost nudge only delays.

Every follower is idempotent by design, so its task acknowledges late (``follower_task``): a
worker killed mid-task leaves the message to be redelivered, and redelivery resumes from the
cursor, flagging nothing and creating no delivery twice. Only database errors that can pass
(lost connection, lock timeout, serialization failure, a concurrent append) are retried.

Webhooks: ``webhooks_follow`` turns new events into deliveries (each (endpoint, event) once,
written with the cursor move; the delivery's id is its idempotency key, sent as
``Webhook-Id``) and enqueues their sending; ``webhook_deliver`` sends one delivery
and schedules its retry (or its turn, when its organisation has its share of sends under way);
``webhooks_retry_due`` re-enqueues pending deliveries whose task message was lost.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from ledger.exceptions import ConcurrencyConflict
from ledger.followers import follower_run, task_send
from reviews.contradictions import services
from reviews.erasure import CONSUMER_NAME as RESPONSES_FOLLOWER
from reviews.erasure import idempotent_responses_follow as responses_follow
from reviews.matching import services as matching
from reviews.webhooks.delivery import DELIVER_TASK, webhook_delivery_attempt
from reviews.webhooks.outbox import CONSUMER_NAME as WEBHOOKS_FOLLOWER
from reviews.webhooks.outbox import webhook_deliveries_due, webhooks_collect

logger = logging.getLogger(__name__)

RETRYABLE_ERRORS = (OperationalError, InterfaceError, ConcurrencyConflict)
MAX_RETRIES = 5
BATCHES_PER_TASK = 50
MAX_WEBHOOK_BATCHES_PER_RUN = 20  # bounds one task's work; the next nudge or sweep continues
RETRY_SWEEP_LIMIT = 500


# How every follower's task is declared. A follower is idempotent by design (its durable
# cursor moves in the transaction of its batch's work, and what it writes is unique per event:
# one stream per claim pair at an expected version, one delivery per (endpoint, event)), so
# its task acknowledges late: a worker killed mid-batch leaves the message to be redelivered,
# and the redelivered run resumes from the cursor, doing nothing twice.
follower_task = shared_task(
    acks_late=True,
    autoretry_for=RETRYABLE_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
)


@follower_task
def contradictions_follow() -> int | None:
    """Follow the log: index new, revised or redacted claims and check them for contradictions."""
    return follower_run(
        name=services.CONSUMER_NAME,
        advance=lambda: services.contradictions_consume(max_batches=BATCHES_PER_TASK),
    )


@follower_task
def matching_follow() -> int | None:
    """Follow the log: suggest the stored claims each newly recorded claim matches (idempotent
    like the contradiction work: one stream per claim pair, suggested at version 0)."""
    return follower_run(
        name=matching.CONSUMER_NAME,
        advance=lambda: matching.matching_consume(max_batches=BATCHES_PER_TASK),
    )


def _webhooks_dispatch() -> int:
    total = 0
    for _ in range(MAX_WEBHOOK_BATCHES_PER_RUN):
        handled, created = webhooks_collect()
        total += handled
        task_send(DELIVER_TASK, [(delivery_id,) for delivery_id in created])
        if handled == 0:
            break
    return total


@follower_task
def webhooks_follow() -> int | None:
    """Turn new events into deliveries and enqueue their sending; return the events read."""
    return follower_run(name=WEBHOOKS_FOLLOWER, advance=_webhooks_dispatch)


@follower_task
def idempotent_responses_follow() -> int | None:
    """Purge the stored API responses that hold text a DataRedacted event removed."""
    return follower_run(name=RESPONSES_FOLLOWER, advance=responses_follow)


@shared_task(name=DELIVER_TASK, ignore_result=True)
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
    task_send(DELIVER_TASK, [(delivery_id,) for delivery_id in due])
    return len(due)
