"""Following the event log with a durable cursor: each event is handled once, in order.

Two ways to follow it:

- ``consumer_run_whole_batch``: the handler's writes and the cursor move commit in one
  transaction per batch. Right for handlers that only write their own rows (the webhook
  collector); a handler must not append events there, or the append lock would be held until
  the batch commits.
- ``consumer_follow_batch``: no transaction spans the batch. The handler commits its own writes
  in short transactions and must be idempotent; it may move the cursor to its event once that
  event's effects have committed (``consumer_advance``). Right for handlers that append events
  (the contradiction detector): an append inside a batch transaction would hold the global
  append lock until the whole batch commits
  (docs/adr/0025-contradiction-flags-outside-the-batch.md).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence

from django.db import connection, transaction
from django.utils import timezone

from ledger.events import DataRedacted, Metadata
from ledger.followers import LEASE_LOCK_CLASS, follower_named, lease_key
from ledger.models import ConsumerCursor
from ledger.reading import RecordedEvent, read_all


def _follower_types(name: str) -> list[str]:
    """The event types follower ``name`` (``ledger.followers.FOLLOWERS``) reads, sorted."""
    return sorted(follower_named(name).event_types)


def consumer_run_whole_batch(
    *,
    consumer: str,
    handle_batch: Callable[[list[RecordedEvent]], None],
    batch_size: int,
) -> int:
    """Hand the next events after ``consumer``'s cursor to ``handle_batch`` at once; advance it.
    ``consumer`` is a follower of ``ledger.followers.FOLLOWERS``; it reads that follower's types.

    Returns how many events were read. The handler's database writes and the cursor move commit
    together, and the cursor row is locked for the batch, so concurrent workers never handle the
    same event twice and a crash mid-batch leaves the cursor where it was (the batch is handled
    again, as a whole). A handler given the whole batch can read what it needs for every event
    in one query per batch instead of one per event.
    """
    with transaction.atomic():
        ConsumerCursor.objects.get_or_create(name=consumer)
        cursor = ConsumerCursor.objects.select_for_update().get(name=consumer)
        batch = list(
            read_all(
                after_position=cursor.position, types=_follower_types(consumer), limit=batch_size
            )
        )
        if batch:
            handle_batch(batch)
            cursor.position = batch[-1].position
            cursor.save(update_fields=["position", "updated_at"])
    return len(batch)


@contextlib.contextmanager
def consumer_lease(*, consumer: str) -> Iterator[int]:
    """Be the only runner of ``consumer`` until the block ends; yields its cursor position.

    On PostgreSQL a session-level advisory lock: it spans the short transactions of a batch
    without holding one open, a second worker waits for it, and it is released when the block
    ends or, if the worker dies, when its connection closes. It is the same lock as the
    follower's lease (``ledger.followers.follower_run``), which a session may take again.
    SQLite (the embedded mode, one process) needs no lease: its writes are serialized by the
    database file's lock.
    """
    ConsumerCursor.objects.get_or_create(name=consumer)
    leased = connection.vendor == "postgresql"
    if leased:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s, %s)", [LEASE_LOCK_CLASS, lease_key(consumer)]
            )
    try:
        yield ConsumerCursor.objects.values_list("position", flat=True).get(name=consumer)
    finally:
        if leased:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)",
                    [LEASE_LOCK_CLASS, lease_key(consumer)],
                )


def consumer_advance(*, consumer: str, position: int) -> None:
    """Move the cursor forward to ``position`` (never back)."""
    ConsumerCursor.objects.filter(name=consumer, position__lt=position).update(
        position=position, updated_at=timezone.now()
    )


def follower_metadata(*, recorded: RecordedEvent, actor: str) -> Metadata:
    """Who and what caused the events a follower appends because of ``recorded``: ``actor``
    (a worker) through the worker, in ``recorded``'s request (its correlation id, a new one if
    it had none), caused by ``recorded`` (its position)."""
    return Metadata(
        actor=actor,
        via="worker",
        correlation_id=str(recorded.metadata.get("correlation_id") or uuid.uuid4()),
        causation_id=str(recorded.position),
    )


def redacted_stream_ids(batch: Sequence[RecordedEvent]) -> set[str]:
    """The streams (claims) a follower's batch of events redacted a field of (DataRedacted)."""
    return {
        recorded.event.stream_id for recorded in batch if isinstance(recorded.event, DataRedacted)
    }


def consumer_follow_batch(
    *,
    consumer: str,
    handle_batch: Callable[[list[RecordedEvent]], None],
    batch_size: int,
    types: Sequence[str] | None = None,
) -> int:
    """Hand the next events after ``consumer``'s cursor to ``handle_batch``, then advance it;
    return how many.

    The handler gets the whole batch at once (never an empty one), so it can read what the
    batch needs in one query and append the batch's events in one ``append_many``. Holds the
    consumer's lease (``consumer_lease``), never a transaction: the handler commits its own
    writes, each in a short transaction, and must be idempotent, since a crash mid-batch leaves
    the cursor at the last event the handler moved it to (``consumer_advance``) and the events
    after it, the one that was being handled included, are handled again. The cursor moves to
    the batch's last event at the end.
    """
    with consumer_lease(consumer=consumer) as position:
        batch = list(read_all(after_position=position, types=types, limit=batch_size))
        if batch:
            handle_batch(batch)
            consumer_advance(consumer=consumer, position=batch[-1].position)
    return len(batch)


def consumer_follow(
    *,
    consumer: str,
    handle_batch: Callable[[list[RecordedEvent]], None],
    batch_size: int,
    max_batches: int = 0,
) -> int:
    """``consumer_follow_batch`` of follower ``consumer``'s types until caught up (a batch
    shorter than ``batch_size``), or for ``max_batches`` batches (0: no limit), so one call
    never runs for ever behind a busy log; return the events handled."""
    types = _follower_types(consumer)
    handled = batches = 0
    while True:
        count = consumer_follow_batch(
            consumer=consumer, handle_batch=handle_batch, batch_size=batch_size, types=types
        )
        handled += count
        batches += 1
        if count < batch_size or (max_batches and batches >= max_batches):
            return handled
