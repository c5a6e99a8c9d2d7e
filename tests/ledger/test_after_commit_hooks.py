"""After-commit hooks of ``ledger.store``: how other apps react to appends without ledger
importing them."""

import logging

import pytest
from django.db import transaction

from ledger import events as ev
from ledger.exceptions import InvalidCommand
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
