"""Concurrency on PostgreSQL: contradiction checks never hold up the ledger's other writers.

The consumer holds the global append lock only for the one append of a claim's flags
(docs/adr/0025-contradiction-flags-outside-the-batch.md): a command committing while a batch
is being scored does not wait for it, and a second consumer waits for the first one's lease
instead of handling its events again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from ledger import followers
from ledger.models import ConsumerCursor, Event
from ledger.services import claim_record
from reviews.contradictions import flagging, services
from tests.claims import SILENT, SUPPORT

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("ledger_transactional_db")]

WAIT_SECONDS = 30
# A command that waits for nothing commits in milliseconds; one that waits for the append lock
# held by the stalled batch would wait until the test releases it.
COMMAND_SECONDS = 10


@pytest.fixture
def no_nudge(monkeypatch) -> None:
    """Commits do not run the consumer (tasks are eager here): the test runs it itself."""
    monkeypatch.setattr(followers, "follower_send", lambda follower: False)


def in_thread(target: Callable[[], Any], outcome: dict[str, Any]) -> threading.Thread:
    """``target`` on a thread of its own (its own database connection, closed at the end)."""

    def run() -> None:
        try:
            outcome["result"] = target()
        except Exception as error:  # reported to the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def cursor_position() -> int | None:
    """Where the consumer's committed cursor is (None before it is first committed)."""
    return (
        ConsumerCursor.objects.filter(name=services.CONSUMER_NAME)
        .values_list("position", flat=True)
        .first()
    )


def flags_appended() -> int:
    return Event.objects.filter(type="ContradictionFlagged").count()


def test_a_claim_command_commits_while_a_batch_is_being_scored(no_nudge, metadata, monkeypatch):
    # given a batch of three claims: the first two contradict, and the third's scoring stalls
    first = claim_record(text=SUPPORT, metadata=metadata).claim_id
    second = claim_record(text=SILENT, metadata=metadata).claim_id
    third = claim_record(text="Iran's allies gave unwavering support.", metadata=metadata).claim_id
    positions = dict(
        Event.objects.filter(type="ClaimRecorded").values_list("stream_id", "position")
    )
    scoring, release = threading.Event(), threading.Event()
    find = flagging.contradiction_find

    def find_and_stall(*, claim_id: str) -> Any:
        found = find(claim_id=claim_id)
        if claim_id == third:
            scoring.set()
            release.wait(WAIT_SECONDS)
        return found

    monkeypatch.setattr(flagging, "contradiction_find", find_and_stall)
    consumed: dict[str, Any] = {}
    consumer = in_thread(services.contradictions_consume, consumed)
    assert scoring.wait(WAIT_SECONDS), f"the batch never reached the third claim: {consumed}"

    # when a command records a claim while the batch is scoring (the first pair's flag is in)
    recorded: dict[str, Any] = {}
    command = in_thread(
        lambda: claim_record(text="Qatar hosted talks in May.", metadata=metadata), recorded
    )
    command.join(COMMAND_SECONDS)
    committed_while_scoring = not command.is_alive()
    flags_while_scoring = flags_appended()
    cursor_while_scoring = cursor_position()
    release.set()
    command.join(WAIT_SECONDS)
    consumer.join(WAIT_SECONDS)

    # then the command did not wait for the batch, whose flag had committed with its cursor move
    assert committed_while_scoring
    assert "error" not in recorded
    assert "error" not in consumed
    assert Event.objects.filter(stream_id=recorded["result"].claim_id).count() == 1
    assert flags_while_scoring == 1
    assert cursor_while_scoring == positions[second]
    # and the batch finished: three claims handled, the pair flagged once
    assert consumed["result"] == 3
    assert flags_appended() == 1
    flag = Event.objects.get(type="ContradictionFlagged")
    assert flag.data["claims"] == sorted([first, second])
    assert cursor_position() == positions[third]


def test_a_second_consumer_waits_for_the_first_ones_lease(no_nudge, metadata, monkeypatch):
    # given a consumer stalled while scoring the second of two contradicting claims
    claim_record(text=SUPPORT, metadata=metadata)
    second = claim_record(text=SILENT, metadata=metadata).claim_id
    scoring, release = threading.Event(), threading.Event()
    find = flagging.contradiction_find

    def find_and_stall(*, claim_id: str) -> Any:
        if claim_id == second and not scoring.is_set():
            scoring.set()
            release.wait(WAIT_SECONDS)
        return find(claim_id=claim_id)

    monkeypatch.setattr(flagging, "contradiction_find", find_and_stall)
    first_run: dict[str, Any] = {}
    first_consumer = in_thread(services.contradictions_consume, first_run)
    assert scoring.wait(WAIT_SECONDS), "the first consumer never reached the second claim"

    # when a second consumer starts meanwhile
    second_run: dict[str, Any] = {}
    second_consumer = in_thread(services.contradictions_consume, second_run)
    second_consumer.join(1)
    waited = second_consumer.is_alive()
    release.set()
    first_consumer.join(WAIT_SECONDS)
    second_consumer.join(WAIT_SECONDS)

    # then it waited for the lease and found nothing left to handle; the pair is flagged once
    assert waited
    assert (first_run["result"], second_run["result"]) == (2, 0)
    assert flags_appended() == 1
