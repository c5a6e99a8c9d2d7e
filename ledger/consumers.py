"""Following the event log with a durable cursor: each event is handled once, in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from ledger.models import ConsumerCursor
from ledger.store import RecordedEvent, read_all


def consumer_run_whole_batch(
    *,
    consumer: str,
    handle_batch: Callable[[list[RecordedEvent]], None],
    batch_size: int,
    types: Sequence[str] | None = None,
) -> int:
    """Hand the next events after ``consumer``'s cursor to ``handle_batch`` at once; advance it.

    Returns how many events were read. The handler's database writes and the cursor move commit
    together, and the cursor row is locked for the batch, so concurrent workers never handle the
    same event twice and a crash mid-batch leaves the cursor where it was (the batch is handled
    again, as a whole). A handler given the whole batch can read what it needs for every event
    in one query per batch instead of one per event.
    """
    with transaction.atomic():
        ConsumerCursor.objects.get_or_create(name=consumer)
        cursor = ConsumerCursor.objects.select_for_update().get(name=consumer)
        batch = list(read_all(after_position=cursor.position, types=types, limit=batch_size))
        if batch:
            handle_batch(batch)
            cursor.position = batch[-1].position
            cursor.save(update_fields=["position", "updated_at"])
    return len(batch)


def consumer_run_batch(
    *,
    consumer: str,
    handle: Callable[[RecordedEvent], None],
    batch_size: int,
    types: Sequence[str] | None = None,
) -> int:
    """Like ``consumer_run_whole_batch``, handing the events to ``handle`` one by one."""

    def handle_each(batch: list[RecordedEvent]) -> None:
        for recorded in batch:
            handle(recorded)

    return consumer_run_whole_batch(
        consumer=consumer, handle_batch=handle_each, batch_size=batch_size, types=types
    )
