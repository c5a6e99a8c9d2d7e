"""The matching consumer's one Celery task, and the after-commit hook that queues it.

Idempotent by design (a durable cursor, one stream per claim pair suggested at version 0), so
the task acknowledges late and retries only errors that can pass, as the contradiction tasks do.
"""

from __future__ import annotations

from celery import shared_task

from ledger.store import RecordedEvent
from reviews.contradictions.services import task_nudge_now
from reviews.matching import services
from reviews.tasks import BATCHES_PER_TASK, MAX_RETRIES, RETRYABLE_ERRORS


@shared_task(
    acks_late=True,
    autoretry_for=RETRYABLE_ERRORS,
    max_retries=MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
)
def matching_consume_task() -> int:
    """Nudged after a claim commits: follow the event log and suggest matches of new claims."""
    return services.matching_consume(max_batches=BATCHES_PER_TASK)


def matching_after_commit(recorded: list[RecordedEvent]) -> None:
    """The ``ledger.store`` after-commit hook: a claim was recorded, so nudge the consumer."""
    task_nudge_now(
        matching_consume_task,
        what="the matching of new claims",
        catch_up="the next nudge catches up from the matching cursor",
    )
