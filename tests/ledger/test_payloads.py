"""Payload validation: the quick walk every append runs agrees with the walk that names faults."""

import dataclasses
import enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger import events as ev
from ledger.exceptions import InvalidCommand
from ledger.payloads import _plainly_valid, _refuse_invalid, validate_payload


class Colour(enum.StrEnum):
    RED = "red"


def verdict(value: object) -> str | None:
    """validate_payload's answer: None when accepted, else its message."""
    try:
        validate_payload(value)
    except InvalidCommand as error:
        return str(error)
    return None


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=False),
    st.text(),
    st.sampled_from(["a\x00b", "lone \ud800 surrogate", "caf\u00e9", Colour.RED]),
)
payloads = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=4),
    ),
    max_leaves=12,
)


@given(payloads)
def test_the_quick_walk_accepts_only_what_the_full_walk_accepts(value):
    full_walk_accepts = True
    try:
        _refuse_invalid(value, "data")
    except InvalidCommand:
        full_walk_accepts = False
    if _plainly_valid(value):
        assert full_walk_accepts
    assert (verdict(value) is None) == full_walk_accepts


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"a": [1, {"b": 0.5}]}, r"data\.a\[1\]\.b is a floating-point number"),
        ({"a": "x\x00"}, r"data\.a contains a NUL character"),
        ({"a": ["\udc80"]}, r"data\.a\[0\] is not valid Unicode text"),
        ({"n": 2**53}, r"data\.n is outside the safe integer range"),
        ({1: "x"}, r"data has a non-string key 1"),
        ({"s": {1, 2}}, r"data\.s has a value of type set"),
    ],
)
def test_a_refusal_names_the_place(value, message):
    with pytest.raises(InvalidCommand, match=message):
        validate_payload(value)


def test_subclasses_of_json_types_are_accepted_by_the_full_walk():
    assert not _plainly_valid({"colour": Colour.RED})
    assert verdict({"colour": Colour.RED, "ok": True, "n": -(2**53 - 1)}) is None


def test_metadata_to_dict_holds_every_field():
    metadata = ev.Metadata(actor="user:ann", via="api", causation_id="c-1")
    assert metadata.to_dict() == dataclasses.asdict(metadata)


def test_to_data_copies_every_field_deeply():
    event = ev.ClaimRecorded(
        claim_id="c",
        text="t",
        source_id=None,
        selector=None,
        publisher="p",
        check_worthiness={"signals": ["number"]},
        entities=["Iran"],
    )
    data = event.to_data()
    assert data == dataclasses.asdict(event)
    data["entities"].append("Israel")
    data["check_worthiness"]["signals"].clear()
    assert event.entities == ["Iran"]
    assert event.check_worthiness == {"signals": ["number"]}
