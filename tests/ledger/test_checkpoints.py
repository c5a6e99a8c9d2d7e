"""Checkpoints: the head recorded for auditors; a rewritten history no longer matches it."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.checkpoints import checkpoint_record
from ledger.exceptions import LedgerIntegrityError
from ledger.models import Checkpoint, Event
from ledger.tasks import record_checkpoint
from ledger.verification import ledger_verify
from tests.conftest import append_only_guards_removed
from tests.ledger.exports_helpers import bad_line, export, small_ledger, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(metadata):
    return small_ledger(metadata)


def test_empty_ledger_records_no_checkpoint():
    assert checkpoint_record() is None
    assert Checkpoint.objects.count() == 0


def test_checkpoint_records_the_head_and_the_command_prints_it(ledger, capsys):
    call_command("record_checkpoint")

    head = Event.objects.get(position=7)
    assert list(Checkpoint.objects.values_list("position", "hash")) == [(7, head.hash)]
    assert capsys.readouterr().out.strip() == f"checkpoint 7:{head.hash}"


def test_checkpoint_without_new_events_returns_the_last_one(ledger):
    first = checkpoint_record()

    assert checkpoint_record() == first
    assert Checkpoint.objects.count() == 1


def test_the_next_checkpoint_verifies_only_the_events_since_the_last(ledger, metadata):
    checkpoint_record()
    small_ledger(metadata)

    latest = checkpoint_record()

    assert latest is not None
    assert latest.position == 14
    assert list(Checkpoint.objects.values_list("position", flat=True)) == [7, 14]


def test_no_checkpoint_over_a_broken_chain(ledger):
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET data = %s WHERE position = 6", ['{"x": 1}'])

    with pytest.raises(LedgerIntegrityError, match="breaks at position 6"):
        checkpoint_record()
    with pytest.raises(CommandError, match="breaks at position 6"):
        call_command("record_checkpoint")
    assert Checkpoint.objects.count() == 0


def test_rewritten_history_fails_against_the_checkpoint(ledger, metadata, tmp_path):
    # given an auditor holding the checkpoint of the genuine ledger
    checkpoint = checkpoint_record()
    assert checkpoint is not None
    held = (checkpoint.position, checkpoint.hash)
    genuine = export(tmp_path / "genuine.jsonl", "--format", "jsonl")
    assert verify(genuine, checkpoints=[held]).events == 7

    # when someone rebuilds the whole chain with an event changed (a consistent forgery)
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event")
    forged_ledger = small_ledger(metadata)
    forged = export(tmp_path / "forged.jsonl", "--format", "jsonl")

    # then the forgery verifies on its own but not against the checkpoint
    assert verify(forged).events == 7
    bad = bad_line(forged, checkpoints=[held])
    assert bad.line_number == 7
    assert "differs from the checkpoint" in bad.reason
    assert forged_ledger.first_claim not in "\n".join(genuine)
    # and the stored ledger no longer matches its own recorded checkpoint
    result = ledger_verify()
    assert result.first_break is not None
    assert result.first_break.position == 7


def test_checkpoint_task_is_thin_and_scheduled(ledger):
    assert record_checkpoint.apply().get() == f"7:{Event.objects.get(position=7).hash}"
    schedule = settings.CELERY_BEAT_SCHEDULE["ledger-record-checkpoint"]
    assert schedule["task"] == record_checkpoint.name
    assert schedule["schedule"] == settings.LEDGER_CHECKPOINT_INTERVAL_SECONDS
