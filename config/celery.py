"""The Celery application. Configuration comes from Django settings (``CELERY_*``).

Every task is a ``LedgerTask``: one whose ``single_flight_seconds`` is set (the periodic tasks,
through ``CELERY_TASK_ANNOTATIONS`` in the settings) runs one at a time, under a lock in the
database held at most that long (``reviews.task_locks``); a run that finds the lock taken does
nothing, as the run under way (or the next tick) does the work.
"""

import logging
import os
from typing import Any

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)


class LedgerTask(Task[Any, Any]):
    single_flight_seconds: float | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self.single_flight_seconds:
            return super().__call__(*args, **kwargs)
        from reviews.task_locks import task_lock_acquire, task_lock_release

        token = task_lock_acquire(name=self.name, seconds=self.single_flight_seconds)
        if token is None:
            logger.info(
                "skipped %s[%s]: another run holds its single-flight lock",
                self.name,
                self.request.id,
            )
            return None
        try:
            return super().__call__(*args, **kwargs)
        finally:
            task_lock_release(name=self.name, token=token)


app: Celery = Celery("claims_ledger", task_cls=LedgerTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
