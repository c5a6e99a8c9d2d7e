"""Checkpoints: the head recorded for auditors; a rewritten history no longer matches it."""

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ledger.checkpoints import checkpoint_record
from ledger.exceptions import LedgerIntegrityError
from ledger.models import Checkpoint, Event
from ledger.tasks import record_checkpoint
from ledger.verification import ledger_verify
from ledger.verify_export import GENESIS_HASH, checkpoint_chain_hash, main
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


def test_the_next_checkpoint_follows_the_last(ledger, metadata):
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


def delete_events_after(position):
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event WHERE position > %s", [position])


def test_removing_the_checkpointed_tail_is_caught_and_no_checkpoint_is_recorded(ledger):
    # given a checkpoint of the head, then the last two events deleted
    checkpoint_record()
    delete_events_after(5)

    # when
    result = ledger_verify()

    # then
    assert result.first_break is not None
    assert (result.first_break.position, result.first_break.reason) == (
        6,
        "the ledger ends at position 5 but checkpoint 7 was recorded "
        "(events were removed from the end)",
    )
    with pytest.raises(CommandError, match="breaks at position 6: the ledger ends at position 5"):
        call_command("record_checkpoint")
    with pytest.raises(CommandError, match="ledger TAMPERED at position 6"):
        call_command("verify_ledger")
    assert list(Checkpoint.objects.values_list("position", flat=True)) == [7]


def test_no_checkpoint_over_a_ledger_broken_before_the_last_checkpoint(ledger, metadata):
    # given a checkpoint at 7, more events, then an event before the checkpoint edited
    checkpoint_record()
    small_ledger(metadata)
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET metadata = %s WHERE position = 3", ['{"a": 1}'])

    # when / then
    with pytest.raises(CommandError, match="breaks at position 3"):
        call_command("record_checkpoint")
    assert Checkpoint.objects.count() == 1


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger_checkpoint SET hash = 'x'", "DELETE FROM ledger_checkpoint"],
)
def test_checkpoints_are_append_only_in_the_database(ledger, statement):
    checkpoint = checkpoint_record()
    assert checkpoint is not None

    with (
        pytest.raises(DatabaseError, match="ledger_checkpoint is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert list(Checkpoint.objects.values_list("position", "hash")) == [
        (checkpoint.position, checkpoint.hash)
    ]


@pytest.mark.postgres
def test_checkpoints_cannot_be_truncated(ledger):
    checkpoint_record()

    with (
        pytest.raises(DatabaseError, match="ledger_checkpoint is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE ledger_checkpoint")

    assert Checkpoint.objects.count() == 1


def three_checkpoints(metadata):
    checkpoint_record()
    for _ in range(2):
        small_ledger(metadata)
        checkpoint_record()
    return list(Checkpoint.objects.order_by("position"))


def test_checkpoints_form_a_chain_of_their_own(ledger, metadata):
    first, second, third = three_checkpoints(metadata)

    assert first.previous == GENESIS_HASH
    assert (second.previous, third.previous) == (first.chain_hash, second.chain_hash)
    assert third.chain_hash == checkpoint_chain_hash(
        21, third.hash, third.recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), second.chain_hash
    )
    assert ledger_verify().intact


def test_a_checkpoint_removed_from_the_middle_breaks_their_chain(ledger, metadata):
    three_checkpoints(metadata)
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_checkpoint WHERE position = 14")

    result = ledger_verify()

    assert result.first_break is not None
    assert (result.first_break.position, result.first_break.reason) == (
        21,
        "checkpoint does not follow the checkpoint before it (one was removed or inserted)",
    )


def test_a_checkpoint_moved_to_a_rewritten_history_breaks_their_chain(ledger, metadata):
    three_checkpoints(metadata)
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_checkpoint SET hash = %s WHERE position = 14", ["f" * 64])

    result = ledger_verify()

    assert result.first_break is not None
    assert (result.first_break.position, result.first_break.reason) == (
        14,
        "checkpoint chain_hash does not match its content",
    )


KEY = "auditor-and-ledger-secret"


def signed_checkpoints(tmp_path, settings):
    settings.LEDGER_CHECKPOINT_KEY = KEY
    path = tmp_path / "checkpoints.json"
    call_command("record_checkpoint", "--export", str(path))
    return path


def test_the_signed_checkpoints_file_catches_a_truncated_export(
    ledger, metadata, tmp_path, settings, monkeypatch, capsys
):
    # given two checkpoints in a signed file and a whole export
    checkpoint_record()
    small_ledger(metadata)
    path = signed_checkpoints(tmp_path, settings)
    lines = export(tmp_path / "whole.jsonl", "--format", "jsonl")
    document = json.loads(path.read_text())
    assert [entry["position"] for entry in document["checkpoints"]] == [7, 14]
    monkeypatch.setenv("LEDGER_CHECKPOINT_KEY", KEY)
    capsys.readouterr()

    # when / then: the whole export agrees with it
    assert main([str(tmp_path / "whole.jsonl"), "--checkpoints", str(path)]) == 0

    # and one without its last event does not
    (tmp_path / "cut.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    assert main([str(tmp_path / "cut.jsonl"), "--checkpoints", str(path)]) == 1
    assert capsys.readouterr().err.strip() == (
        "TAMPERED: line 14: checkpoint position 14 is beyond the end of this export "
        "(the export ends at position 13: events may be missing)"
    )


def test_an_edited_checkpoints_file_or_a_wrong_key_fails(
    ledger, metadata, tmp_path, settings, monkeypatch, capsys
):
    checkpoint_record()
    small_ledger(metadata)
    path = signed_checkpoints(tmp_path, settings)
    export(tmp_path / "whole.jsonl", "--format", "jsonl")
    document = json.loads(path.read_text())
    document["checkpoints"] = document["checkpoints"][:1]  # the later checkpoint dropped
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document))
    capsys.readouterr()

    monkeypatch.setenv("LEDGER_CHECKPOINT_KEY", KEY)
    assert main([str(tmp_path / "whole.jsonl"), "--checkpoints", str(edited)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"TAMPERED: {edited}: the signature does not match (another key, or the file was changed)"
    )
    monkeypatch.setenv("LEDGER_CHECKPOINT_KEY", "another key")
    assert main([str(tmp_path / "whole.jsonl"), "--checkpoints", str(path)]) == 1
    monkeypatch.delenv("LEDGER_CHECKPOINT_KEY")
    assert main([str(tmp_path / "whole.jsonl"), "--checkpoints", str(path)]) == 2
    assert capsys.readouterr().err.strip().endswith(f"set LEDGER_CHECKPOINT_KEY to check {path}")


def test_exporting_checkpoints_without_a_key_is_refused(ledger, tmp_path, settings):
    settings.LEDGER_CHECKPOINT_KEY = ""

    with pytest.raises(CommandError, match="set LEDGER_CHECKPOINT_KEY to sign"):
        call_command("record_checkpoint", "--export", str(tmp_path / "checkpoints.json"))

    assert not (tmp_path / "checkpoints.json").exists()
