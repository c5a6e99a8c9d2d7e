"""Write services of the review workflow: one function per command, plus bulk variants.

Every command names the claim and the stream version the actor saw. It is refused, appending
nothing, when the claim moved on since (ConcurrencyConflict), when the actor's role or scope does
not allow it (PermissionDenied), when the claim's state does not (TransitionNotAllowed), or when
its input is malformed (InvalidCommand). Otherwise exactly one event is appended through
``ledger.services.claim_command`` with the actor in its metadata (``user:<username>``).
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Callable, Mapping, Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from ledger import events as ev
from ledger import services as ledger_services
from ledger.claims import ClaimState
from ledger.exceptions import (
    ConcurrencyConflict,
    InvalidCommand,
    LedgerError,
    NotFound,
)
from ledger.models import ClaimView, ContradictionView
from ledger.store import append
from reviews import selectors
from reviews.contradictions.services import contradiction_confirm, contradiction_dismiss
from reviews.exceptions import PermissionDenied
from reviews.models import Organisation
from reviews.roles import Role
from reviews.verdicts import MAX_EXPLANATION_LENGTH, verdict_rating
from reviews.workflow import (
    Actor,
    Command,
    roles_from_groups,
    workflow_check,
    workflow_check_contradiction_decision,
    workflow_check_four_eyes,
    workflow_check_open_flags,
    workflow_commands_for,
)

MAX_NOTE_LENGTH = 5000
MAX_URL_LENGTH = 2000
DEFAULT_VIA = "admin"

_url_validator = URLValidator(schemes=["http", "https"])


def _text(value: str, *, field: str, required: bool, limit: int = MAX_NOTE_LENGTH) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidCommand(f"{field} cannot be empty")
    if len(cleaned) > limit:
        raise InvalidCommand(f"{field} is longer than {limit} characters")
    ledger_services.text_check_characters(text=cleaned, field=field)
    return cleaned


def _url(value: str, *, field: str, required: bool) -> str:
    cleaned = _text(value, field=field, required=required, limit=MAX_URL_LENGTH)
    if cleaned:
        try:
            _url_validator(cleaned)
        except ValidationError as error:
            raise InvalidCommand(f"{field} must be an http(s) URL, not {cleaned!r}") from error
    return cleaned


def _metadata(actor: Actor, via: str, correlation_id: str | None) -> ev.Metadata:
    if correlation_id is None:
        return ev.Metadata(actor=actor.reference, via=via)
    return ev.Metadata(actor=actor.reference, via=via, correlation_id=correlation_id)


def _run(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    command: Command,
    build: Callable[[ClaimState], ev.DomainEvent],
    via: str,
    correlation_id: str | None,
) -> ClaimState:
    """Check version, role, scope and state against the claim as it is, then append one event.

    The version is checked first: a decision taken on an outdated page is refused as stale
    whatever it was. The append repeats the check under the store's lock, so a command racing
    another one still cannot land on a state it was not checked against.
    """
    claim = ledger_services.claim_load(claim_id=claim_id)
    if claim.version != expected_version:
        raise ConcurrencyConflict(
            stream_id=claim_id, expected_version=expected_version, current_version=claim.version
        )
    workflow_check(actor=actor, claim=claim, command=command)
    return ledger_services.claim_command(
        claim_id=claim_id,
        expected_version=expected_version,
        event=build(claim),
        metadata=_metadata(actor, via, correlation_id),
    )


def _assignee_roles(username: str) -> frozenset[Role]:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        return frozenset()
    return roles_from_groups(
        group_names=user.groups.values_list("name", flat=True), is_superuser=user.is_superuser
    )


def review_assign(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    assignee: str,
    note: str = "",
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Assign the claim to a reviewer (or an editor). Editors and admins only."""
    assignee = _text(assignee, field="assignee", required=True, limit=150)
    note = _text(note, field="note", required=False)

    def build(claim: ClaimState) -> ev.DomainEvent:
        if not _assignee_roles(assignee) & {Role.REVIEWER, Role.EDITOR}:
            raise InvalidCommand(f"{assignee!r} is not an active reviewer or editor")
        if claim.assignee == assignee:
            raise InvalidCommand(f"the claim is already assigned to {assignee}")
        return ev.ClaimAssigned(assignee=assignee, note=note)

    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.ASSIGN,
        build=build,
        via=via,
        correlation_id=correlation_id,
    )


def review_start(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Start reviewing a pending claim (a reviewer only on claims assigned to them)."""
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.START_REVIEW,
        build=lambda claim: ev.ClaimReviewStarted(),
        via=via,
        correlation_id=correlation_id,
    )


def review_comment(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    body: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Add a comment to the claim's history; the claim's state does not change."""
    body = _text(body, field="comment", required=True)
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.COMMENT,
        build=lambda claim: ev.ClaimCommented(body=body),
        via=via,
        correlation_id=correlation_id,
    )


def review_attach_evidence(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    url: str,
    note: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Attach a piece of evidence: an http(s) URL and a note saying what it shows."""
    url = _url(url, field="evidence URL", required=True)
    note = _text(note, field="evidence note", required=True)
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.ATTACH_EVIDENCE,
        build=lambda claim: ev.ClaimEvidenceAttached(url=url, note=note),
        via=via,
        correlation_id=correlation_id,
    )


def review_request_changes(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    reason: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Send the claim back to its submitter with the reason; their revision re-queues it."""
    reason = _text(reason, field="reason", required=True)
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.REQUEST_CHANGES,
        build=lambda claim: ev.ClaimChangesRequested(reason=reason),
        via=via,
        correlation_id=correlation_id,
    )


def claim_revise(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    text: str,
    reason: str = "",
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """The submitter rewords its claim (pending, or after changes were requested).

    The claim's provenance keeps pointing at the original quote in its source.
    """
    cleaned = _text(text, field="claim text", required=True, limit=ledger_services.MAX_CLAIM_LENGTH)
    reason = _text(reason, field="reason", required=False)

    def build(claim: ClaimState) -> ev.DomainEvent:
        if cleaned == claim.text:
            raise InvalidCommand("the revision does not change the claim's text")
        return ev.ClaimRevised(text=cleaned, reason=reason)

    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.REVISE,
        build=build,
        via=via,
        correlation_id=correlation_id,
    )


def review_set_verdict(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    rating: int | str,
    explanation: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Propose the verdict (``verdicts.Rating``) with the explanation readers will see."""
    chosen = verdict_rating(value=rating)
    explanation = _text(
        explanation, field="explanation", required=True, limit=MAX_EXPLANATION_LENGTH
    )
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.SET_VERDICT,
        build=lambda claim: ev.ClaimVerdictSet(
            rating=chosen.value, rating_name=chosen.label, explanation=explanation
        ),
        via=via,
        correlation_id=correlation_id,
    )


def review_approve(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    note: str = "",
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Approve the review; the claim then waits for an editor's sign-off. Needs a verdict."""
    note = _text(note, field="note", required=False)

    def build(claim: ClaimState) -> ev.DomainEvent:
        if claim.verdict is None:
            raise InvalidCommand("set a verdict before approving the claim")
        return ev.ClaimApproved(note=note)

    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.APPROVE,
        build=build,
        via=via,
        correlation_id=correlation_id,
    )


def review_sign_off(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    note: str = "",
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """An editor signs off an approved claim, which may then be published.

    Four eyes: whoever approved the claim or set its verdict may not sign it off, unless the
    claim's organisation turned the rule off (``organisation_set_four_eyes``).
    """
    note = _text(note, field="note", required=False)

    def build(claim: ClaimState) -> ev.DomainEvent:
        parties = selectors.claim_sign_off_parties(claim_id=claim.claim_id)
        workflow_check_four_eyes(
            actor=actor,
            approved_by=parties.approved_by,
            verdict_by=parties.verdict_by,
            required=selectors.organisation_four_eyes_rule(organisation=claim.publisher).required,
        )
        return ev.ClaimSignedOff(note=note)

    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.SIGN_OFF,
        build=build,
        via=via,
        correlation_id=correlation_id,
    )


def review_reject(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    reason: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Reject the claim before publication (not check-worthy, out of scope, a duplicate...)."""
    reason = _text(reason, field="reason", required=True)
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.REJECT,
        build=lambda claim: ev.ClaimRejected(reason=reason),
        via=via,
        correlation_id=correlation_id,
    )


def review_publish(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    url: str = "",
    override_reason: str = "",
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Publish a signed-off claim, optionally with the URL of the published fact-check.

    A claim with open contradiction flags is refused (PublicationBlocked, naming them) unless
    an editor gives ``override_reason``: the event then records the flags and the reason.
    """
    url = _url(url, field="published URL", required=False)
    override_reason = _text(override_reason, field="override reason", required=False)

    def build(claim: ClaimState) -> ev.DomainEvent:
        overridden = workflow_check_open_flags(
            actor=actor,
            open_flags=selectors.claim_open_flags(claim_id=claim.claim_id),
            override_reason=override_reason,
        )
        return ev.ClaimPublished(
            url=url, overridden_flags=overridden, override_reason=override_reason
        )

    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.PUBLISH,
        build=build,
        via=via,
        correlation_id=correlation_id,
    )


def review_retract(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    reason: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Retract a published claim. The publication stays in the history; the reason is public."""
    reason = _text(reason, field="reason", required=True)
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.RETRACT,
        build=lambda claim: ev.ClaimRetracted(reason=reason),
        via=via,
        correlation_id=correlation_id,
    )


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
    reason = _text(reason, field="reason", required=True)
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


class FlagDecision(enum.StrEnum):
    CONFIRM = "confirm"  # the two claims cannot both be true
    DISMISS = "dismiss"  # not a contradiction

    @property
    def label(self) -> str:
        return "Confirm" if self is FlagDecision.CONFIRM else "Dismiss"


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

    The one entry for the admin and the API: the actor must be allowed to decide flags on these
    claims (``workflow_check_contradiction_decision``), then ``contradiction_confirm`` or
    ``contradiction_dismiss`` checks the version and the note. Refusals append nothing.
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
    decide = contradiction_confirm if decision is FlagDecision.CONFIRM else contradiction_dismiss
    return decide(
        pair_id=str(flag.pair_id), expected_version=expected_version, note=note, metadata=metadata
    )


def review_promote(
    *,
    actor: Actor,
    claim_id: str,
    expected_version: int,
    reason: str,
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Put a claim the classifier found not check-worthy into the default queue. Editors only.

    Refused (nothing appended) without a reason, and for a claim already in the queue
    (``workflow_check``: the admin offers no promotion there).
    """
    reason = _text(reason, field="reason", required=True)
    return _run(
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        command=Command.PROMOTE,
        build=lambda claim: ev.ClaimPromoted(reason=reason),
        via=via,
        correlation_id=correlation_id,
    )


# The form fields each command takes, for callers that hold the arguments as strings.
COMMAND_ARGUMENTS: dict[Command, tuple[str, ...]] = {
    Command.ASSIGN: ("assignee", "note"),
    Command.START_REVIEW: (),
    Command.COMMENT: ("body",),
    Command.ATTACH_EVIDENCE: ("url", "note"),
    Command.REQUEST_CHANGES: ("reason",),
    Command.REVISE: ("text", "reason"),
    Command.SET_VERDICT: ("rating", "explanation"),
    Command.APPROVE: ("note",),
    Command.SIGN_OFF: ("note",),
    Command.REJECT: ("reason",),
    Command.PUBLISH: ("url", "override_reason"),
    Command.RETRACT: ("reason",),
    Command.PROMOTE: ("reason",),
}

_SERVICES: dict[Command, Callable[..., ClaimState]] = {
    Command.ASSIGN: review_assign,
    Command.START_REVIEW: review_start,
    Command.COMMENT: review_comment,
    Command.ATTACH_EVIDENCE: review_attach_evidence,
    Command.REQUEST_CHANGES: review_request_changes,
    Command.REVISE: claim_revise,
    Command.SET_VERDICT: review_set_verdict,
    Command.APPROVE: review_approve,
    Command.SIGN_OFF: review_sign_off,
    Command.REJECT: review_reject,
    Command.PUBLISH: review_publish,
    Command.RETRACT: review_retract,
    Command.PROMOTE: review_promote,
}


def review_command(
    *,
    actor: Actor,
    command: Command,
    claim_id: str,
    expected_version: int,
    arguments: Mapping[str, str],
    via: str = DEFAULT_VIA,
    correlation_id: str | None = None,
) -> ClaimState:
    """Run ``command`` with its arguments taken by name from ``arguments`` (missing ones empty)."""
    keyword = {name: arguments.get(name, "") for name in COMMAND_ARGUMENTS[command]}
    return _SERVICES[command](
        actor=actor,
        claim_id=claim_id,
        expected_version=expected_version,
        via=via,
        correlation_id=correlation_id,
        **keyword,
    )


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


_QUEUE, _SOURCES, _EVENTS, _EXPORT, _FLAGS = (
    "reviews.view_reviewclaim",
    "ledger.view_source",
    "ledger.view_event",
    "reviews.export_ledger",
    "reviews.view_contradictionflag",
)
# What each role may see besides the commands the workflow grants it.
ROLE_VIEW_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.PUBLISHER: (_QUEUE, _SOURCES),
    Role.REVIEWER: (_QUEUE, _SOURCES, _FLAGS),
    Role.EDITOR: (_QUEUE, _SOURCES, _EVENTS, _FLAGS),
    Role.AUDITOR: (_QUEUE, _SOURCES, _EVENTS, _EXPORT, _FLAGS),
    Role.ADMIN: (
        _QUEUE,
        _SOURCES,
        _EVENTS,
        _EXPORT,
        _FLAGS,
        "reviews.view_organisation",
        "reviews.add_organisation",
        "reviews.change_organisation",
        "reviews.view_membership",
        "reviews.add_membership",
        "reviews.change_membership",
        "reviews.delete_membership",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ),
}


def role_permission_names(*, role: Role) -> set[str]:
    """The permissions (``app_label.codename``) the group of ``role`` holds."""
    commands = {f"reviews.{c.permission_codename}" for c in workflow_commands_for(role=role)}
    return commands | set(ROLE_VIEW_PERMISSIONS[role])


def role_groups_sync() -> None:
    """Make sure every role's group exists and holds its permissions (adds, never removes).

    The data migration does this once; this repairs a database whose groups were removed
    (``setup_demo`` calls it, and so do tests run after a database flush).
    """
    with transaction.atomic():
        for role in Role:
            group, _ = Group.objects.get_or_create(name=role.value)
            for name in sorted(role_permission_names(role=role)):
                app_label, codename = name.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
