"""After-commit hooks of ``ledger.store``: how other apps react to appends without ledger
importing them."""

import logging
import pathlib

import pytest
from django.db import transaction

from ledger import events as ev
from ledger.exceptions import InvalidCommand
from ledger.ingestion import source_ingest
from ledger.models import Event
from ledger.services import claim_command, claim_record
from ledger.store import after_commit_register, after_commit_unregister

pytestmark = pytest.mark.django_db

HOOK = "test.hook"


@pytest.fixture
def calls():
    received: list[list[str]] = []
    after_commit_register(
        name=HOOK,
        event_types=[ev.EventType.CLAIM_RECORDED],
        callback=lambda recorded: received.append([item.type for item in recorded]),
    )
    yield received
    after_commit_unregister(name=HOOK)


def test_a_hook_runs_after_commit_with_the_matching_events(
    calls, metadata, django_capture_on_commit_callbacks
):
    # when a claim is recorded
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        claim_record(text="Iran backs Hamas.", metadata=metadata)
        # then nothing ran before the commit
        assert calls == []
    # when the transaction commits
    for callback in callbacks:
        callback()
    # then the hook saw the one recorded event
    assert calls == [["ClaimRecorded"]]


def test_a_hook_ignores_other_event_types(calls, metadata, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        state = claim_record(text="Iran backs Hamas.", metadata=metadata)
    calls.clear()
    # when an event of another type is appended and committed
    with django_capture_on_commit_callbacks(execute=True):
        claim_command(
            claim_id=state.claim_id,
            expected_version=1,
            event=ev.ClaimCommented(body="check the date"),
            metadata=metadata,
        )
    # then the hook did not run
    assert calls == []


def test_a_rolled_back_append_runs_no_hook(calls, metadata, django_capture_on_commit_callbacks):
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
    assert calls == []
    assert Event.objects.count() == 0


def test_a_failing_hook_is_logged_and_the_command_stands(
    metadata, django_capture_on_commit_callbacks, caplog
):
    def broken(recorded):
        raise ConnectionError("broker unreachable")

    after_commit_register(name=HOOK, event_types=["ClaimRecorded"], callback=broken)
    try:
        with (
            caplog.at_level(logging.ERROR, logger="ledger.store"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            state = claim_record(text="Iran backs Hamas.", metadata=metadata)
    finally:
        after_commit_unregister(name=HOOK)
    assert state.version == 1
    assert Event.objects.filter(type="ClaimRecorded").count() == 1
    assert "after-commit hook 'test.hook' failed" in caplog.text


def test_a_hook_needs_a_name_and_event_types():
    with pytest.raises(InvalidCommand):
        after_commit_register(name=HOOK, event_types=[], callback=lambda recorded: None)
    with pytest.raises(InvalidCommand):
        after_commit_register(name="", event_types=["ClaimRecorded"], callback=print)


# --- once per transaction (real commits and rollbacks) ----------------------------------------

SEED = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "iran-palestine-article.txt"


@pytest.mark.usefixtures("ledger_transactional_db")
def test_a_transaction_of_many_appends_runs_a_hook_once_with_all_their_events(calls, metadata):
    # when three claims are recorded in one transaction
    with transaction.atomic():
        for n in range(3):
            claim_record(text=f"Claim {n}.", metadata=metadata)
        # then nothing ran before the commit
        assert calls == []

    # then the hook ran once, after the commit, with the three events
    assert calls == [["ClaimRecorded"] * 3]


@pytest.mark.usefixtures("ledger_transactional_db")
def test_every_committed_transaction_runs_a_hook_and_a_rolled_back_one_does_not(calls, metadata):
    # given a transaction that appends and then fails
    def record_then_fail() -> None:
        with transaction.atomic():
            claim_record(text="Never committed.", metadata=metadata)
            raise RuntimeError("the caller's transaction fails")

    with pytest.raises(RuntimeError):
        record_then_fail()
    assert calls == []

    # when two transactions commit, one of them on its own outside any atomic block
    with transaction.atomic():
        claim_record(text="Committed in a block.", metadata=metadata)
    claim_record(text="Committed on its own.", metadata=metadata)

    # then each commit ran the hook once, with its own events only
    assert calls == [["ClaimRecorded"], ["ClaimRecorded"]]
    assert Event.objects.count() == 2


@pytest.mark.usefixtures("ledger_transactional_db")
def test_events_of_a_rolled_back_savepoint_are_not_handed_to_a_hook(metadata):
    received: list[list[str]] = []
    after_commit_register(
        name=HOOK,
        event_types=[ev.EventType.CLAIM_RECORDED],
        callback=lambda recorded: received.append(
            [item.event.to_data()["text"] for item in recorded]
        ),
    )

    def record_then_undo() -> None:
        with transaction.atomic():
            claim_record(text="Rolled back.", metadata=metadata)
            raise RuntimeError("undo this one")

    try:
        # when the middle one of three appends is rolled back to a savepoint
        with transaction.atomic():
            claim_record(text="First.", metadata=metadata)
            with pytest.raises(RuntimeError):
                record_then_undo()
            claim_record(text="Third.", metadata=metadata)
    finally:
        after_commit_unregister(name=HOOK)

    # then the hook ran once, with the two committed events
    assert received == [["First.", "Third."]]
    assert Event.objects.count() == 2


@pytest.mark.usefixtures("ledger_transactional_db")
def test_ingesting_an_article_runs_a_hook_once(calls, metadata):
    # when the seed article is ingested (a ClaimRecorded per claim, one transaction)
    result = source_ingest(content=SEED.read_bytes(), metadata=metadata, filename="seed.txt")

    # then the hook ran once, with every claim
    assert len(result.claims) > 1
    assert calls == [["ClaimRecorded"] * len(result.claims)]
