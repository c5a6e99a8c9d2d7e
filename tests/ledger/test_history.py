"""Point in time: a claim's state at a position or a moment, rebuilt from its events."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from ledger.exceptions import InvalidCommand, NotFound
from ledger.history import claim_as_of
from ledger.models import Event
from tests.ledger.exports_helpers import small_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(metadata):
    return small_ledger(metadata)


def test_state_at_a_position_reflects_only_the_events_up_to_it(ledger):
    at_two = claim_as_of(claim_id=ledger.first_claim, position=2)
    at_three = claim_as_of(claim_id=ledger.first_claim, position=3)
    now = claim_as_of(claim_id=ledger.first_claim, position=7)

    assert (at_two.version, at_two.assignee, at_two.verdict) == (1, "", None)
    assert (at_three.version, at_three.assignee) == (2, "editor")
    assert now.verdict == {"rating": 1, "rating_name": "false", "explanation": "Contradicted."}


def test_state_at_a_time_uses_the_events_recorded_by_then(ledger):
    moment = Event.objects.get(position=3).recorded_at

    state = claim_as_of(claim_id=ledger.first_claim, at=moment)

    assert (state.version, state.last_position) == (2, 3)


def test_before_the_claim_existed_is_not_found(ledger):
    with pytest.raises(NotFound, match="was not recorded yet at position 1"):
        claim_as_of(claim_id=ledger.second_claim, position=1)
    with pytest.raises(NotFound, match="no claim nope"):
        claim_as_of(claim_id="nope", position=5)
    with pytest.raises(NotFound, match=f"no claim {ledger.contradiction}"):
        claim_as_of(claim_id=ledger.contradiction, position=5)


def test_exactly_one_point_is_required(ledger):
    with pytest.raises(InvalidCommand, match="exactly one"):
        claim_as_of(claim_id=ledger.first_claim)
    with pytest.raises(InvalidCommand, match="time zone"):
        claim_as_of(claim_id=ledger.first_claim, at=datetime.datetime(2025, 1, 1))


def test_command_prints_the_state_as_json(ledger, capsys):
    call_command("claim_as_of", ledger.first_claim, "--position", "3")

    state = json.loads(capsys.readouterr().out)
    assert (state["claim_id"], state["version"], state["assignee"]) == (
        ledger.first_claim,
        2,
        "editor",
    )
    moment = Event.objects.get(position=1).recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%f")
    call_command("claim_as_of", ledger.first_claim, "--at", moment)  # no zone: UTC
    assert json.loads(capsys.readouterr().out)["version"] == 1
    with pytest.raises(CommandError, match="was not recorded yet"):
        call_command("claim_as_of", ledger.second_claim, "--position", "1")
