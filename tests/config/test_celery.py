"""Periodic tasks: every beat entry expires after its interval and runs one at a time."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from config.celery import LedgerTask
from config.celery import app as celery_app
from ledger import events as ev
from ledger import tasks as ledger_tasks
from ledger.models import ConsumerCursor
from ledger.store import append
from reviews import tasks as review_tasks
from reviews import tasks_webhooks
from reviews.task_locks import task_lock_acquire, task_lock_release
from tests.claims import SYSTEM

BEAT_TASKS = {
    "contradictions-sweep": review_tasks.contradictions_sweep,
    "ledger-record-checkpoint": ledger_tasks.record_checkpoint,
    "webhooks-dispatch": tasks_webhooks.webhooks_dispatch,
    "webhooks-retry-due": tasks_webhooks.webhooks_retry_due,
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
        assert registered.expires == entry["schedule"]  # kicks outside beat expire too
        assert registered.single_flight_seconds is not None
        assert registered.single_flight_seconds > 0


def test_tasks_outside_beat_are_not_single_flight():
    deliver = celery_app.tasks[tasks_webhooks.webhook_deliver.name]
    assert isinstance(deliver, LedgerTask)
    assert deliver.single_flight_seconds is None
    assert celery_app.tasks[review_tasks.contradictions_consume_task.name].expires is None


@pytest.mark.django_db
def test_a_run_that_finds_the_lock_taken_does_nothing_and_the_next_one_works():
    # given an event for the webhook consumer, and a dispatch run under way (holding the lock)
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
    dispatch = tasks_webhooks.webhooks_dispatch
    token = task_lock_acquire(name=dispatch.name, seconds=60)
    assert token is not None

    # when another dispatch and another sweep run meanwhile
    skipped: object = dispatch.apply().result
    sweep_name = review_tasks.contradictions_sweep.name
    sweep_token = task_lock_acquire(name=sweep_name, seconds=60)
    assert sweep_token is not None
    skipped_sweep: object = review_tasks.contradictions_sweep.apply().result

    # then they did nothing
    assert (skipped, skipped_sweep) == (None, None)
    assert not ConsumerCursor.objects.filter(name="webhooks").exists()

    # when the run under way finishes, the next dispatch does the work
    assert task_lock_release(name=dispatch.name, token=token)
    assert dispatch.apply().get() == 1
    assert ConsumerCursor.objects.get(name="webhooks").position > 0
