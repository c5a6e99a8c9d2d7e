"""Write services of the review workflow: one entry for every command, plus bulk variants.

The commands themselves (states, roles, arguments, the event each records) are one table,
``reviews.workflow.commands.COMMANDS``; ``review_command`` runs any of them (the admin, the API
and the bulk variants all call it). Every command names the claim and the stream version the
actor saw. It is refused, appending nothing, when the claim moved on since
(ConcurrencyConflict), when the actor's role or scope does not allow it (PermissionDenied), when
the claim's state does not (TransitionNotAllowed), or when its input is malformed
(InvalidCommand). Otherwise exactly one event is appended through
``ledger.services.claim_command`` with the actor in its metadata (``user:<username>``).
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Callable, Mapping, Sequence

from django.db import transaction

from ledger import events as ev
from ledger import services as ledger_services
from ledger.claims import ClaimState
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, LedgerError, NotFound
from ledger.models import ClaimView, ContradictionView
from ledger.store import append
from reviews import actor_reads, selectors
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied
from reviews.models import Organisation
from reviews.roles import Role
from reviews.workflow.builders import CommandInput
from reviews.workflow.checks import OpenFlag, workflow_check_contradiction_decision
from reviews.workflow.commands import COMMANDS, Argument, Command
from reviews.workflow.states import workflow_check

DEFAULT_VIA = "admin"


def _metadata(actor: Actor, via: str, correlation_id: str | None) -> ev.Metadata:
    if correlation_id is None:
        return ev.Metadata(actor=actor.reference, via=via)
    return ev.Metadata(actor=actor.reference, via=via, correlation_id=correlation_id)


class _CommandReads:
    """What the workflow's event builders read (``workflow.builders.CommandReads``), from the
    selectors; one per command, keeping the user roles it read."""

    def __init__(self) -> None:
        self._user_roles: dict[str, frozenset[Role]] = {}

    def user_roles(self, username: str) -> frozenset[Role]:
        if username not in self._user_roles:
            self._user_roles[username] = actor_reads.active_user_roles(username=username)
        return self._user_roles[username]

    def sign_off_parties(self, claim_id: str) -> tuple[str | None, str | None]:
        parties = selectors.claim_sign_off_parties(claim_id=claim_id)
        return parties.approved_by, parties.verdict_by

    def four_eyes_required(self, organisation: str) -> bool:
        return selectors.organisation_four_eyes_rule(organisation=organisation).required

    def open_flags(self, claim_id: str) -> list[OpenFlag]:
        return selectors.claim_open_flags(claim_id=claim_id)


def review_command(
    *,
    actor: Actor,
    command: Command,
    claim_id: str,
    expected_version: int,
    arguments: Mapping[str, object],
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
    visible: Callable[[ClaimView], bool] | None = None,
) -> ClaimState:
    """Run one workflow command (``workflow.commands.COMMANDS``) and append its one event.

    Its arguments are cleaned first (by name; a missing one is empty). Then, on the claim read
    once under the store's lock (``claim_command``), the version is checked: a decision taken on
    an outdated page is refused as stale whatever it was. Then role, scope and state
    (``workflow_check``), then the command's own rules as its event is built, so a command
    racing another one cannot land on a state it was not checked against. The roles of users
    an argument names (an assignee) are read before the lock: they are not ledger state.
    ``visible`` (the caller's visibility rule, checked on the row read under the lock before
    anything else) makes a claim the caller may not see NotFound.
    """
    spec = COMMANDS[command]
    cleaned = spec.clean(arguments)
    reads = _CommandReads()
    for name in spec.users_read:
        reads.user_roles(str(cleaned[name]))  # before the lock (CommandSpec.users_read)

    def decide(claim: ClaimState) -> ev.DomainEvent:
        workflow_check(actor=actor, claim=claim, command=command)
        return spec.build(CommandInput(actor=actor, claim=claim, arguments=cleaned, reads=reads))

    return ledger_services.claim_command(
        claim_id=claim_id,
        expected_version=expected_version,
        event=decide,
        metadata=_metadata(actor, via, correlation_id),
        visible=visible,
    )


REASON = Argument("reason", "reason")


def organisation_set_four_eyes(
    *,
    actor: Actor,
    organisation: str,
    required: bool,
    reason: str,
    expected_version: int,
    via: str = DEFAULT_VIA,
) -> selectors.FourEyesRule:
    """Turn the four-eyes sign-off rule on or off for an organisation's claims (admins only).

    Appends one ``FourEyesRuleChanged`` (with the reason) to the organisation's stream at
    ``expected_version`` (``FourEyesRule.version``). Refused, appending nothing, when the rule
    is already so, the reason is empty, or the organisation does not exist.
    """
    if Role.ADMIN not in actor.roles:
        raise PermissionDenied(
            f"{actor.username} ({actor.describe_roles()}) may not change the sign-off rule: "
            "only an administrator may"
        )
    reason = str(REASON.clean(reason))
    if not Organisation.objects.filter(slug=organisation).exists():
        raise InvalidCommand(f"there is no organisation {organisation!r}")
    current = selectors.organisation_four_eyes_rule(organisation=organisation)
    if current.version != expected_version:
        raise ConcurrencyConflict(
            stream_id=selectors.organisation_stream_id(organisation=organisation),
            expected_version=expected_version,
            current_version=current.version,
        )
    if current.required == required:
        state = "already required" if required else "already off"
        raise InvalidCommand(f"the four-eyes rule is {state} for {organisation}")
    with transaction.atomic():
        append(
            stream_id=selectors.organisation_stream_id(organisation=organisation),
            stream_type=ev.StreamType.ORGANISATION,
            expected_version=expected_version,
            events=[
                ev.FourEyesRuleChanged(organisation=organisation, required=required, reason=reason)
            ],
            metadata=_metadata(actor, via, None),
        )
    return selectors.organisation_four_eyes_rule(organisation=organisation)


MAX_FLAG_NOTE_LENGTH = 2000


class FlagDecision(enum.StrEnum):
    CONFIRM = "confirm"  # the two claims cannot both be true
    DISMISS = "dismiss"  # not a contradiction

    @property
    def label(self) -> str:
        return "Confirm" if self is FlagDecision.CONFIRM else "Dismiss"


def decision_note_clean(note: str) -> str:
    """A reviewer's note on a decision (a contradiction flag's or a claim match's), stripped;
    refused when empty or too long."""
    cleaned = note.strip()
    if not cleaned:
        raise InvalidCommand("a note is required: say why")
    if len(cleaned) > MAX_FLAG_NOTE_LENGTH:
        raise InvalidCommand(f"the note is longer than {MAX_FLAG_NOTE_LENGTH} characters")
    return cleaned


def contradiction_decide(
    *,
    actor: Actor,
    pair_id: str,
    expected_version: int,
    decision: FlagDecision,
    note: str,
    metadata: ev.Metadata,
) -> int:
    """Confirm or dismiss a flag at the version the actor read; return the flag's new version.

    The one service that decides flags, for the admin and the API: the actor must be allowed to
    decide flags on these claims (``workflow_check_contradiction_decision``), the note must say
    why, and the flag must still be undecided at ``expected_version``. A dismissed pair is not
    flagged again by the same detector version. Refusals append nothing.
    """
    flag = ContradictionView.objects.filter(pk=pair_id).first()
    if flag is None:
        raise NotFound(f"no contradiction flag {pair_id}")
    workflow_check_contradiction_decision(
        actor=actor,
        claim_assignees=ClaimView.objects.filter(pk__in=[flag.claim_a, flag.claim_b]).values_list(
            "assignee", flat=True
        ),
    )
    cleaned = decision_note_clean(note)
    stream_id = str(flag.pair_id)
    # The flag's row is its stream's state (written in each append's transaction); the append
    # checks the version again under its lock, so a decision racing another one is refused.
    if expected_version != flag.version:
        # A stale reader learns the current version (409) before the flag's own state: it may
        # have been decided since they read it.
        raise ConcurrencyConflict(
            stream_id=stream_id, expected_version=expected_version, current_version=flag.version
        )
    if flag.status != selectors.FlagStatus.OPEN:
        raise InvalidCommand("this flag was already confirmed or dismissed")
    event: ev.DomainEvent = (
        ev.ContradictionConfirmed(note=cleaned)
        if decision is FlagDecision.CONFIRM
        else ev.ContradictionDismissed(note=cleaned)
    )
    return append(
        stream_id=stream_id,
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=expected_version,
        events=[event],
        metadata=metadata,
    ).version


@dataclasses.dataclass(frozen=True)
class ClaimTarget:
    """One claim of a bulk command, with the version the actor saw it at."""

    claim_id: str
    expected_version: int


@dataclasses.dataclass(frozen=True)
class BulkOutcome:
    """What happened to one claim of a bulk command."""

    claim_id: str
    succeeded: bool
    status: str = ""
    version: int | None = None
    error: str = ""
    error_code: str = ""


# The commands that move claims between states and can be run on many claims at once.
BULK_STATUS_COMMANDS: tuple[Command, ...] = (
    Command.START_REVIEW,
    Command.REQUEST_CHANGES,
    Command.APPROVE,
    Command.SIGN_OFF,
    Command.REJECT,
    Command.PUBLISH,
    Command.RETRACT,
)


def _bulk(
    *,
    actor: Actor,
    command: Command,
    targets: Sequence[ClaimTarget],
    arguments: Mapping[str, str],
    via: str,
) -> list[BulkOutcome]:
    if not targets:
        raise InvalidCommand("select at least one claim")
    correlation_id = str(uuid.uuid4())  # ties the bulk command's events together
    outcomes = []
    for target in targets:
        # Each claim is its own atomic command: one refusal leaves the others standing.
        try:
            state = review_command(
                actor=actor,
                command=command,
                claim_id=target.claim_id,
                expected_version=target.expected_version,
                arguments=arguments,
                via=via,
                correlation_id=correlation_id,
            )
        except LedgerError as error:
            outcomes.append(
                BulkOutcome(
                    claim_id=target.claim_id,
                    succeeded=False,
                    error=error.message,
                    error_code=error.code,
                )
            )
        else:
            outcomes.append(
                BulkOutcome(
                    claim_id=target.claim_id,
                    succeeded=True,
                    status=state.status,
                    version=state.version,
                )
            )
    return outcomes


def review_bulk_assign(
    *,
    actor: Actor,
    targets: Sequence[ClaimTarget],
    assignee: str,
    note: str = "",
    via: str = DEFAULT_VIA,
) -> list[BulkOutcome]:
    """Assign many claims to one reviewer; each claim succeeds or fails on its own."""
    return _bulk(
        actor=actor,
        command=Command.ASSIGN,
        targets=targets,
        arguments={"assignee": assignee, "note": note},
        via=via,
    )


def review_bulk_change_status(
    *,
    actor: Actor,
    command: Command,
    targets: Sequence[ClaimTarget],
    reason: str = "",
    via: str = DEFAULT_VIA,
) -> list[BulkOutcome]:
    """Run one status command (``BULK_STATUS_COMMANDS``) on many claims, each on its own."""
    if command not in BULK_STATUS_COMMANDS:
        raise InvalidCommand(f"{command.label} cannot be run on many claims at once")
    return _bulk(
        actor=actor, command=command, targets=targets, arguments={"reason": reason}, via=via
    )
