"""Reads for the review workflow: who is acting, who sees what, a claim's context and flags.

A claim's timeline (its events in words) is ``reviews.timeline``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.exceptions import NotFound
from ledger.models import ClaimView, ContradictionView, MatchMember, Source
from ledger.quotes import quote_context
from ledger.reading import read_stream
from ledger.source_redaction import REDACTED_REASON, source_context_stops, spans_overlap
from reviews.actors import Actor
from reviews.contradictions.indexing import claims_explain
from reviews.contradictions.scoring import PairExplanation
from reviews.roles import Role
from reviews.workflow.checks import OpenFlag

SOURCE_CONTEXT_CHARACTERS = 400  # shown on each side of a claim's quote


# --- What an actor may see: one rule per resource, for the admin and the API -----------------

# A publisher sees its organisation's sources and claims, plus every published (or retracted)
# claim; reviewers, editors, auditors and administrators see everything.
PUBLIC_STATUSES = (ClaimStatus.PUBLISHED, ClaimStatus.RETRACTED)


def publishers_seen(*, actor: Actor) -> frozenset[str] | None:
    """The publishers whose every claim and source ``actor`` sees (None: every publisher): the
    one rule of ``claims_visible``, ``claim_visible`` and ``sources_visible``."""
    if actor.reads_everything:
        return None
    return frozenset({actor.organisation}) if actor.organisation else frozenset()


def claims_visible(*, actor: Actor, model: type[ClaimView] = ClaimView) -> QuerySet[Any]:
    """The claims ``actor`` may see (``model``: the read model or its review-queue proxy)."""
    claims = model.objects.all()
    publishers = publishers_seen(actor=actor)
    if publishers is None:
        return claims
    return claims.filter(Q(status__in=PUBLIC_STATUSES) | Q(publisher__in=publishers))


def claims_in_checked_group(*, claims: QuerySet[Any], in_group: bool) -> QuerySet[Any]:
    """``claims`` narrowed to those in a match group whose canonical claim is published (its
    verdict already checked: docs/matching.md), or with ``in_group`` False to the others. The
    one rule of the review queue's filter and of the claim list's ``in_checked_group``."""
    published = ClaimView.objects.filter(status=ClaimStatus.PUBLISHED).values("claim_id")
    # A claim unmatched from every other keeps its row, partnerless: a group of one is none.
    members = (
        MatchMember.objects.filter(canonical_id__in=published)
        .exclude(partners=[])
        .values("claim_id")
    )
    if in_group:
        return claims.filter(claim_id__in=members)
    return claims.exclude(claim_id__in=members)


def claim_visible(*, actor: Actor, claim: ClaimView) -> bool:
    """Whether ``actor`` may see this claim: ``claims_visible``'s rule for a row in hand."""
    publishers = publishers_seen(actor=actor)
    return publishers is None or claim.status in PUBLIC_STATUSES or claim.publisher in publishers


def claim_get_visible(*, actor: Actor, claim_id: Any) -> ClaimView:
    """The claim, or NotFound whether it does not exist or the caller may not see it."""
    claim = claims_visible(actor=actor).filter(claim_id=str(claim_id)).first()
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    return claim  # type: ignore[no-any-return]


def sources_visible(*, actor: Actor) -> QuerySet[Source]:
    """The sources ``actor`` may see: staff all, anyone else its organisation's."""
    sources = Source.objects.defer("content")
    publishers = publishers_seen(actor=actor)
    if publishers is None:
        return sources
    return sources.filter(publisher__in=publishers)


def source_get_visible(*, actor: Actor, source_id: Any) -> Source:
    source = sources_visible(actor=actor).filter(pk=str(source_id)).first()
    if source is None:
        raise NotFound(f"no source {source_id}")
    return source


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
    quote_redacted: bool = False  # the quoted span was redacted from the source


def claim_source_context(
    *,
    source_id: str | None,
    selector: ev.TextSelector | None,
    characters: int = SOURCE_CONTEXT_CHARACTERS,
) -> SourceContext | None:
    """The quote of a claim in its source, with up to ``characters`` either side, stopping where
    ingestion found personal data or boilerplate (the spans its ``SourceIngested`` recorded)
    and at redacted spans (``ledger.source_redaction.source_context_stops``;
    ``ledger.quotes.quote_context``). ``quote_redacted`` says when the quote itself was
    redacted from the source.

    None for a claim with no source or whose source is not stored.
    """
    if source_id is None or selector is None:
        return None
    source = Source.objects.filter(pk=source_id).defer("content").first()
    if source is None:
        return None
    start, end = selector["start"], selector["end"]
    stops = source_context_stops(source_id=str(source.pk), text=source.text)
    before_start, after_end = quote_context(
        text=source.text, start=start, end=end, characters=characters, withheld=stops
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
        quote_redacted=any(
            stop["reason"] == REDACTED_REASON and spans_overlap(stop, {"start": start, "end": end})
            for stop in stops
        ),
    )


class FlagStatus(enum.StrEnum):
    """A contradiction flag's status in the ``ContradictionView`` read model."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


# Sorts flags open first (the work still to do), then confirmed, then dismissed.
FLAG_STATUS_ORDER = Case(
    *(When(status=status, then=Value(rank)) for rank, status in enumerate(FlagStatus)),
    default=Value(len(FlagStatus)),
    output_field=IntegerField(),
).asc()


class FlagPriority(enum.StrEnum):
    """How soon a flag needs the desk: low when neither of its claims is check-worthy
    (``ClaimView.check_worthy``), so it is derived when read and follows a promotion."""

    NORMAL = "normal"
    LOW = "low"


def flags_with_priority(*, flags: QuerySet[Any]) -> QuerySet[Any]:
    """``flags`` annotated with ``priority`` (a ``FlagPriority`` value): the one place the rule
    is written, for the admin's list and the API alike (an EXISTS per flag, no extra query)."""
    check_worthy_claim = ClaimView.objects.filter(
        Q(claim_id=OuterRef("claim_a")) | Q(claim_id=OuterRef("claim_b")), check_worthy=True
    )
    annotated: QuerySet[Any] = flags.annotate(
        priority=Case(
            When(Exists(check_worthy_claim), then=Value(FlagPriority.NORMAL.value)),
            default=Value(FlagPriority.LOW.value),
            output_field=CharField(),
        )
    )
    return annotated


# Sorts flags of normal priority before low ones (after ``flags_with_priority``).
FLAG_PRIORITY_ORDER = Case(
    When(priority=FlagPriority.NORMAL.value, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
).asc()


# --- What the sign-off and publication rules look at -------------------------------------------

ORGANISATION_NAMESPACE = uuid.UUID("0b7e3c1e-5d2a-4f6e-8a8f-3f4f2e9c7d10")


def organisation_stream_id(*, organisation: str) -> str:
    """The stream of an organisation's editorial rules: a deterministic id per slug."""
    return str(uuid.uuid5(ORGANISATION_NAMESPACE, organisation))


@dataclasses.dataclass(frozen=True)
class FourEyesRule:
    """Whether an organisation's claims need a second person's sign-off, and since when."""

    organisation: str
    required: bool
    version: int  # of the organisation's stream, for the next change
    changed_by: str = ""
    reason: str = ""
    changed_at: datetime.datetime | None = None


def organisation_four_eyes_rule(*, organisation: str) -> FourEyesRule:
    """The rule as the organisation's last ``FourEyesRuleChanged`` left it (required if none)."""
    recorded = read_stream(organisation_stream_id(organisation=organisation))
    changes = [item for item in recorded if isinstance(item.event, ev.FourEyesRuleChanged)]
    if not changes:
        return FourEyesRule(organisation=organisation, required=True, version=len(recorded))
    last = changes[-1]
    assert isinstance(last.event, ev.FourEyesRuleChanged)
    return FourEyesRule(
        organisation=organisation,
        required=last.event.required,
        version=len(recorded),
        changed_by=str(last.metadata.get("actor", "")),
        reason=last.event.reason,
        changed_at=last.recorded_at,
    )


@dataclasses.dataclass(frozen=True)
class SignOffParties:
    """Who (event actors, ``user:<name>``) approved the claim and set its verdict, last."""

    approved_by: str | None
    verdict_by: str | None


def claim_sign_off_parties(*, claim_id: str) -> SignOffParties:
    approved_by = verdict_by = None
    for item in read_stream(claim_id):
        if isinstance(item.event, ev.ClaimApproved):
            approved_by = str(item.metadata.get("actor", ""))
        elif isinstance(item.event, ev.ClaimVerdictSet):
            verdict_by = str(item.metadata.get("actor", ""))
    return SignOffParties(approved_by=approved_by, verdict_by=verdict_by)


def claim_flags(*, claim_id: str) -> QuerySet[ContradictionView]:
    """Every contradiction flag naming the claim: open ones first, strongest first."""
    return ContradictionView.objects.filter(Q(claim_a=claim_id) | Q(claim_b=claim_id)).order_by(
        FLAG_STATUS_ORDER, "-score", "-flagged_at"
    )


@dataclasses.dataclass(frozen=True)
class ClaimFlag:
    """A contradiction flag as seen from one of its claims: the other claim and the decision."""

    pair_id: str
    status: str
    score: str
    cues: list[str]
    version: int
    other_claim_id: str
    other_claim_text: str
    decided_by: str
    note: str
    side: str  # "A" or "B": which of the flag's claims this one is (its reasons say A and B)


def claim_flag_list(*, claim_id: str) -> list[ClaimFlag]:
    """The flags naming the claim (open first, strongest first), each with the other claim."""
    flags = list(claim_flags(claim_id=claim_id))
    others = {
        flag.pair_id: flag.claim_b if str(flag.claim_a) == str(claim_id) else flag.claim_a
        for flag in flags
    }
    texts = dict(ClaimView.objects.filter(pk__in=others.values()).values_list("claim_id", "text"))
    return [
        ClaimFlag(
            pair_id=str(flag.pair_id),
            status=flag.status,
            score=str(flag.score),
            cues=list(flag.cues),
            version=flag.version,
            other_claim_id=str(others[flag.pair_id]),
            other_claim_text=texts.get(others[flag.pair_id], ""),
            decided_by=flag.decided_by,
            note=flag.note,
            side="A" if str(flag.claim_a) == str(claim_id) else "B",
        )
        for flag in flags
    ]


def claim_open_flags(*, claim_id: str) -> list[OpenFlag]:
    """The claim's open flags, each named by the other claim's words."""
    return [
        OpenFlag(pair_id=flag.pair_id, other_claim_text=flag.other_claim_text)
        for flag in claim_flag_list(claim_id=claim_id)
        if flag.status == FlagStatus.OPEN
    ]


# --- The flags list: each flag with both claims' words and sources, in one query ---------------

SIDES = ("a", "b")


def _claim_column(side: str, column: str) -> Subquery:
    return Subquery(ClaimView.objects.filter(pk=OuterRef(f"claim_{side}")).values(column)[:1])


def _source_column(side: str, column: str) -> Subquery:
    return Subquery(Source.objects.filter(pk=OuterRef(f"{side}_source_id")).values(column)[:1])


def flags_with_claims(*, flags: QuerySet[Any]) -> QuerySet[Any]:
    """``flags`` annotated, per side (``a``/``b``), with the claim's ``text``, ``publisher``
    and ``assignee`` and its source's ``title`` and ``publisher`` (``a_text``,
    ``b_source_title``, ...): one query for a whole page, however many flags it shows.
    """
    claims = {
        f"{side}_{column}": _claim_column(side, column)
        for side in SIDES
        for column in ("text", "publisher", "assignee", "source_id")
    }
    sources = {
        f"{side}_source_{column}": _source_column(side, column)
        for side in SIDES
        for column in ("title", "publisher")
    }
    annotated: QuerySet[Any] = flags.annotate(**claims).annotate(**sources)
    return annotated


def flags_involving(*, flags: QuerySet[Any], **claim_filter: Any) -> QuerySet[Any]:
    """The flags naming at least one claim that matches ``claim_filter`` (ClaimView lookups)."""
    claims = ClaimView.objects.filter(**claim_filter).values("pk")
    return flags.filter(Q(claim_a__in=claims) | Q(claim_b__in=claims))


def flag_claims(*, flags: Iterable[ContradictionView]) -> dict[str, ClaimView]:
    """The claims of some flags, by id, in one query (no query per flag)."""
    ids = {str(claim_id) for flag in flags for claim_id in (flag.claim_a, flag.claim_b)}
    return {str(claim.claim_id): claim for claim in ClaimView.objects.filter(claim_id__in=ids)}


def flag_explain(
    *, flag: ContradictionView, claims: Mapping[str, ClaimView]
) -> PairExplanation | None:
    """The contradiction check of the flag's two claims now (``indexing.claims_explain``, what
    ``explain_pair`` prints, with each claim's antecedent): A is the flag's first stored claim
    (``claim_a``), as in its cues; ``claims`` holds them by id, already fetched. None when
    either is not among them."""
    first, second = claims.get(str(flag.claim_a)), claims.get(str(flag.claim_b))
    if first is None or second is None:
        return None
    return claims_explain(a=first, b=second)
