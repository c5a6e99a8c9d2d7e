"""The review workflow: which role may run which command on a claim in which state.

``COMMANDS`` is the one place that says what may happen: per command, the states it may run
from and by which roles, the arguments it takes and the event it records. ``reviews.services``
runs it (``review_command``), the admin reads it to decide which buttons to show, and the role
groups' permissions are derived from it (``reviews.role_groups``). The verdict (how true a
claim is, ``verdicts.py``) is kept apart: setting it never moves the claim, and a claim of any
verdict goes through the same states.

States (``ledger.claims.ClaimStatus``):

    pending ──start_review──▶ in_review ──approve──▶ approved ──sign_off──▶ signed_off
       ▲                        │                       │                      │
       │ revise                 │ request_changes       │ request_changes      │ publish
       │                        ▼                       ▼                      ▼
    changes_requested ◀─────────┴───────────────────────┘                  published
                                                                                │ retract
    reject (editors, from any state before publication) ──▶ rejected            ▼
                                                                            retracted

A claim a reviewer approved needs an editor's sign-off before it is published, and the sign-off
takes a second person (four eyes, ``workflow_check_four_eyes``): whoever approved the claim or
set its verdict may not sign it off, superusers included, unless the claim's organisation turned
the rule off (a ``FourEyesRuleChanged`` event). A claim with an open contradiction flag is not
published unless an editor overrides with a written reason (``workflow_check_open_flags``).
Published and retracted claims are never edited: a correction is a retraction (with its reason)
and, where the desk wants one, a new claim. Besides its role, an actor must be in scope: a
reviewer acts only on claims assigned to them, a publisher only on its own organisation's claims.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ledger import events as ev
from ledger.claims import ClaimState, ClaimStatus
from ledger.exceptions import InvalidCommand
from ledger.services import MAX_CLAIM_LENGTH, text_check_characters
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied, PublicationBlocked, TransitionNotAllowed
from reviews.roles import Role
from reviews.verdicts import MAX_EXPLANATION_LENGTH, Rating, verdict_rating
from reviews.wording import opening_words


class Command(enum.StrEnum):
    ASSIGN = "assign"
    START_REVIEW = "start_review"
    COMMENT = "comment"
    ATTACH_EVIDENCE = "attach_evidence"
    REQUEST_CHANGES = "request_changes"
    REVISE = "revise"
    SET_VERDICT = "set_verdict"
    APPROVE = "approve"
    SIGN_OFF = "sign_off"
    REJECT = "reject"
    PUBLISH = "publish"
    RETRACT = "retract"
    PROMOTE = "promote"

    @property
    def label(self) -> str:
        return COMMANDS[self].label

    @property
    def permission_codename(self) -> str:
        """The Django permission (on ``reviews.ReviewClaim``) a role holding this command has."""
        return f"{self.value}_claim"


S = ClaimStatus
EVERY_STATE = frozenset(ClaimStatus)
REVIEWERS = frozenset({Role.REVIEWER, Role.EDITOR, Role.ADMIN})
EDITORS = frozenset({Role.EDITOR, Role.ADMIN})
BEFORE_PUBLICATION = frozenset({S.PENDING, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED})
MAX_NOTE_LENGTH = 5000
MAX_URL_LENGTH = 2000

_url_validator = URLValidator(schemes=["http", "https"])


class ArgumentKind(enum.Enum):
    TEXT = "text"
    URL = "url"  # an http(s) URL
    RATING = "rating"  # a ``verdicts.Rating`` value


@dataclasses.dataclass(frozen=True)
class Argument:
    """One argument of a command: its name, what it must be, and how errors name it."""

    name: str
    label: str
    required: bool = True
    kind: ArgumentKind = ArgumentKind.TEXT
    limit: int = MAX_NOTE_LENGTH

    def clean(self, value: object) -> object:
        """The value as the event records it; InvalidCommand when it breaks the rule."""
        if self.kind is ArgumentKind.RATING:
            return verdict_rating(value=value)  # type: ignore[arg-type]
        cleaned = ("" if value is None else str(value)).strip()
        if self.required and not cleaned:
            raise InvalidCommand(f"{self.label} cannot be empty")
        if len(cleaned) > self.limit:
            raise InvalidCommand(f"{self.label} is longer than {self.limit} characters")
        text_check_characters(text=cleaned, field=self.label)
        if self.kind is ArgumentKind.URL and cleaned:
            try:
                _url_validator(cleaned)
            except ValidationError as error:
                raise InvalidCommand(
                    f"{self.label} must be an http(s) URL, not {cleaned!r}"
                ) from error
        return cleaned


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


@dataclasses.dataclass(frozen=True)
class From:
    """From any of ``sources``, the roles ``roles`` may run the command; it leads to ``target``
    (None: the state is unchanged)."""

    sources: frozenset[ClaimStatus]
    target: ClaimStatus | None
    roles: frozenset[Role]


def _from(
    sources: Iterable[ClaimStatus], target: ClaimStatus | None, roles: Iterable[Role]
) -> From:
    return From(frozenset(sources), target, frozenset(roles))


@dataclasses.dataclass(frozen=True)
class CommandSpec:
    """One workflow command: where it may run and by whom, what it takes, what it records."""

    command: Command
    label: str
    transitions: tuple[From, ...]
    arguments: tuple[Argument, ...]
    build: Callable[[CommandInput], ev.DomainEvent]
    # Arguments naming users whose roles ``build`` reads: the service reads them before the
    # append lock (they are not the ledger's to serialize), so the lock is held the shorter.
    users_read: tuple[str, ...] = ()

    @property
    def argument_names(self) -> tuple[str, ...]:
        return tuple(argument.name for argument in self.arguments)

    def clean(self, arguments: Mapping[str, object]) -> dict[str, Any]:
        """Every argument cleaned (a missing one is empty); InvalidCommand for the first bad one."""
        return {
            argument.name: argument.clean(arguments.get(argument.name, ""))
            for argument in self.arguments
        }


def _assigned(given: CommandInput) -> ev.DomainEvent:
    assignee = given.arguments["assignee"]
    if not given.reads.user_roles(assignee) & {Role.REVIEWER, Role.EDITOR}:
        raise InvalidCommand(f"{assignee!r} is not an active reviewer or editor")
    if given.claim.assignee == assignee:
        raise InvalidCommand(f"the claim is already assigned to {assignee}")
    return ev.ClaimAssigned(assignee=assignee, note=given.arguments["note"])


def _revised(given: CommandInput) -> ev.DomainEvent:
    if given.arguments["text"] == given.claim.text:
        raise InvalidCommand("the revision does not change the claim's text")
    return ev.ClaimRevised(text=given.arguments["text"], reason=given.arguments["reason"])


def _verdict_set(given: CommandInput) -> ev.DomainEvent:
    rating: Rating = given.arguments["rating"]
    return ev.ClaimVerdictSet(
        rating=rating.value, rating_name=rating.label, explanation=given.arguments["explanation"]
    )


def _approved(given: CommandInput) -> ev.DomainEvent:
    if given.claim.verdict is None:
        raise InvalidCommand("set a verdict before approving the claim")
    return ev.ClaimApproved(note=given.arguments["note"])


def _signed_off(given: CommandInput) -> ev.DomainEvent:
    approved_by, verdict_by = given.reads.sign_off_parties(given.claim.claim_id)
    workflow_check_four_eyes(
        actor=given.actor,
        approved_by=approved_by,
        verdict_by=verdict_by,
        required=given.reads.four_eyes_required(given.claim.publisher),
    )
    return ev.ClaimSignedOff(note=given.arguments["note"])


def _published(given: CommandInput) -> ev.DomainEvent:
    override_reason = given.arguments["override_reason"]
    overridden = workflow_check_open_flags(
        actor=given.actor,
        open_flags=given.reads.open_flags(given.claim.claim_id),
        override_reason=override_reason,
    )
    return ev.ClaimPublished(
        url=given.arguments["url"], overridden_flags=overridden, override_reason=override_reason
    )


def _note(label: str = "note") -> Argument:
    return Argument("note", label, required=False)


def _reason(*, required: bool = True) -> Argument:
    return Argument("reason", "reason", required=required)


# The whole workflow, one row per command. Each (state, command) pair appears at most once; the
# auditor appears nowhere. A command's arguments are cleaned before anything is read, and its
# builder runs on the claim as checked, so a refusal anywhere appends nothing.
COMMANDS: dict[Command, CommandSpec] = {
    spec.command: spec
    for spec in (
        CommandSpec(
            Command.ASSIGN,
            "Assign",
            (_from({S.PENDING, S.IN_REVIEW, S.CHANGES_REQUESTED}, None, EDITORS),),
            (Argument("assignee", "assignee", limit=150), _note()),
            _assigned,
            users_read=("assignee",),
        ),
        CommandSpec(
            Command.START_REVIEW,
            "Start review",
            (_from({S.PENDING}, S.IN_REVIEW, REVIEWERS),),
            (),
            lambda given: ev.ClaimReviewStarted(),
        ),
        CommandSpec(
            Command.COMMENT,
            "Comment",
            (_from(EVERY_STATE, None, {Role.PUBLISHER, *REVIEWERS}),),
            (Argument("body", "comment"),),
            lambda given: ev.ClaimCommented(body=given.arguments["body"]),
        ),
        CommandSpec(
            Command.ATTACH_EVIDENCE,
            "Attach evidence",
            (
                _from(
                    {
                        S.PENDING,
                        S.IN_REVIEW,
                        S.CHANGES_REQUESTED,
                        S.APPROVED,
                        S.SIGNED_OFF,
                        S.PUBLISHED,
                    },
                    None,
                    REVIEWERS,
                ),
            ),
            (
                Argument("url", "evidence URL", kind=ArgumentKind.URL, limit=MAX_URL_LENGTH),
                Argument("note", "evidence note"),
            ),
            lambda given: ev.ClaimEvidenceAttached(
                url=given.arguments["url"], note=given.arguments["note"]
            ),
        ),
        CommandSpec(
            Command.REQUEST_CHANGES,
            "Request changes",
            (
                _from({S.IN_REVIEW}, S.CHANGES_REQUESTED, REVIEWERS),
                # Sending back an approval is the editor's refusal to sign it off.
                _from({S.APPROVED, S.SIGNED_OFF}, S.CHANGES_REQUESTED, EDITORS),
            ),
            (_reason(),),
            lambda given: ev.ClaimChangesRequested(reason=given.arguments["reason"]),
        ),
        CommandSpec(
            Command.REVISE,
            "Revise text",
            # The submitter's revision puts the claim back in the queue.
            (_from({S.PENDING, S.CHANGES_REQUESTED}, S.PENDING, {Role.PUBLISHER, Role.ADMIN}),),
            (Argument("text", "claim text", limit=MAX_CLAIM_LENGTH), _reason(required=False)),
            _revised,
        ),
        CommandSpec(
            Command.SET_VERDICT,
            "Set verdict",
            (_from({S.IN_REVIEW}, None, REVIEWERS),),
            (
                Argument("rating", "rating", kind=ArgumentKind.RATING),
                Argument("explanation", "explanation", limit=MAX_EXPLANATION_LENGTH),
            ),
            _verdict_set,
        ),
        CommandSpec(
            Command.APPROVE,
            "Approve",
            (_from({S.IN_REVIEW}, S.APPROVED, REVIEWERS),),
            (_note(),),
            _approved,
        ),
        CommandSpec(
            Command.SIGN_OFF,
            "Sign off",
            (_from({S.APPROVED}, S.SIGNED_OFF, EDITORS),),
            (_note(),),
            _signed_off,
        ),
        CommandSpec(
            Command.REJECT,
            "Reject",
            (_from({*BEFORE_PUBLICATION, S.SIGNED_OFF}, S.REJECTED, EDITORS),),
            (_reason(),),
            lambda given: ev.ClaimRejected(reason=given.arguments["reason"]),
        ),
        CommandSpec(
            Command.PUBLISH,
            "Publish",
            (_from({S.SIGNED_OFF}, S.PUBLISHED, EDITORS),),
            (
                Argument(
                    "url",
                    "published URL",
                    required=False,
                    kind=ArgumentKind.URL,
                    limit=MAX_URL_LENGTH,
                ),
                Argument("override_reason", "override reason", required=False),
            ),
            _published,
        ),
        CommandSpec(
            Command.RETRACT,
            "Retract",
            (_from({S.PUBLISHED}, S.RETRACTED, EDITORS),),
            (_reason(),),
            lambda given: ev.ClaimRetracted(reason=given.arguments["reason"]),
        ),
        CommandSpec(
            Command.PROMOTE,
            "Promote to check-worthy",
            # An editor overrides the classifier: the claim joins the check-worthy queue.
            (_from({S.PENDING, S.IN_REVIEW, S.CHANGES_REQUESTED}, None, EDITORS),),
            (_reason(),),
            lambda given: ev.ClaimPromoted(reason=given.arguments["reason"]),
        ),
    )
}


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


# --- Four eyes and open flags: who else must look before a claim goes out ----------------------


def _username(reference: str | None) -> str | None:
    """The username in an event's ``user:<username>`` actor, None for anything else."""
    if reference is None or not reference.startswith("user:"):
        return None
    return reference.removeprefix("user:")


def workflow_check_four_eyes(
    *, actor: Actor, approved_by: str | None, verdict_by: str | None, required: bool
) -> None:
    """Raise PermissionDenied when ``actor`` would sign off a claim on their own.

    ``approved_by`` and ``verdict_by`` are the event actors (``user:<name>``) of the claim's
    latest approval and latest verdict. Whoever did either may not sign it off: the sign-off is
    the second person's look. ``required`` False (the organisation turned the rule off) lets
    them. Superusers hold no exemption.
    """
    if not required:
        return
    own = [
        what
        for what, reference in (("approved it", approved_by), ("set its verdict", verdict_by))
        if reference == actor.reference
    ]
    if own:
        others = {_username(approved_by), _username(verdict_by)} - {None}
        raise PermissionDenied(
            f"{actor.username} may not sign off this claim: they {' and '.join(own)}, and "
            "a sign-off needs a second person. An editor other than "
            f"{' or '.join(sorted(name for name in others if name))} may sign it off."
        )


@dataclasses.dataclass(frozen=True)
class OpenFlag:
    """An open contradiction flag on a claim, with the other claim's words to name it by."""

    pair_id: str
    other_claim_text: str


def workflow_check_open_flags(
    *, actor: Actor, open_flags: list[OpenFlag], override_reason: str
) -> list[str]:
    """The flags a publication overrides (recorded in its event); raise when it may not.

    No open flags: nothing to override, and an override reason is refused as meaningless.
    Open flags without a reason: PublicationBlocked naming them. With a reason: only an editor
    or administrator overrides (PermissionDenied otherwise).
    """
    if not open_flags:
        if override_reason:
            raise InvalidCommand(
                "this claim has no open contradiction flag to override; publish it without "
                "an override reason"
            )
        return []
    if not override_reason:
        named = "; ".join(
            f"flag {flag.pair_id} against “{opening_words(flag.other_claim_text)}”"
            for flag in open_flags
        )
        raise PublicationBlocked(
            f"this claim has {len(open_flags)} open contradiction "
            f"flag{'s' if len(open_flags) != 1 else ''} ({named}): confirm or dismiss "
            f"{'them' if len(open_flags) != 1 else 'it'} first, or, as an editor, publish "
            "anyway with a written override reason",
            flags=[flag.pair_id for flag in open_flags],
        )
    if not actor.roles & EDITORS:
        raise PermissionDenied(
            f"{actor.username} ({actor.describe_roles()}) may not override open contradiction "
            "flags: only an editor may"
        )
    return [flag.pair_id for flag in open_flags]


# --- Contradiction flags -----------------------------------------------------------------------

# Who may confirm or dismiss a contradiction flag. Like the claim commands: reviewers on what is
# assigned to them, editors and administrators on anything; publishers and auditors never.
CONTRADICTION_DECIDERS = REVIEWERS


def workflow_check_contradiction_decision(*, actor: Actor, claim_assignees: Iterable[str]) -> None:
    """Raise PermissionDenied unless ``actor`` may confirm or dismiss a flag on these claims.

    ``claim_assignees`` are the assignees of the flag's two claims: a reviewer (with no editor
    or admin role) decides a flag only when one of them is assigned to them, as they act only on
    assigned claims.
    """
    capable = actor.roles & CONTRADICTION_DECIDERS
    if not capable:
        raise PermissionDenied(
            f"{actor.username} ({actor.describe_roles()}) may not decide contradiction flags"
        )
    if capable == {Role.REVIEWER} and actor.username not in set(claim_assignees):
        raise PermissionDenied(
            f"{actor.username} may not decide this flag: neither claim is assigned to you"
        )
