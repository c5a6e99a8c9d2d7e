"""Periodic tasks expire after their interval and run one at a time; followers run under a lease."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.conf import settings
from django.db import connection

from config.celery import LedgerTask
from config.celery import app as celery_app
from ledger import events as ev
from ledger import followers
from ledger import tasks as ledger_tasks
from ledger.followers import FOLLOWERS
from ledger.models import ConsumerCursor
from ledger.store import append
from reviews import tasks as review_tasks
from tests.claims import SYSTEM

BEAT_TASKS = {
    "ledger-followers-sweep": ledger_tasks.followers_sweep,
    "ledger-record-checkpoint": ledger_tasks.record_checkpoint,
    "webhooks-retry-due": review_tasks.webhooks_retry_due,
}


def test_every_beat_entry_expires_after_its_interval_and_is_single_flight():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert set(schedule) == set(BEAT_TASKS)
    for name, task in BEAT_TASKS.items():
        entry = schedule[name]
        assert entry["task"] == task.name
        assert entry["options"] == {"expires": entry["schedule"]}
        registered = celery_app.tasks[task.name]
        assert isinstance(registered, LedgerTask)
        assert registered.expires == entry["schedule"]  # sends outside beat expire too
        assert registered.single_flight_seconds is not None
        assert registered.single_flight_seconds > 0


def test_followers_tasks_have_no_lock_that_could_outlive_a_worker():
    # a follower runs under its lease, which dies with its worker's connection
    for follower in FOLLOWERS:
        registered = celery_app.tasks[follower.task]
        assert isinstance(registered, LedgerTask)
        assert registered.single_flight_seconds is None
        assert registered.expires is None  # only the sends of nudges and sweeps expire
    deliver = celery_app.tasks[review_tasks.webhook_deliver.name]
    assert isinstance(deliver, LedgerTask)
    assert deliver.single_flight_seconds is None


@pytest.mark.postgres
@pytest.mark.usefixtures("ledger_transactional_db")
def test_a_follower_run_that_finds_its_lease_taken_does_nothing_and_the_next_one_works():
    # given an event for the webhook follower, and a run of it under way on another connection
    append(
        stream_id=str(uuid.uuid4()),
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[
            ev.ContradictionFlagged(
                claims=sorted([str(uuid.uuid4()), str(uuid.uuid4())]),
                score="0.90",
                cues=["stance"],
                detector_version="test",
            )
        ],
        metadata=SYSTEM,
    )
    taken, release = threading.Event(), threading.Event()

    def run_under_way() -> None:
        try:
            with followers._lease_tried("webhooks") as leased:
                assert leased
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=run_under_way, daemon=True)
    holder.start()
    assert taken.wait(30)

    # when another run starts meanwhile, then it does nothing
    assert review_tasks.webhooks_follow.apply().result is None
    assert not ConsumerCursor.objects.filter(name="webhooks", position__gt=0).exists()

    # when the run under way finishes, the next run does the work
    release.set()
    holder.join(30)
    assert review_tasks.webhooks_follow.apply().get() == 1
    assert ConsumerCursor.objects.get(name="webhooks").position > 0
