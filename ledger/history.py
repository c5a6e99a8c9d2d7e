"""Point in time: a claim's state as it stood at a position or a moment, folded from its events."""

from __future__ import annotations

import datetime

from ledger import events as ev
from ledger.claims import ClaimState, claim_state_from_events
from ledger.exceptions import InvalidCommand, NotFound
from ledger.reading import read_stream


def claim_as_of(
    *,
    claim_id: str,
    position: int | None = None,
    at: datetime.datetime | None = None,
) -> ClaimState:
    """The claim as it stood once the event at ``position`` (or every event recorded at or
    before ``at``) was committed; exactly one of the two must be given.

    Raises NotFound when the claim does not exist or did not exist yet at that point.
    """
    if (position is None) == (at is None):
        raise InvalidCommand("give exactly one of a position or a time")
    if position is not None and position < 1:
        raise InvalidCommand("a position is 1 or more")
    if at is not None and (at.tzinfo is None or at.utcoffset() is None):
        raise InvalidCommand("the time needs a time zone (e.g. 2025-01-31T12:00:00Z)")
    recorded = read_stream(claim_id)
    if not recorded or recorded[0].stream_type != ev.StreamType.CLAIM:
        raise NotFound(f"no claim {claim_id}")
    if position is not None:
        earlier = [item for item in recorded if item.position <= position]
        point = f"position {position}"
    else:
        assert at is not None
        earlier = [item for item in recorded if item.recorded_at <= at]
        point = at.isoformat()
    if not earlier:
        raise NotFound(f"claim {claim_id} was not recorded yet at {point}")
    return claim_state_from_events(earlier)
