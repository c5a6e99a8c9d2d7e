"""The workflow's commands as one table: per command, the states it runs from and by which
roles, the arguments it takes (and how each is cleaned) and the event it records."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.exceptions import InvalidCommand
from ledger.services import MAX_CLAIM_LENGTH, text_check_characters
from reviews.roles import EDITORS, REVIEWERS, Role
from reviews.verdicts import MAX_EXPLANATION_LENGTH, verdict_rating
from reviews.workflow.builders import (
    CommandInput,
    build_approved,
    build_assigned,
    build_published,
    build_revised,
    build_signed_off,
    build_verdict_set,
)


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
            build_assigned,
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
            build_revised,
        ),
        CommandSpec(
            Command.SET_VERDICT,
            "Set verdict",
            (_from({S.IN_REVIEW}, None, REVIEWERS),),
            (
                Argument("rating", "rating", kind=ArgumentKind.RATING),
                Argument("explanation", "explanation", limit=MAX_EXPLANATION_LENGTH),
            ),
            build_verdict_set,
        ),
        CommandSpec(
            Command.APPROVE,
            "Approve",
            (_from({S.IN_REVIEW}, S.APPROVED, REVIEWERS),),
            (_note(),),
            build_approved,
        ),
        CommandSpec(
            Command.SIGN_OFF,
            "Sign off",
            (_from({S.APPROVED}, S.SIGNED_OFF, EDITORS),),
            (_note(),),
            build_signed_off,
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
            build_published,
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
