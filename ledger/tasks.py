"""Celery tasks of the ledger: thin wrappers around one service call each."""

from __future__ import annotations

from celery import shared_task

from ledger import followers
from ledger.checkpoints import checkpoint_record


@shared_task(name="ledger.record_checkpoint")
def record_checkpoint() -> str | None:
    """Periodic (CELERY_BEAT_SCHEDULE): record the ledger's head as a checkpoint.

    Idempotent: with no new events it returns the latest checkpoint. Not retried: the next beat
    runs it again, and a broken chain needs a person, not a retry.
    """
    checkpoint = checkpoint_record()
    return str(checkpoint) if checkpoint is not None else None


@shared_task(name="ledger.followers_sweep")
def followers_sweep() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): send every follower's task, so a lost nudge only delays.

    Each follower reads on from its durable cursor; one with nothing new returns at once.
    """
    return followers.followers_sweep()
