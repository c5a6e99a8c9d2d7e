"""Integration: a real Celery worker on the Redis broker flags the seed article's contradiction."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ledger.models import ContradictionView, Event
from ledger.services import claim_record
from tests.claims import SILENT, SUPPORT

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


@pytest.fixture
def worker(ledger_transactional_db):
    """A worker process against the test database (the one this test commits to)."""
    from config.celery import app

    app.control.purge()  # no leftover message from other tests may wake the worker
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_worker_flags_the_seed_contradiction(worker, metadata):
    # when the two canonical sentences are recorded (each commit nudges the consumer through
    # the ledger's after-commit hook: nothing else asks the worker to look)
    a = claim_record(text=SUPPORT, metadata=metadata).claim_id
    b = claim_record(text=SILENT, metadata=metadata).claim_id

    # then the worker flags the pair
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and not ContradictionView.objects.exists():
        time.sleep(0.5)
    flag = ContradictionView.objects.get()
    assert sorted([str(flag.claim_a), str(flag.claim_b)]) == sorted([a, b])
    assert flag.status == "open"
    assert Event.objects.filter(type="ContradictionFlagged").count() == 1
