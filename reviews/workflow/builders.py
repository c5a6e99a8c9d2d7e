"""The event builders of the workflow commands that read more than their arguments.

A builder gets the claim as checked and the cleaned arguments (``CommandInput``) and returns the
event the command records, or raises, so a refusal appends nothing. What it reads besides the
claim comes through ``CommandReads``, which the service supplies from the selectors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol

from ledger import events as ev
from ledger.claims import ClaimState
from ledger.exceptions import InvalidCommand
from reviews.actors import Actor
from reviews.roles import Role
from reviews.verdicts import Rating
from reviews.workflow.checks import OpenFlag, workflow_check_four_eyes, workflow_check_open_flags


class CommandReads(Protocol):
    """What an event builder may read besides the claim (the service supplies it)."""

    def user_roles(self, username: str) -> frozenset[Role]: ...

    def sign_off_parties(self, claim_id: str) -> tuple[str | None, str | None]:
        """The actors (``user:<name>``) of the claim's latest approval and latest verdict."""
        ...

    def four_eyes_required(self, organisation: str) -> bool: ...

    def open_flags(self, claim_id: str) -> list[OpenFlag]: ...


@dataclasses.dataclass(frozen=True)
class CommandInput:
    """What an event builder gets: who acts, the claim as checked, the cleaned arguments."""

    actor: Actor
    claim: ClaimState
    arguments: Mapping[str, Any]
    reads: CommandReads


def build_assigned(given: CommandInput) -> ev.DomainEvent:
    assignee = given.arguments["assignee"]
    if not given.reads.user_roles(assignee) & {Role.REVIEWER, Role.EDITOR}:
        raise InvalidCommand(f"{assignee!r} is not an active reviewer or editor")
    if given.claim.assignee == assignee:
        raise InvalidCommand(f"the claim is already assigned to {assignee}")
    return ev.ClaimAssigned(assignee=assignee, note=given.arguments["note"])


def build_revised(given: CommandInput) -> ev.DomainEvent:
    if given.arguments["text"] == given.claim.text:
        raise InvalidCommand("the revision does not change the claim's text")
    return ev.ClaimRevised(text=given.arguments["text"], reason=given.arguments["reason"])


def build_verdict_set(given: CommandInput) -> ev.DomainEvent:
    rating: Rating = given.arguments["rating"]
    return ev.ClaimVerdictSet(
        rating=rating.value, rating_name=rating.label, explanation=given.arguments["explanation"]
    )


def build_approved(given: CommandInput) -> ev.DomainEvent:
    if given.claim.verdict is None:
        raise InvalidCommand("set a verdict before approving the claim")
    return ev.ClaimApproved(note=given.arguments["note"])


def build_signed_off(given: CommandInput) -> ev.DomainEvent:
    approved_by, verdict_by = given.reads.sign_off_parties(given.claim.claim_id)
    workflow_check_four_eyes(
        actor=given.actor,
        approved_by=approved_by,
        verdict_by=verdict_by,
        required=given.reads.four_eyes_required(given.claim.publisher),
    )
    return ev.ClaimSignedOff(note=given.arguments["note"])


def build_published(given: CommandInput) -> ev.DomainEvent:
    override_reason = given.arguments["override_reason"]
    overridden = workflow_check_open_flags(
        actor=given.actor,
        open_flags=given.reads.open_flags(given.claim.claim_id),
        override_reason=override_reason,
    )
    return ev.ClaimPublished(
        url=given.arguments["url"], overridden_flags=overridden, override_reason=override_reason
    )
