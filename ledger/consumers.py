"""Following the event log with a durable cursor: each event is handled once, in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction

from ledger.models import ConsumerCursor
from ledger.store import RecordedEvent, read_all


def consumer_run_batch(
    *,
    consumer: str,
    handle: Callable[[RecordedEvent], None],
    batch_size: int,
    types: Sequence[str] | None = None,
) -> int:
    """Handle the next events after ``consumer``'s cursor and advance it; return how many.

    The handler's database writes and the cursor move commit together, and the cursor row is
    locked for the batch, so concurrent workers never handle the same event twice and a crash
    mid-batch leaves the cursor where it was (the batch is handled again, as a whole).
    """
    with transaction.atomic():
        ConsumerCursor.objects.get_or_create(name=consumer)
        cursor = ConsumerCursor.objects.select_for_update().get(name=consumer)
        batch = list(read_all(after_position=cursor.position, types=types, limit=batch_size))
        for recorded in batch:
            handle(recorded)
        if batch:
            cursor.position = batch[-1].position
            cursor.save(update_fields=["position", "updated_at"])
    return len(batch)
