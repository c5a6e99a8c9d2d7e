"""The workflow's rules about people: who else must look before a claim goes out (four eyes,
open contradiction flags) and who may decide a contradiction flag. Pure checks: they read
nothing; the caller passes what they judge."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ledger.exceptions import InvalidCommand
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied, PublicationBlocked
from reviews.roles import EDITORS, REVIEWERS, Role
from reviews.wording import opening_words


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
