"""The claim aggregate: a claim's state is a fold of the events in its stream."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ledger import events as ev
from ledger.checkworthiness import LABEL_NOT_CHECK_WORTHY
from ledger.exceptions import InvalidCommand, NotFound

if TYPE_CHECKING:
    from ledger.reading import RecordedEvent


class ClaimStatus(enum.StrEnum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"  # a reviewer (or editor) approved; awaits an editor's sign-off
    SIGNED_OFF = "signed_off"  # an editor signed the approval off; ready to publish
    REJECTED = "rejected"
    PUBLISHED = "published"
    RETRACTED = "retracted"


# The status an event leaves a claim in; events not listed keep the current status.
STATUS_AFTER: dict[type[ev.DomainEvent], ClaimStatus] = {
    ev.ClaimRecorded: ClaimStatus.PENDING,
    ev.ClaimReviewStarted: ClaimStatus.IN_REVIEW,
    ev.ClaimChangesRequested: ClaimStatus.CHANGES_REQUESTED,
    ev.ClaimApproved: ClaimStatus.APPROVED,
    ev.ClaimSignedOff: ClaimStatus.SIGNED_OFF,
    ev.ClaimRejected: ClaimStatus.REJECTED,
    ev.ClaimPublished: ClaimStatus.PUBLISHED,
    ev.ClaimRetracted: ClaimStatus.RETRACTED,
}


@dataclasses.dataclass(frozen=True)
class ClaimState:
    claim_id: str
    source_id: str | None
    publisher: str
    text: str
    status: str
    version: int
    assignee: str
    verdict: dict[str, Any] | None
    selector: ev.TextSelector | None
    check_worthiness: dict[str, Any]
    check_worthy: bool  # in the default queue: not found unworthy by the classifier, or promoted
    entities: list[str]
    recorded_at: datetime.datetime
    updated_at: datetime.datetime
    last_position: int


STATE_FIELDS = tuple(field.name for field in dataclasses.fields(ClaimState))


def claim_state_of(values: dict[str, Any]) -> ClaimState:
    """The ClaimState holding ``values``, which names every field of ``STATE_FIELDS``.

    What ``ClaimState(**values)`` gives, without the frozen dataclass's ``__init__``, which sets
    each field through ``object.__setattr__`` and costs five times as much: a rebuild folds a
    million events through here. ClaimState has no defaults, ``__post_init__`` or slots to miss.
    """
    state = object.__new__(ClaimState)
    state.__dict__.update(values)
    return state


def claim_check_worthy(*, check_worthiness: dict[str, Any]) -> bool:
    """Whether a recorded claim starts in the check-worthy queue: unless the classifier labelled
    it not check-worthy. A claim recorded by hand (no score) or by an extractor older than the
    classifier (no label) is in it: only a classifier's verdict moves a claim out of the way."""
    return check_worthiness.get("label") != LABEL_NOT_CHECK_WORTHY


def evolve(state: ClaimState | None, recorded: RecordedEvent) -> ClaimState:
    """Apply one recorded event of a claim stream (its version, position and time) to the
    claim's state."""
    event = recorded.event
    version = recorded.version
    position = recorded.position
    recorded_at = recorded.recorded_at
    if state is None:
        if not isinstance(event, ev.ClaimRecorded):
            raise InvalidCommand(f"a claim stream must start with ClaimRecorded, not {event}")
        return ClaimState(
            claim_id=event.claim_id,
            source_id=event.source_id,
            publisher=event.publisher,
            text=event.text,
            status=ClaimStatus.PENDING,
            version=version,
            assignee="",
            verdict=None,
            selector=event.selector,
            check_worthiness=event.check_worthiness,
            check_worthy=claim_check_worthy(check_worthiness=event.check_worthiness),
            entities=event.entities,
            recorded_at=recorded_at,
            updated_at=recorded_at,
            last_position=position,
        )
    changes: dict[str, Any] = {
        "version": version,
        "updated_at": recorded_at,
        "last_position": position,
    }
    status = STATUS_AFTER.get(type(event))
    if status is not None:
        changes["status"] = status
    match event:
        case ev.ClaimRevised(text=text):
            changes["text"] = text
            if state.status == ClaimStatus.CHANGES_REQUESTED:
                changes["status"] = ClaimStatus.PENDING
        case ev.ClaimAssigned(assignee=assignee):
            changes["assignee"] = assignee
        case ev.ClaimPromoted():
            changes["check_worthy"] = True
        case ev.ClaimVerdictSet(rating=rating, rating_name=rating_name, explanation=explanation):
            changes["verdict"] = {
                "rating": rating,
                "rating_name": rating_name,
                "explanation": explanation,
            }
    return claim_state_of({**state.__dict__, **changes})  # dataclasses.replace, cheaper


def claim_state_from_events(recorded: Iterable[RecordedEvent]) -> ClaimState:
    """Fold a claim stream's recorded events (oldest first) into its current state."""
    state: ClaimState | None = None
    for item in recorded:
        state = evolve(state, item)
    if state is None:
        raise NotFound("no such claim")
    return state
