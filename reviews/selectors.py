"""Reads for the review workflow: who is acting, the queue, a claim's context and timeline."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import QuerySet

from ledger import events as ev
from ledger.extraction import source_quote_context
from ledger.models import Source
from ledger.store import read_stream
from reviews.models import Membership, ReviewClaim
from reviews.roles import Role
from reviews.workflow import Actor, roles_from_groups

SOURCE_CONTEXT_CHARACTERS = 400  # shown on each side of a claim's quote


def actor_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Actor:
    """The workflow actor for a Django user: roles from its groups, its organisation if any.

    A superuser holds the admin role whatever its groups.
    """
    if not user.is_authenticated:
        return Actor(username="anonymous", roles=frozenset())
    roles = roles_from_groups(
        group_names=Group.objects.filter(user__pk=user.pk).values_list("name", flat=True),
        is_superuser=getattr(user, "is_superuser", False),
    )
    membership = Membership.objects.filter(user_id=user.pk).first()
    return Actor(
        username=user.get_username(),
        roles=roles,
        organisation=membership.organisation_id if membership else None,
    )


def review_queue(*, actor: Actor) -> QuerySet[ReviewClaim]:
    """The claims ``actor`` may see: a publisher (with no other role) sees its organisation's."""
    claims = ReviewClaim.objects.all()
    if not actor.roles:
        return claims.none()
    if actor.roles == {Role.PUBLISHER}:
        if actor.organisation is None:
            return claims.none()
        return claims.filter(publisher=actor.organisation)
    return claims


def review_sources(*, actor: Actor) -> QuerySet[Source]:
    """The sources ``actor`` may see: the same rule as the queue (a publisher: its own)."""
    sources = Source.objects.all()
    if not actor.roles:
        return sources.none()
    if actor.roles == {Role.PUBLISHER}:
        if actor.organisation is None:
            return sources.none()
        return sources.filter(publisher=actor.organisation)
    return sources


def review_assignable_users() -> list[str]:
    """Usernames of active reviewers and editors, the people a claim may be assigned to."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.REVIEWER, Role.EDITOR])
        .order_by("username")
        .values_list("username", flat=True)
        .distinct()
    )


@dataclasses.dataclass(frozen=True)
class SourceContext:
    """A claim's quote inside the text around it, split so a template can mark the quote."""

    source_id: str
    title: str
    url: str
    publisher: str
    before: str
    quote: str
    after: str
    starts_mid_text: bool
    ends_mid_text: bool


def claim_source_context(
    *,
    source_id: str | None,
    selector: ev.TextSelector | None,
    characters: int = SOURCE_CONTEXT_CHARACTERS,
) -> SourceContext | None:
    """The quote of a claim in its source, with up to ``characters`` either side, stopping where
    ingestion found personal data or boilerplate (``ledger.extraction.quote_context``).

    None for a claim with no source or whose source is not stored.
    """
    if source_id is None or selector is None:
        return None
    source = Source.objects.filter(pk=source_id).defer("content").first()
    if source is None:
        return None
    start, end = selector["start"], selector["end"]
    before_start, after_end = source_quote_context(
        text=source.text, start=start, end=end, characters=characters
    )
    return SourceContext(
        source_id=str(source.pk),
        title=source.title,
        # Only web links become links: a stored "javascript:" URL must never be clickable.
        url=source.url if source.url.lower().startswith(("http://", "https://")) else "",
        publisher=source.publisher,
        before=source.text[before_start:start],
        quote=source.text[start:end],
        after=source.text[end:after_end],
        starts_mid_text=before_start > 0,
        ends_mid_text=after_end < len(source.text),
    )


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """One event of a claim's history: who did what, when."""

    position: int
    version: int
    type: str
    actor: str
    via: str
    recorded_at: datetime.datetime
    summary: str
    details: dict[str, Any]


def _summary(event: ev.DomainEvent) -> str:
    match event:
        case ev.ClaimRecorded(publisher=publisher):
            return f"recorded for {publisher}" if publisher else "recorded"
        case ev.ClaimRevised(text=text, reason=reason):
            return f"text revised to “{text}”" + (f" — {reason}" if reason else "")
        case ev.ClaimAssigned(assignee=assignee, note=note):
            return f"assigned to {assignee}" + (f" — {note}" if note else "")
        case ev.ClaimReviewStarted():
            return "review started"
        case ev.ClaimCommented(body=body):
            return f"comment: {body}"
        case ev.ClaimEvidenceAttached(url=url, note=note):
            return f"evidence {url} — {note}"
        case ev.ClaimChangesRequested(reason=reason):
            return f"changes requested: {reason}"
        case ev.ClaimVerdictSet(rating=rating, rating_name=name, explanation=explanation):
            scale = f" ({rating}/5)" if rating else ""
            return f"verdict set: {name}{scale} — {explanation}"
        case ev.ClaimApproved(note=note):
            return "approved" + (f" — {note}" if note else "")
        case ev.ClaimSignedOff(note=note):
            return "signed off" + (f" — {note}" if note else "")
        case ev.ClaimRejected(reason=reason):
            return f"rejected: {reason}"
        case ev.ClaimPublished(url=url):
            return "published" + (f" at {url}" if url else "")
        case ev.ClaimRetracted(reason=reason):
            return f"retracted: {reason}"
    return event.event_type.value


def claim_timeline(*, claim_id: str) -> list[TimelineEntry]:
    """Every event of the claim's stream, oldest first."""
    return [
        TimelineEntry(
            position=item.position,
            version=item.version,
            type=item.type,
            actor=str(item.metadata.get("actor", "")),
            via=str(item.metadata.get("via", "")),
            recorded_at=item.recorded_at,
            summary=_summary(item.event),
            details=item.event.to_data(),
        )
        for item in read_stream(claim_id)
    ]
