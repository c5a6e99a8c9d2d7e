"""Celery tasks of ``reviews``: thin wrappers, one service call each.

Contradiction work is idempotent by design (a durable cursor plus one stream per claim pair at
an expected version), so the tasks acknowledge late: a worker killed mid-task leaves the message
to be redelivered, and redelivery flags nothing twice. Only database errors that can pass
(lost connection, lock timeout, serialization failure, a concurrent append) are retried.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from ledger.exceptions import ConcurrencyConflict
from reviews.contradictions import services

RETRYABLE_ERRORS = (OperationalError, InterfaceError, ConcurrencyConflict)
MAX_RETRIES = 5
BATCHES_PER_TASK = 50


@shared_task(
    acks_late=True,
    autoretry_for=RETRYABLE_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
)
def contradictions_consume_task() -> int:
    """Nudged after a claim commits: follow the event log and check new or revised claims."""
    return services.contradictions_consume(max_batches=BATCHES_PER_TASK)


@shared_task(
    acks_late=True,
    autoretry_for=RETRYABLE_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=60,
)
def contradictions_sweep() -> int:
    """Periodic (beat): catch up with anything committed while no nudge got through."""
    return services.contradictions_consume(max_batches=BATCHES_PER_TASK)
