"""verify_ledger finds the first tampered position, whatever the tampering."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger import events as ev
from ledger.store import append
from ledger.verification import ledger_verify
from tests.conftest import append_only_guards_removed

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(metadata) -> None:
    for number in range(5):
        append(
            stream_id=f"s-{number % 2}",
            stream_type="test",
            expected_version=number // 2,
            events=[ev.ClaimCommented(body=f"comment {number}")],
            metadata=metadata,
        )


def tamper(sql: str, params: list[str] | None = None) -> None:
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def broken_at() -> int:
    result = ledger_verify()
    assert result.first_break is not None, "the ledger verified, but it was tampered with"
    return result.first_break.position


def test_intact_ledger_verifies(five_events, capsys):
    result = ledger_verify()
    assert result.intact
    assert result.events == 5

    call_command("verify_ledger")
    assert "ledger intact: 5 events" in capsys.readouterr().out


def test_empty_ledger_verifies():
    assert ledger_verify().intact


def test_edited_payload_fails_at_its_position(five_events):
    tamper("UPDATE ledger_event SET data = %s WHERE position = 3", ['{"body": "forged"}'])

    assert broken_at() == 3
    with pytest.raises(CommandError, match="TAMPERED at position 3"):
        call_command("verify_ledger")


def test_edited_metadata_fails_at_its_position(five_events):
    tamper(
        "UPDATE ledger_event SET metadata = %s WHERE position = 4",
        [
            '{"actor": "user:someone-else", "via": "test", "correlation_id": "x", '
            '"causation_id": null}'
        ],
    )
    assert broken_at() == 4


def test_deleted_event_fails_at_the_missing_position(five_events):
    tamper("DELETE FROM ledger_event WHERE position = 2")
    assert broken_at() == 2


def test_deleted_last_event_is_not_detectable_without_a_checkpoint_but_the_rest_verifies(
    five_events,
):
    # A truncated tail leaves a valid, shorter chain: checkpoints (held outside the ledger)
    # are what catch it, so here the head simply moves back.
    before = ledger_verify()
    tamper("DELETE FROM ledger_event WHERE position = 5")
    after = ledger_verify()
    assert after.intact
    assert after.events == 4
    assert after.head_hash != before.head_hash


def test_inserted_event_fails_at_the_insertion(five_events):
    tamper("UPDATE ledger_event SET position = position + 100 WHERE position >= 3")
    tamper(
        "INSERT INTO ledger_event (position, stream_id, stream_type, version, type, "
        "schema_version, data, metadata, recorded_at, prev_hash, hash) "
        "SELECT 3, 'forged', 'test', 1, type, schema_version, data, metadata, recorded_at, "
        "hash, %s FROM ledger_event WHERE position = 2",
        ["e" * 64],
    )
    tamper("UPDATE ledger_event SET position = position - 99 WHERE position >= 103")
    assert broken_at() == 3


def test_reordered_events_fail_at_the_first_moved_position(five_events):
    tamper("UPDATE ledger_event SET position = -2 WHERE position = 2")
    tamper("UPDATE ledger_event SET position = 2 WHERE position = 3")
    tamper("UPDATE ledger_event SET position = 3 WHERE position = -2")
    assert broken_at() == 2
