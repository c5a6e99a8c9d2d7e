"""Concurrent appends on PostgreSQL: commit order, no gaps, no lost updates."""

import threading

import pytest
from django.db import connection

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict
from ledger.models import Event
from ledger.reading import read_all
from ledger.store import append
from ledger.verification import ledger_verify

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("ledger_transactional_db")]

WRITERS = 4
APPENDS_PER_WRITER = 25


def run_in_threads(target, count):
    errors: list[BaseException] = []

    def wrapped(index):
        try:
            target(index)
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_a_follower_never_skips_an_event_committed_late(metadata):
    # given writers appending to their own streams while a follower tails the log
    done = threading.Event()
    seen: list[int] = []

    def follow():
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                for recorded in read_all(after_position=cursor):
                    seen.append(recorded.position)
                    cursor = recorded.position
                if finished:
                    return
        finally:
            connection.close()

    follower = threading.Thread(target=follow)
    follower.start()

    def write(index):
        for version in range(APPENDS_PER_WRITER):
            append(
                stream_id=f"writer-{index}",
                stream_type="test",
                expected_version=version,
                events=[ev.ClaimCommented(body=f"{index}/{version}")],
                metadata=metadata,
            )

    # when
    run_in_threads(write, WRITERS)
    done.set()
    follower.join()

    # then: the follower saw every position exactly once, in order, with no gaps
    total = WRITERS * APPENDS_PER_WRITER
    assert seen == list(range(1, total + 1))
    assert ledger_verify().intact


def test_conflicting_appends_on_one_stream_have_one_winner_per_version(metadata):
    # given
    append(
        stream_id="contested",
        stream_type="test",
        expected_version=0,
        events=[ev.ClaimCommented(body="start")],
        metadata=metadata,
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(WRITERS)

    def contend(index):
        barrier.wait()
        try:
            append(
                stream_id="contested",
                stream_type="test",
                expected_version=1,
                events=[ev.ClaimCommented(body=f"writer {index}")],
                metadata=metadata,
            )
            outcomes.append("accepted")
        except ConcurrencyConflict:
            outcomes.append("refused")

    # when
    run_in_threads(contend, WRITERS)

    # then
    assert sorted(outcomes) == ["accepted"] + ["refused"] * (WRITERS - 1)
    versions = list(Event.objects.filter(stream_id="contested").values_list("version", flat=True))
    assert sorted(versions) == [1, 2]
    assert ledger_verify().intact
