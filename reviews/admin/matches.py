"""The claim page's matches: its group, the pending suggestions and the editors' decisions.

The page lists the claim's group (the canonical claim first, every member with its source URL,
the verdict the group answers with) and the pairs naming the claim. Each form posts one
decision with the pair's version as the page showed it and a required note: confirm or reject
a suggestion, unmatch a matched pair, match by hand (a listed pair that was rejected or
unmatched, or a claim id typed in: a new pair, version 0). The services decide who may
(``reviews.matching.services``, editors and administrators); the page only hides the forms
from others. A refused decision appends nothing and the page is shown again with the note kept.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from ledger.events import Metadata
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, LedgerError, NotFound
from reviews.actors import Actor
from reviews.matching.selectors import match_group_visible, match_pair_list, match_pairs_visible
from reviews.matching.services import MATCH_DECIDERS, MatchDecision, match_by_hand, match_decide
from reviews.selectors import claim_get_visible

MATCH_ACTION_FIELD = "match_action"


class MatchAction(enum.StrEnum):
    """What a match form of the claim page asks for."""

    CONFIRM = "confirm"
    REJECT = "reject"
    UNMATCH = "unmatch"
    BY_HAND = "by_hand"

    @property
    def label(self) -> str:
        return {
            MatchAction.CONFIRM: "Confirm the match",
            MatchAction.REJECT: "Reject the match",
            MatchAction.UNMATCH: "Unmatch",
            MatchAction.BY_HAND: "Match by hand",
        }[self]


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A match form that recorded nothing: the page is shown again with its note."""

    status: int
    note: str
    pair_id: str


def claim_matches_context(*, actor: Actor, claim_id: str) -> dict[str, Any]:
    """What the claim page shows of the claim's matches, for ``actor``."""
    pairs = match_pairs_visible(actor=actor, claim_id=claim_id)
    return {
        "match_group": match_group_visible(actor=actor, claim_id=claim_id),
        "match_suggestions": [pair for pair in pairs if pair.status == "suggested"],
        "match_decided": [pair for pair in pairs if pair.status != "suggested"],
        "may_decide_matches": bool(actor.roles & MATCH_DECIDERS),
    }


def is_match_post(request: HttpRequest) -> bool:
    return MATCH_ACTION_FIELD in request.POST


def claim_match_post(request: HttpRequest, *, actor: Actor, claim_id: str) -> Refusal | None:
    """Run the match form the claim page posted; None when it was recorded (a message says
    what was done), else the Refusal (a message says why nothing was recorded)."""
    note = request.POST.get("note", "")
    pair_id = request.POST.get("pair_id", "")
    try:
        action = MatchAction(request.POST.get(MATCH_ACTION_FIELD, ""))
        version = int(request.POST.get("expected_version", ""))
    except ValueError:
        messages.error(request, "Nothing was recorded: the page sent no match action or version.")
        return Refusal(status=400, note=note, pair_id=pair_id)
    metadata = Metadata(actor=actor.reference, via="admin")
    try:
        if action is MatchAction.BY_HAND:
            other = _other_claim(request, actor=actor, claim_id=claim_id)
            match_by_hand(
                actor=actor,
                claim_a=claim_id,
                claim_b=other,
                expected_version=version,
                note=note,
                metadata=metadata,
            )
        else:
            if pair_id not in {pair.pair_id for pair in match_pair_list(claim_id=claim_id)}:
                raise NotFound(f"this claim has no match pair {pair_id!r}")
            match_decide(
                actor=actor,
                pair_id=pair_id,
                expected_version=version,
                decision=MatchDecision(action.value),
                note=note,
                metadata=metadata,
            )
    except ConcurrencyConflict:
        messages.error(
            request,
            f"{action.label} refused, nothing was recorded: the match changed since you opened "
            "the page. Your note is kept below; read the match again before deciding.",
        )
        return Refusal(status=409, note=note, pair_id=pair_id)
    except LedgerError as error:
        messages.error(request, f"{action.label} refused, nothing was recorded: {error.message}")
        return Refusal(status=400, note=note, pair_id=pair_id)
    messages.success(request, f"{action.label}: done.")
    return None


def _other_claim(request: HttpRequest, *, actor: Actor, claim_id: str) -> str:
    """The claim a by-hand match names: a listed pair's other claim, or an id typed in."""
    typed = request.POST.get("other_claim", "").strip()
    try:
        other = uuid.UUID(typed)
    except ValueError:
        raise InvalidCommand(
            f"{typed!r} is not a claim id: give the id of the claim to match this one with"
        ) from None
    return str(claim_get_visible(actor=actor, claim_id=str(other)).claim_id)
