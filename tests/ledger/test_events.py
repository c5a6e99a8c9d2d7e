"""Event shapes: old stored shapes are upcast when read, never rewritten."""

import dataclasses
from typing import ClassVar

import pytest

from ledger import events as ev
from ledger.exceptions import InvalidCommand
from ledger.models import Event
from ledger.reading import read_stream
from ledger.store import append
from tests.ledger.old_events import FLAG_V1_DATA, flag_v1_append


@dataclasses.dataclass(frozen=True)
class ClaimCommentedV2(ev.DomainEvent):
    """A future shape of ClaimCommented that adds a visibility field."""

    event_type = ev.EventType.CLAIM_COMMENTED
    schema_version: ClassVar[int] = 2
    body: str
    visibility: str


@pytest.mark.django_db
def test_old_shape_is_upcast_on_read_and_left_as_stored(metadata, monkeypatch):
    # given an event stored in the version-1 shape
    append(
        stream_id="s-1",
        stream_type="test",
        expected_version=0,
        events=[ev.ClaimCommented(body="looks right")],
        metadata=metadata,
    )

    # when the code moves to version 2 with an upcaster
    monkeypatch.setitem(ev.EVENT_CLASSES, "ClaimCommented", ClaimCommentedV2)
    monkeypatch.setitem(
        ev.UPCASTERS, ("ClaimCommented", 1), lambda data: {**data, "visibility": "internal"}
    )

    # then
    [recorded] = read_stream("s-1")
    assert recorded.event == ClaimCommentedV2(body="looks right", visibility="internal")
    stored = Event.objects.get()
    assert (stored.schema_version, stored.data) == (1, {"body": "looks right"})


def test_a_shape_newer_than_the_code_is_refused():
    with pytest.raises(InvalidCommand, match="newer than this code knows"):
        ev.event_from_stored(type_name="ClaimCommented", schema_version=9, data={"body": "x"})


def test_unknown_event_type_is_refused():
    with pytest.raises(InvalidCommand, match="unknown event type"):
        ev.event_from_stored(type_name="ClaimTeleported", schema_version=1, data={})


def test_every_event_type_has_one_constructor():
    assert set(ev.EVENT_CLASSES) == {member.value for member in ev.EventType}


def test_a_flag_records_its_cues_kinds_in_schema_2(metadata):
    # given / when a flag of the current shape
    flagged = ev.ContradictionFlagged(**FLAG_V1_DATA, cue_kinds=["negation"])

    # then its payload carries the kinds beside the cues
    assert ev.ContradictionFlagged.schema_version == 2
    assert flagged.to_data() == {**FLAG_V1_DATA, "cue_kinds": ["negation"]}


@pytest.mark.django_db
def test_a_schema_1_flag_is_read_with_no_cue_kinds_and_left_as_stored(metadata):
    # given a flag stored before the kinds were recorded
    flag_v1_append(stream_id="33333333-3333-3333-3333-333333333333", metadata=metadata)

    # when it is read / then it is upcast with no kinds, and the stored row is unchanged
    [recorded] = read_stream("33333333-3333-3333-3333-333333333333")
    assert recorded.event == ev.ContradictionFlagged(**FLAG_V1_DATA, cue_kinds=[])
    stored = Event.objects.get()
    assert (stored.schema_version, stored.data) == (1, FLAG_V1_DATA)
