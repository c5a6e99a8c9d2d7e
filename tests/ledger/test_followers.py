"""Followers of the log (``ledger.followers``): one nudge per committed transaction, for the
followers whose event types it appended; never for a rolled-back one; a broker outage is logged
and the command stands."""

import logging
import pathlib
import weakref

import pytest
from django.db import transaction

from ledger import events as ev
from ledger import followers
from ledger.ingestion import source_ingest
from ledger.models import Event
from ledger.services import claim_command, claim_record

pytestmark = pytest.mark.django_db

SEED = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "iran-palestine-article.txt"


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """The followers whose task a nudge sent, in order (nothing really runs).

    Each test starts with no nudge pending: a test's transaction is rolled back, never
    committed, so its nudge would otherwise collect the next test's followers too.
    """
    monkeypatch.setattr(followers, "_NUDGES", weakref.WeakKeyDictionary())
    names: list[str] = []

    def send(follower: followers.Follower) -> bool:
        names.append(follower.name)
        return True

    monkeypatch.setattr(followers, "follower_send", send)
    return names


def test_every_follower_has_a_registered_task_and_a_distinct_cursor():
    from config.celery import app

    app.loader.import_default_modules()
    assert len({follower.name for follower in followers.FOLLOWERS}) == len(followers.FOLLOWERS)
    for follower in followers.FOLLOWERS:
        assert follower.task in app.tasks, follower.task
        assert follower.event_types <= set(ev.EventType)


def test_a_nudge_runs_after_commit_for_the_followers_concerned(
    sent, metadata, django_capture_on_commit_callbacks
):
    # when a claim is recorded
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim_record(text="Iran backs Hamas.", metadata=metadata)
        # then nothing was sent before the commit
        assert sent == []
    # when the transaction commits
    for callback in callbacks:
        callback()
    # then the followers reading ClaimRecorded (contradictions, matching) were nudged, once each
    assert sent == ["contradictions", "matching"]


def test_events_no_follower_reads_nudge_nothing(sent, metadata, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        state = claim_record(text="Iran backs Hamas.", metadata=metadata)
    sent.clear()
    # when a comment (read by no follower) is appended and committed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim_command(
            claim_id=state.claim_id,
            expected_version=1,
            event=ev.ClaimCommented(body="check the date"),
            metadata=metadata,
        )
    # then nothing was scheduled or sent
    assert callbacks == []
    assert sent == []


def test_a_rolled_back_append_nudges_nothing(sent, metadata, django_capture_on_commit_callbacks):
    def record_then_fail() -> None:
        with transaction.atomic():
            claim_record(text="Iran backs Hamas.", metadata=metadata)
            raise RuntimeError("the caller's transaction fails")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="caller's transaction"),
    ):
        record_then_fail()
    assert callbacks == []
    assert sent == []
    assert Event.objects.count() == 0


def test_an_unreachable_broker_is_logged_and_the_command_stands(
    metadata, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    # given a broker nobody listens on
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_write_url", "redis://127.0.0.1:9/0")
    monkeypatch.setattr(app, "_pool", None)
    # when a claim is recorded and committed
    with (
        caplog.at_level(logging.WARNING, logger="ledger.followers"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        state = claim_record(text="Iran backs Hamas.", metadata=metadata)
    # then the claim stands and the lost nudge was logged
    assert state.version == 1
    assert Event.objects.filter(type="ClaimRecorded").count() == 1
    assert "could not run follower contradictions now" in caplog.text
    assert followers.follower_send(followers.follower_named("webhooks")) is False


# --- once per transaction (real commits and rollbacks) ----------------------------------------


@pytest.mark.usefixtures("ledger_transactional_db")
def test_a_transaction_of_many_appends_nudges_each_follower_once(sent, metadata):
    # when three claims are recorded in one transaction
    with transaction.atomic():
        for n in range(3):
            claim_record(text=f"Claim {n}.", metadata=metadata)
        # then nothing was sent before the commit
        assert sent == []
    # then one nudge per follower concerned went out, after the commit
    assert sent == ["contradictions", "matching"]


@pytest.mark.usefixtures("ledger_transactional_db")
def test_every_committed_transaction_nudges_and_a_rolled_back_one_does_not(sent, metadata):
    def record_then_fail() -> None:
        with transaction.atomic():
            claim_record(text="Never committed.", metadata=metadata)
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        record_then_fail()
    assert sent == []

    # when two transactions commit, one of them on its own outside any atomic block
    with transaction.atomic():
        claim_record(text="Committed in a block.", metadata=metadata)
    claim_record(text="Committed on its own.", metadata=metadata)

    # then each commit nudged once
    assert sent == ["contradictions", "matching", "contradictions", "matching"]
    assert Event.objects.count() == 2


@pytest.mark.usefixtures("ledger_transactional_db")
def test_a_rolled_back_savepoint_does_not_cancel_the_transactions_nudge(sent, metadata):
    def record_then_undo() -> None:
        with transaction.atomic():
            claim_record(text="Rolled back.", metadata=metadata)
            raise RuntimeError("undo this one")

    # when the first of two appends is rolled back to a savepoint, and the second commits
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            record_then_undo()
        claim_record(text="Second.", metadata=metadata)

    # then the commit nudged once
    assert sent == ["contradictions", "matching"]
    assert Event.objects.count() == 1


@pytest.mark.usefixtures("ledger_transactional_db")
def test_ingesting_an_article_nudges_once(sent, metadata):
    # when the seed article is ingested (a ClaimRecorded per claim, one transaction)
    result = source_ingest(content=SEED.read_bytes(), metadata=metadata, filename="seed.txt")
    # then one nudge went out for all of them
    assert len(result.claims) > 1
    assert sent == ["contradictions", "matching"]


@pytest.mark.usefixtures("ledger_transactional_db")
def test_the_sweep_sends_every_follower(sent):
    assert followers.followers_sweep() == len(followers.FOLLOWERS)
    assert sent == [follower.name for follower in followers.FOLLOWERS]
