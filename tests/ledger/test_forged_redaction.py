"""A forged redaction fails both verifiers, and the application role cannot make one.

A redaction is provable only from commitments made at append (hash format 2): whoever rewrites
a payload and records a DataRedacted event for it, with every salt the database holds, still
fails at that event unless the only change is the named text, now the marker.
"""

import json
import os

import pytest
from django.db import DatabaseError, connection, transaction

from ledger import events as ev
from ledger.db_guards import REDACTOR_ROLE
from ledger.exceptions import InvalidCommand
from ledger.models import Event
from ledger.reading import format_timestamp
from ledger.redaction import event_redact, redaction_stream_id
from ledger.services import claim_record
from ledger.store import append
from ledger.verification import ledger_verify
from ledger.verify_export import (
    data_digest,
    event_hash,
    fields_digest,
    leaf_commitment,
    leaf_salt,
    salted_digest,
)
from tests.conftest import ADMIN_DATABASE_URL, append_only_guards_removed
from tests.ledger.exports_helpers import bad_line, export, small_ledger, verify

pytestmark = pytest.mark.django_db

VERDICT = 7  # small_ledger's last event: ClaimVerdictSet(rating=1, rating_name="false", ...)


@pytest.fixture
def ledger(metadata):
    return small_ledger(metadata)


def text_paths(data):
    paths = []

    def collect(_index, path, _value):
        paths.append(path)
        return ""

    fields_digest(data, collect)
    return paths


def run_sql(*statements):
    """Run (sql, params) statements in one transaction, rolled back if one fails."""
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def forge(position, changes, named, metadata, marker_paths=()):
    """Rewrite the payload at ``position`` as an attacker holding the table would: with the
    triggers off, ``changes`` applied, a leaf proof built from the event's own salt (a
    commitment for each of ``marker_paths``, a salt for every other text), and a DataRedacted
    event naming ``named`` appended through the application's own append path."""
    row = Event.objects.get(position=position)
    data = {**row.data, **changes}
    leaves = []
    for index, path in enumerate(text_paths(data)):
        salt_of_leaf = leaf_salt(row.salt, index)
        if path in marker_paths:
            leaves.append({"commitment": leaf_commitment(salt_of_leaf, row.data[path])})
        else:
            leaves.append({"salt": salt_of_leaf})
    digest = salted_digest(row.salt, row.data)  # what the event's hash covers
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_event SET data = %s, salt = '', leaves = %s WHERE position = %s",
            [json.dumps(data), json.dumps(leaves), position],
        )
    append(
        stream_id=redaction_stream_id(position),
        stream_type=ev.StreamType.REDACTION,
        expected_version=0,
        events=[
            ev.DataRedacted(
                position=position,
                event_hash=row.hash,
                stream_id=row.stream_id,
                field=named,
                reason="forged",
                data_digest_before=digest,
                data_digest_after=digest,
            )
        ],
        metadata=metadata,
    )


@pytest.mark.parametrize(
    ("changes", "named", "marker_paths", "reason"),
    [
        # the case: a published verdict changed, "redacting" the number
        ({"rating": 4}, "rating", (), "payload differs from what its last redaction left"),
        # a text changed to another text, not the marker
        (
            {"rating_name": "true"},
            "rating_name",
            (),
            "payload differs from what its last redaction left",
        ),
        # the marker written into a field no DataRedacted event names
        (
            {"rating_name": ev.REDACTED},
            "explanation",
            ("rating_name",),
            "redacted field(s) rating_name are not the ones its redactions name (explanation)",
        ),
    ],
)
def test_a_forged_redaction_fails_both_verifiers_at_the_event(
    ledger, metadata, tmp_path, changes, named, marker_paths, reason
):
    # given
    forge(VERDICT, changes, named, metadata, marker_paths)

    # when
    result = ledger_verify()
    lines = export(tmp_path / "forged.jsonl", "--format", "jsonl")

    # then
    assert result.first_break is not None
    assert result.first_break.position == VERDICT
    assert result.first_break.reason == "payload differs from what its redactions recorded"
    bad = bad_line(lines)
    assert (bad.line_number, bad.reason) == (VERDICT, f"position {VERDICT}: {reason}")


def test_a_genuine_redaction_keeps_verifying_and_deletes_the_salt(ledger, metadata, tmp_path):
    # when
    before = Event.objects.get(position=VERDICT)
    event_redact(
        position=VERDICT,
        field="explanation",
        reason="names a source",
        metadata=metadata,
    )

    # then
    after = Event.objects.get(position=VERDICT)
    assert after.data == {"rating": 1, "rating_name": "false", "explanation": ev.REDACTED}
    assert (after.salt, after.fields_digest, after.hash) == ("", before.fields_digest, before.hash)
    # explanation, rating_name: the commitment of the removed text, the other text's leaf salt
    assert after.leaves == [
        {"commitment": leaf_commitment(leaf_salt(before.salt, 0), "Contradicted.")},
        {"salt": leaf_salt(before.salt, 1)},
    ]
    assert ledger_verify().intact
    assert verify(export(tmp_path / "redacted.jsonl", "--format", "jsonl")).redacted_events == 1


def test_the_session_setting_no_longer_opens_the_table(ledger):
    # given the setting the old trigger trusted (any role may set it)
    before = Event.objects.get(position=VERDICT).data

    # when
    setting = (
        [("SELECT set_config('ledger.redacting_position', %s, true)", ["7"])]
        if connection.vendor == "postgresql"
        else []
    )
    update = ("UPDATE ledger_event SET data = %s WHERE position = 7", [json.dumps({"rating": 4})])
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(*setting, update)

    # then
    assert Event.objects.get(position=VERDICT).data == before


@pytest.mark.postgres
def test_the_application_role_can_only_redact_text_to_the_marker(ledger):
    # given the database role the application runs as (claims_app under .ci/run)
    before = list(Event.objects.order_by("position").values_list("position", "data", "salt"))

    # when it calls the redaction function on a number, or updates the table itself
    with pytest.raises(DatabaseError, match="has no text at"):
        run_sql(("SELECT ledger_event_redact(7, '{rating}', '[]'::jsonb)", []))
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(("UPDATE ledger_event SET salt = '' WHERE position = 7", []))

    # then nothing changed
    assert list(Event.objects.order_by("position").values_list("position", "data", "salt")) == (
        before
    )


@pytest.mark.postgres
def test_a_redaction_by_the_function_without_its_record_fails_verification(ledger):
    # given the redaction function called directly, without a DataRedacted event
    with connection.cursor() as cursor:
        cursor.execute("SELECT ledger_event_redact(7, '{rating_name}', '[]'::jsonb)")

    # then
    assert Event.objects.get(position=VERDICT).data["rating_name"] == ev.REDACTED
    result = ledger_verify()
    assert result.first_break is not None
    assert result.first_break.position == VERDICT


def test_an_event_of_hash_format_1_still_verifies_but_is_not_redacted(metadata):
    # given a ledger of one event stored as hash format 1 (before per-field commitments)
    claim_record(text="Iran's allies have been largely silent.", metadata=metadata)
    row = Event.objects.get(position=1)
    envelope = {
        "position": 1,
        "stream_id": row.stream_id,
        "stream_type": row.stream_type,
        "version": 1,
        "type": row.type,
        "schema_version": row.schema_version,
        "metadata": row.metadata,
        "recorded_at": format_timestamp(row.recorded_at),
        "prev_hash": row.prev_hash,
    }
    format_1_hash = event_hash(envelope, data_digest(row.data))
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_event SET hash = %s, salt = '', fields_digest = '' WHERE position = 1",
            [format_1_hash],
        )
    assert ledger_verify().intact

    # when
    with pytest.raises(InvalidCommand, match="recorded in hash format 1"):
        event_redact(position=1, field="text", reason="test", metadata=metadata)

    # then
    assert Event.objects.count() == 1
    assert Event.objects.get(position=1).data["text"] == "Iran's allies have been largely silent."


@pytest.mark.postgres
def test_with_an_admin_url_the_suite_runs_as_a_role_that_is_not_a_superuser():
    # .ci/run sets ADMIN_DATABASE_URL and runs the PostgreSQL pass as claims_app: the tests
    # above then prove what the application's own role can and cannot do
    if not os.environ.get(ADMIN_DATABASE_URL):
        pytest.skip(f"{ADMIN_DATABASE_URL} is not set: the pass runs as whoever DATABASE_URL names")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreaterole, pg_has_role(current_user, %s, 'MEMBER')"
            " FROM pg_roles WHERE rolname = current_user",
            [REDACTOR_ROLE],
        )
        assert cursor.fetchone() == (False, False, False)
