"""Single-flight locks of periodic tasks: one holder at a time, a bounded lifetime, fenced."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reviews.models import TaskLock
from reviews.task_locks import task_lock_acquire, task_lock_release

pytestmark = pytest.mark.django_db

NAME = "ledger.followers_sweep"


def test_a_held_lock_is_refused_until_its_holder_releases_it():
    token = task_lock_acquire(name=NAME, seconds=60)

    assert token is not None
    assert task_lock_acquire(name=NAME, seconds=60) is None
    assert task_lock_acquire(name="another.task", seconds=60) is not None  # per task
    assert task_lock_release(name=NAME, token=token) is True
    assert task_lock_acquire(name=NAME, seconds=60) is not None


def test_a_lock_whose_holder_died_lapses_after_its_lifetime():
    # given a run that took the lock and died without releasing it
    dead = task_lock_acquire(name=NAME, seconds=60)
    assert task_lock_acquire(name=NAME, seconds=60) is None

    # when its lifetime has passed
    TaskLock.objects.filter(name=NAME).update(
        held_until=timezone.now() - datetime.timedelta(seconds=1)
    )

    # then the next run takes it, and the dead run's late release cannot free it
    successor = task_lock_acquire(name=NAME, seconds=60)
    assert successor is not None
    assert dead is not None
    assert task_lock_release(name=NAME, token=dead) is False
    assert TaskLock.objects.get(name=NAME).token == successor
    assert task_lock_acquire(name=NAME, seconds=60) is None
