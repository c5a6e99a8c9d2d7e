"""The workflow as a state machine: the command table's transitions, flattened and indexed, and
``workflow_check``, which says whether an actor may run a command on a claim now."""

from __future__ import annotations

import dataclasses

from ledger.claims import ClaimState, ClaimStatus
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied, TransitionNotAllowed
from reviews.roles import Role
from reviews.workflow.commands import COMMANDS, Command


@dataclasses.dataclass(frozen=True)
class Transition:
    """``command`` from any of ``sources`` leads to ``target`` (None: the state is unchanged)."""

    command: Command
    sources: frozenset[ClaimStatus]
    target: ClaimStatus | None
    roles: frozenset[Role]


# The table's transitions, flattened: what the checks and the role groups' permissions read.
TRANSITIONS: tuple[Transition, ...] = tuple(
    Transition(spec.command, row.sources, row.target, row.roles)
    for spec in COMMANDS.values()
    for row in spec.transitions
)


def _index() -> dict[tuple[ClaimStatus, Command], Transition]:
    index: dict[tuple[ClaimStatus, Command], Transition] = {}
    for transition in TRANSITIONS:
        for source in transition.sources:
            key = (source, transition.command)
            if key in index:
                raise AssertionError(f"the workflow lists {key} twice")
            index[key] = transition
    return index


TRANSITION_INDEX = _index()


def workflow_roles_for(*, command: Command) -> frozenset[Role]:
    """Every role that may run ``command`` in at least one state."""
    roles: set[Role] = set()
    for transition in TRANSITIONS:
        if transition.command == command:
            roles |= transition.roles
    return frozenset(roles)


def workflow_commands_for(*, role: Role) -> frozenset[Command]:
    """Every command ``role`` may run in at least one state (its group's permissions)."""
    return frozenset(t.command for t in TRANSITIONS if role in t.roles)


def _in_scope(*, actor: Actor, role: Role, claim: ClaimState) -> bool:
    if role is Role.REVIEWER:
        return claim.assignee == actor.username
    if role is Role.PUBLISHER:
        return actor.organisation is not None and claim.publisher == actor.organisation
    return True


def _status_label(status: str) -> str:
    return status.replace("_", " ")


def workflow_check(*, actor: Actor, claim: ClaimState, command: Command) -> ClaimStatus:
    """The state ``command`` leaves ``claim`` in, if ``actor`` may run it now.

    Raises PermissionDenied when none of the actor's roles may ever run the command, or may run it
    only on claims out of their scope (a reviewer on a claim assigned to someone else, a publisher
    on another organisation's claim); TransitionNotAllowed when the claim's state does not allow
    the command for the actor's roles, or for a promotion when the claim is already check-worthy.
    """
    status = ClaimStatus(claim.status)
    capable = actor.roles & workflow_roles_for(command=command)
    if not capable:
        raise PermissionDenied(
            f"{actor.username} ({actor.describe_roles()}) may not {command.label.lower()} claims"
        )
    in_scope = {role for role in capable if _in_scope(actor=actor, role=role, claim=claim)}
    if not in_scope:
        reason = (
            "it is not assigned to you"
            if Role.REVIEWER in capable
            else "it belongs to another organisation"
        )
        raise PermissionDenied(
            f"{actor.username} may not {command.label.lower()} this claim: {reason}"
        )
    transition = TRANSITION_INDEX.get((status, command))
    if transition is None or not in_scope & transition.roles:
        allowed_from = sorted(
            _status_label(source)
            for t in TRANSITIONS
            if t.command == command and in_scope & t.roles
            for source in t.sources
        )
        raise TransitionNotAllowed(
            f"cannot {command.label.lower()} a claim that is {_status_label(status)} "
            f"as {actor.describe_roles()}; allowed from: {', '.join(allowed_from)}"
        )
    if command is Command.PROMOTE and claim.check_worthy:
        raise TransitionNotAllowed("the claim is already in the check-worthy queue")
    return transition.target or status


def workflow_available_commands(*, actor: Actor, claim: ClaimState) -> list[Command]:
    """The commands ``actor`` may run on ``claim`` now, in workflow order (for the admin)."""
    available = []
    for command in Command:
        try:
            workflow_check(actor=actor, claim=claim, command=command)
        except (PermissionDenied, TransitionNotAllowed):
            continue
        available.append(command)
    return available
