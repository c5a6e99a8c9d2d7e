"""Events cannot be changed or removed: not through the ORM, not through SQL."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from ledger import events as ev
from ledger.exceptions import AppendOnlyViolation
from ledger.models import Event
from ledger.store import append

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(metadata) -> Event:
    append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[ev.ClaimCommented(body="original")],
        metadata=metadata,
    )
    return Event.objects.get()


def test_orm_refuses_to_save_an_existing_event(stored):
    stored.type = "Edited"
    with pytest.raises(AppendOnlyViolation):
        stored.save()
    assert Event.objects.get().type == "ClaimCommented"


def test_orm_refuses_to_delete(stored):
    with pytest.raises(AppendOnlyViolation):
        stored.delete()
    with pytest.raises(AppendOnlyViolation):
        Event.objects.all().delete()
    assert Event.objects.count() == 1


def test_orm_refuses_bulk_update(stored):
    with pytest.raises(AppendOnlyViolation):
        Event.objects.update(type="Edited")
    assert Event.objects.get().type == "ClaimCommented"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_event SET data = '{}'",
        "DELETE FROM ledger_event",
    ],
)
def test_database_trigger_rejects_update_and_delete(stored, statement):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert Event.objects.get().data == {"body": "original"}


@pytest.mark.postgres
def test_database_trigger_rejects_truncate_on_postgresql(stored):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE ledger_event")
    assert Event.objects.count() == 1


def test_the_database_refuses_a_second_event_with_the_same_hash(stored):
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_event (position, stream_id, stream_type, version, type,"
            " schema_version, data, metadata, recorded_at, prev_hash, hash)"
            " SELECT position + 1, 'other', stream_type, 1, type, schema_version, data,"
            " metadata, recorded_at, hash, hash FROM ledger_event"
        )
    assert Event.objects.count() == 1


@pytest.mark.postgres
def test_the_hash_has_one_index_on_postgresql(stored):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'ledger_event'"
            " AND indexdef LIKE '%%(hash%%'"
        )
        assert [row[0] for row in cursor.fetchall()] == ["event_hash_unique"]
