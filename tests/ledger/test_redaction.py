"""redact_event: personal data leaves the database and every export; the chain still verifies."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from ledger import events as ev
from ledger.exceptions import AppendOnlyViolation, InvalidCommand, LedgerIntegrityError, NotFound
from ledger.models import ClaimView, Event
from ledger.redaction import event_redact
from ledger.services import claim_command
from ledger.verification import ledger_verify
from tests.conftest import append_only_guards_removed
from tests.ledger.exports_helpers import (
    PERSONAL_NAME,
    bad_line,
    export,
    records,
    small_ledger,
    verify,
)

pytestmark = pytest.mark.django_db

REASON = "personal data of a source (GDPR art. 17 request 2025-04)"


@pytest.fixture
def ledger(metadata):
    return small_ledger(metadata)


def redact(position, field, reason=REASON, actor="user:dpo"):
    call_command(
        "redact_event", str(position), "--field", field, "--reason", reason, "--actor", actor
    )


def stored_text() -> str:
    """Everything the events and read-model tables hold, as text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data, metadata FROM ledger_event")
        events = repr(cursor.fetchall())
        cursor.execute("SELECT text FROM ledger_claimview")
        views = repr(cursor.fetchall())
    return events + views


def test_redaction_removes_the_text_and_records_who_why_and_the_digests(ledger, capsys):
    # given
    before = Event.objects.get(position=ledger.comment_position)

    # when
    redact(ledger.comment_position, "body")

    # then
    after = Event.objects.get(position=ledger.comment_position)
    assert after.data == {"body": ev.REDACTED}
    assert (after.hash, after.prev_hash, after.metadata) == (
        before.hash,
        before.prev_hash,
        before.metadata,
    )
    recorded = Event.objects.order_by("-position")[0]
    assert recorded.position == 8
    assert recorded.type == "DataRedacted"
    assert recorded.stream_id == f"redaction-{ledger.comment_position}"
    assert recorded.metadata["actor"] == "user:dpo"
    assert recorded.metadata["via"] == "command:redact_event"
    assert capsys.readouterr().out == (
        f"redacted body of the event at position {ledger.comment_position}; "
        "recorded as DataRedacted at position 8\n"
    )
    assert recorded.data["position"] == ledger.comment_position
    assert recorded.data["event_hash"] == before.hash
    assert recorded.data["field"] == "body"
    assert recorded.data["reason"] == REASON
    assert PERSONAL_NAME not in stored_text()


def test_redacted_ledger_still_verifies(ledger, capsys):
    redact(ledger.comment_position, "body")

    assert ledger_verify().intact
    call_command("verify_ledger")
    assert "ledger intact: 8 events" in capsys.readouterr().out


def test_redacted_text_is_gone_from_every_export_and_the_exports_verify(ledger, tmp_path):
    redact(ledger.comment_position, "body")

    whole = export(tmp_path / "whole.jsonl", "--format", "jsonl")
    since = export(tmp_path / "since.jsonl", "--format", "jsonl", "--since", "2")
    claim = export(tmp_path / "claim.jsonl", "--format", "jsonl", "--claim", ledger.first_claim)
    table = export(tmp_path / "whole.csv", "--format", "csv")

    for lines in (whole, since, claim, table):
        assert PERSONAL_NAME not in "\n".join(lines)
    assert verify(whole).redacted_events == 1
    assert verify(since).redacted_events == 1
    assert verify(claim).redacted_events == 1
    shown = records(whole)[ledger.comment_position - 1]
    assert shown["data"] == {"body": ev.REDACTED}
    assert [redaction["position"] for redaction in shown["redactions"]] == [8]
    row = list(csv.DictReader(table))[ledger.comment_position - 1]
    assert row["summary"] == "Comment: “[redacted]”"
    assert row["redacted"].startswith("body by user:dpo at ")
    assert row["redacted"].endswith(REASON)


def test_redacting_claim_text_also_clears_the_read_model(ledger, tmp_path):
    redact(2, "text")

    assert ClaimView.objects.get(claim_id=ledger.second_claim).text == ev.REDACTED
    assert "largely silent" not in stored_text()
    assert ledger_verify().intact
    call_command("rebuild_projections", "--check")


def test_two_redactions_of_one_event_chain_their_digests(ledger, tmp_path, metadata):
    # given an event with two texts naming a person
    claim_command(
        claim_id=ledger.second_claim,
        expected_version=2,
        event=ev.ClaimEvidenceAttached(
            url="https://example.org/jane-whistleblower", note=f"Call {PERSONAL_NAME}"
        ),
        metadata=metadata,
    )

    # when both are redacted, one after the other
    redact(8, "note")
    redact(8, "url")

    # then
    assert Event.objects.get(position=8).data == {"url": ev.REDACTED, "note": ev.REDACTED}
    first, second = Event.objects.filter(type="DataRedacted").order_by("position")
    assert first.data["data_digest_after"] == second.data["data_digest_before"]
    assert ledger_verify().intact
    lines = export(tmp_path / "whole.jsonl", "--format", "jsonl")
    assert verify(lines).redacted_events == 1
    assert [r["data"]["field"] for r in records(lines)[7]["redactions"]] == ["note", "url"]
    assert f"Call {PERSONAL_NAME}" not in "\n".join(lines)
    assert "jane-whistleblower" not in "\n".join(lines)


def test_as_of_export_before_the_redaction_still_shows_it(ledger, tmp_path):
    cutoff = Event.objects.get(position=7).recorded_at
    redact(ledger.comment_position, "body")

    lines = export(tmp_path / "as-of.jsonl", "--format", "jsonl", "--as-of", cutoff.isoformat())

    assert PERSONAL_NAME not in "\n".join(lines)
    summary = verify(lines)
    assert (summary.events, summary.redacted_events, summary.unconfirmed_redactions) == (7, 1, 1)


def test_changing_a_redacted_events_remaining_payload_is_detected(ledger, tmp_path):
    redact(1, "text")
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_event SET data = %s WHERE position = 1",
            [json.dumps({**Event.objects.get(position=1).data, "publisher": "forged"})],
        )

    result = ledger_verify()

    assert result.first_break is not None
    assert result.first_break.position == 1


def test_forging_a_redacted_line_in_an_export_fails_at_that_line(ledger, tmp_path):
    redact(ledger.comment_position, "body")
    lines = export(tmp_path / "whole.jsonl", "--format", "jsonl")
    index = ledger.comment_position - 1

    forged = json.loads(lines[index])
    forged["data"] = {"body": "something else entirely"}
    bad = bad_line([*lines[:index], json.dumps(forged), *lines[index + 1 :]])
    assert bad.line_number == ledger.comment_position
    assert "payload differs from what its last redaction left" in bad.reason

    unredacted = json.loads(lines[index])
    del unredacted["redactions"], unredacted["data_digest"]
    bad = bad_line([*lines[:index], json.dumps(unredacted), *lines[index + 1 :]])
    assert bad.line_number == ledger.comment_position
    assert bad.reason == "position 4: leaves on an event that is not redacted"

    del unredacted["leaves"]
    bad = bad_line([*lines[:index], json.dumps(unredacted), *lines[index + 1 :]])
    assert bad.line_number == ledger.comment_position
    assert bad.reason == "position 4: a hash format 2 event without its salt or its redactions"


def test_the_permission_ends_with_the_redaction(ledger):
    redact(ledger.comment_position, "body")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_event SET data = %s WHERE position = %s",
            ['{"body": "again"}', ledger.comment_position],
        )
    with pytest.raises(AppendOnlyViolation):
        Event.objects.filter(position=ledger.comment_position).update(data={})
    assert Event.objects.get(position=ledger.comment_position).data == {"body": ev.REDACTED}


@pytest.mark.parametrize(
    ("position", "field", "reason", "error", "message"),
    [
        (99, "body", REASON, NotFound, "no event at position 99"),
        (4, "nothing", REASON, InvalidCommand, "has no field 'nothing'"),
        (4, "body", "  ", InvalidCommand, "a redaction needs a reason"),
        (1, "selector", REASON, InvalidCommand, "only text can be redacted"),
        (1, "check_worthiness", REASON, InvalidCommand, "only text can be redacted"),
        (5, "claims.7", REASON, InvalidCommand, "has no item 'claims.7'"),
        (4, "body..x", REASON, InvalidCommand, "is not a path"),
    ],
)
def test_bad_redactions_are_refused_and_change_nothing(
    ledger, metadata, position, field, reason, error, message
):
    before = list(Event.objects.order_by("position").values_list("position", "data"))

    with pytest.raises(error, match=message):
        event_redact(position=position, field=field, reason=reason, metadata=metadata)

    assert list(Event.objects.order_by("position").values_list("position", "data")) == before


def test_redacting_twice_or_redacting_a_redaction_is_refused(ledger, metadata):
    redact(4, "body")
    count = Event.objects.count()

    with pytest.raises(CommandError, match="already redacted"):
        redact(4, "body")
    with pytest.raises(CommandError, match="a DataRedacted event cannot itself be redacted"):
        redact(8, "reason")

    assert Event.objects.count() == count


def test_a_tampered_event_is_not_redacted(ledger, metadata):
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET data = %s WHERE position = 4", ['{"body": "x"}'])

    with pytest.raises(LedgerIntegrityError, match="position 4 does not verify"):
        event_redact(position=4, field="body", reason=REASON, metadata=metadata)

    assert Event.objects.count() == 7
