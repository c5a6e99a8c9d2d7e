"""The event store: optimistic concurrency, idempotency, payload rules."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict, IdempotencyKeyReused, InvalidCommand
from ledger.models import Event
from ledger.reading import head_position, read_all, read_stream, read_streams
from ledger.store import append
from ledger.verify_export import GENESIS_HASH

pytestmark = pytest.mark.django_db


def comment(body: str = "looks right") -> ev.ClaimCommented:
    return ev.ClaimCommented(body=body)


def test_first_append_starts_the_chain_at_position_one(metadata):
    # when
    result = append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment(), comment("second")],
        metadata=metadata,
    )

    # then
    assert [e.position for e in result.events] == [1, 2]
    assert [e.version for e in result.events] == [1, 2]
    rows = list(Event.objects.order_by("position"))
    assert rows[0].prev_hash == GENESIS_HASH
    assert rows[1].prev_hash == rows[0].hash
    assert rows[0].metadata == {
        "actor": "user:tester",
        "via": "test",
        "correlation_id": metadata.correlation_id,
        "causation_id": None,
    }


def test_stale_expected_version_is_a_conflict_and_appends_nothing(metadata):
    # given
    append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment()],
        metadata=metadata,
    )

    # when
    with pytest.raises(ConcurrencyConflict) as raised:
        append(
            stream_id="s-1",
            stream_type="test",
            expected_version=0,
            events=[comment("x")],
            metadata=metadata,
        )

    # then
    assert raised.value.current_version == 1
    assert raised.value.expected_version == 0
    assert "is at version 1, not 0" in raised.value.message
    assert Event.objects.count() == 1


def test_expected_version_ahead_of_the_stream_is_a_conflict(metadata):
    with pytest.raises(ConcurrencyConflict):
        append(
            stream_id="s-9",
            stream_type="test",
            expected_version=3,
            events=[comment()],
            metadata=metadata,
        )
    assert Event.objects.count() == 0


def test_unique_stream_version_is_enforced_by_the_database(metadata):
    # given
    append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment()],
        metadata=metadata,
    )
    original = Event.objects.get()

    # when / then: a second row for the same stream version, bypassing append
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.bulk_create(
            [
                Event(
                    position=2,
                    stream_id="s-1",
                    stream_type="test",
                    version=1,
                    type=original.type,
                    data={},
                    metadata={},
                    recorded_at=original.recorded_at,
                    prev_hash=original.hash,
                    hash="f" * 64,
                )
            ]
        )
    assert Event.objects.count() == 1


def test_repeated_idempotency_key_returns_the_original_events_and_appends_nothing(metadata):
    # given
    first = append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment()],
        metadata=metadata,
        idempotency_key="k-1",
    )

    # when
    again = append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment()],
        metadata=metadata,
        idempotency_key="k-1",
    )

    # then
    assert again.replayed is True
    assert first.replayed is False
    assert [e.hash for e in again.events] == [e.hash for e in first.events]
    assert Event.objects.count() == 1


def test_idempotency_key_reused_for_another_command_is_refused(metadata):
    append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment()],
        metadata=metadata,
        idempotency_key="k-1",
    )

    with pytest.raises(IdempotencyKeyReused):
        append(
            stream_id="s-2",
            stream_type="test",
            expected_version=0,
            events=[comment()],
            metadata=metadata,
            idempotency_key="k-1",
        )
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("bad\x00text", "NUL"),
        ("\ud800", "not valid Unicode"),
    ],
)
def test_malformed_payload_is_refused_and_appends_nothing(metadata, payload, message):
    with pytest.raises(InvalidCommand, match=message):
        append(
            stream_id="s-1",
            stream_type="test",
            expected_version=0,
            events=[comment(payload)],
            metadata=metadata,
        )
    assert Event.objects.count() == 0


def test_floats_are_refused_because_they_have_no_exact_canonical_form(metadata):
    flag = ev.ContradictionFlagged(claims=["a", "b"], score=0.5, cues=[], detector_version="1")  # type: ignore[arg-type]
    with pytest.raises(InvalidCommand, match="floating-point"):
        append(
            stream_id="f-1",
            stream_type="contradiction",
            expected_version=0,
            events=[flag],
            metadata=metadata,
        )
    assert Event.objects.count() == 0


def test_a_stream_keeps_its_type(metadata):
    append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[comment()],
        metadata=metadata,
    )
    with pytest.raises(InvalidCommand, match="is a test stream"):
        append(
            stream_id="s-1",
            stream_type="source",
            expected_version=1,
            events=[comment()],
            metadata=metadata,
        )
    assert Event.objects.count() == 1


def test_empty_command_is_refused(metadata):
    with pytest.raises(InvalidCommand, match="at least one event"):
        append(
            stream_id="s-1", stream_type="test", expected_version=0, events=[], metadata=metadata
        )


def test_readers_see_streams_and_the_global_order(metadata):
    # given
    append(
        stream_id="a",
        stream_type="test",
        expected_version=0,
        events=[comment("a1")],
        metadata=metadata,
    )
    append(
        stream_id="b",
        stream_type="test",
        expected_version=0,
        events=[comment("b1")],
        metadata=metadata,
    )
    append(
        stream_id="a",
        stream_type="test",
        expected_version=1,
        events=[comment("a2")],
        metadata=metadata,
    )

    # then
    assert [e.event for e in read_stream("a")] == [comment("a1"), comment("a2")]
    assert [(e.position, e.stream_id) for e in read_all(after_position=1)] == [(2, "b"), (3, "a")]
    assert head_position() == 3
    assert read_stream("missing") == []


def test_read_streams_reads_several_streams_as_read_stream_reads_each(metadata):
    # given two streams with events interleaved in the log
    for stream_id, version, body in [("a", 0, "a1"), ("b", 0, "b1"), ("a", 1, "a2")]:
        append(
            stream_id=stream_id,
            stream_type="test",
            expected_version=version,
            events=[comment(body)],
            metadata=metadata,
        )

    # when both and a missing one are read together
    streams = read_streams(["b", "missing", "a"])

    # then each stream is oldest first, as read_stream reads it, and the missing one is empty
    assert streams == {"b": read_stream("b"), "missing": [], "a": read_stream("a")}
    assert [e.event for e in streams["a"]] == [comment("a1"), comment("a2")]
    assert read_streams([]) == {}


@pytest.mark.usefixtures("ledger_transactional_db")
def test_an_append_in_its_own_transaction_sends_its_commit_with_its_writes(metadata, monkeypatch):
    # given a stream with one event
    append(
        stream_id="s-own", stream_type="test", expected_version=0, events=[comment()],
        metadata=metadata,
    )  # fmt: skip

    # when a second append runs in a transaction of its own (no caller's)
    with _round_trips_counted(monkeypatch) as sent:
        append(
            stream_id="s-own", stream_type="test", expected_version=1, events=[comment("2")],
            metadata=metadata,
        )  # fmt: skip

    # then it is committed, and on PostgreSQL its statements are the locked read, then the
    # writes and the COMMIT in one round trip; the atomic block's commit sends nothing more
    assert [e.version for e in read_stream("s-own")] == [1, 2]
    if connection.vendor == "postgresql":
        assert sent == [
            ["SELECT * FROM ledger_read_locked"],
            ['INSERT INTO "ledger_event"', "COMMIT"],
        ]


@contextmanager
def _round_trips_counted(monkeypatch) -> Iterator[list[list[str]]]:
    """The start of each statement psycopg executes, grouped by the round trip (the pipeline
    sync) that carried it (PostgreSQL)."""
    sent: list[list[str]] = []
    if connection.vendor != "postgresql":
        yield sent
        return
    import psycopg
    from psycopg._pipeline_base import BasePipeline

    syncs = [0]
    grouped: dict[int, list[str]] = {}
    execute, enqueue_sync = psycopg.Cursor.execute, BasePipeline._enqueue_sync

    def counted_execute(self, query, *args, **kwargs):
        grouped.setdefault(syncs[0], []).append(str(query)[:32].split(" (")[0])
        return execute(self, query, *args, **kwargs)

    def counted_sync(self):
        syncs[0] += 1
        return enqueue_sync(self)

    with monkeypatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", counted_execute)
        patch.setattr(BasePipeline, "_enqueue_sync", counted_sync)
        yield sent
    sent.extend(grouped[index] for index in sorted(grouped))
