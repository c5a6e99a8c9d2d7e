"""Following the log without a batch transaction: the cursor, the lease, a failing handler."""

import pytest

from ledger.consumers import consumer_advance, consumer_follow_batch, consumer_lease
from ledger.models import ConsumerCursor, Event
from ledger.services import claim_record

pytestmark = pytest.mark.django_db

TYPES = ["ClaimRecorded"]


@pytest.fixture
def positions(metadata) -> list[int]:
    for text in ("Oslo opened a museum.", "Bergen opened a port.", "Tromso opened a bridge."):
        claim_record(text=text, metadata=metadata)
    return list(
        Event.objects.filter(type="ClaimRecorded")
        .order_by("position")
        .values_list("position", flat=True)
    )


def cursor() -> int:
    return ConsumerCursor.objects.get(name="test").position


def test_a_batch_is_handled_in_order_and_the_cursor_moves_to_its_last_event(positions):
    handled: list[int] = []

    def handle_batch(batch):
        handled.extend(item.position for item in batch)

    # when
    count = consumer_follow_batch(
        consumer="test", handle_batch=handle_batch, batch_size=2, types=TYPES
    )
    # then
    assert count == 2
    assert handled == positions[:2]
    assert cursor() == positions[1]
    # and the next batch starts after it
    assert (
        consumer_follow_batch(consumer="test", handle_batch=handle_batch, batch_size=2, types=TYPES)
        == 1
    )
    assert handled == positions


def test_a_failing_handler_leaves_the_cursor_where_the_handler_last_moved_it(positions):
    def handle_batch(batch):
        for item in batch:
            if item.position == positions[2]:
                raise RuntimeError("worker killed")
            consumer_advance(consumer="test", position=item.position)

    with pytest.raises(RuntimeError, match="worker killed"):
        consumer_follow_batch(
            consumer="test", handle_batch=handle_batch, batch_size=10, types=TYPES
        )
    assert cursor() == positions[1]


def test_the_cursor_never_moves_back(positions):
    with consumer_lease(consumer="test") as position:
        assert position == 0
    consumer_advance(consumer="test", position=positions[2])
    # when
    consumer_advance(consumer="test", position=positions[0])
    # then
    assert cursor() == positions[2]


def test_a_batch_handler_gets_the_whole_batch_at_once_and_never_an_empty_one(positions):
    batches: list[list[int]] = []

    def handle_batch(batch):
        batches.append([item.position for item in batch])

    # when
    count = consumer_follow_batch(
        consumer="test", handle_batch=handle_batch, batch_size=2, types=TYPES
    )
    consumer_follow_batch(consumer="test", handle_batch=handle_batch, batch_size=2, types=TYPES)
    consumer_follow_batch(consumer="test", handle_batch=handle_batch, batch_size=2, types=TYPES)
    # then
    assert count == 2
    assert batches == [positions[:2], positions[2:]]
    assert cursor() == positions[2]
