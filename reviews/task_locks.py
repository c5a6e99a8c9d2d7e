"""Single-flight locks of periodic tasks: at most one run of a task at a time, for a bounded time.

Beat sends a periodic task on its schedule whether or not the last run has finished; without a
lock, a backlog turns every tick into another run doing the same work (the queue filled with
redundant dispatches). A run first takes its task's lock: one conditional UPDATE that succeeds
only when the lock is free or its lifetime has passed, so a run whose worker died frees the lock
by itself. The release names the run's token, so a run that outlived its lock cannot free the
lock of the run that took it over.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from reviews.models import TaskLock


def task_lock_acquire(*, name: str, seconds: float) -> uuid.UUID | None:
    """Take ``name``'s lock for ``seconds``; return its token, or ``None`` if a run holds it."""
    now = timezone.now()
    token = uuid.uuid4()
    with transaction.atomic():
        TaskLock.objects.get_or_create(name=name)
        taken = (
            TaskLock.objects.filter(name=name)
            .filter(Q(held_until__isnull=True) | Q(held_until__lte=now))
            .update(token=token, held_until=now + datetime.timedelta(seconds=seconds))
        )
    return token if taken else None


def task_lock_release(*, name: str, token: uuid.UUID) -> bool:
    """Free ``name``'s lock if ``token`` still holds it; return whether it did."""
    freed = TaskLock.objects.filter(name=name, token=token).update(token=None, held_until=None)
    return freed == 1
