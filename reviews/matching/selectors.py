"""Reads of claim matching: a claim's match pairs and its group (the ``ledger`` read models), and
the group as the admin's claim page shows it to one viewer."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db.models import Q

from ledger.claims import ClaimStatus
from ledger.models import ClaimView, MatchMember, MatchView, Source
from reviews.actors import Actor
from reviews.selectors import claims_visible, publishers_seen


@dataclasses.dataclass(frozen=True)
class MatchPair:
    """One pair naming the claim, seen from the claim: the other claim and the decision."""

    pair_id: str
    status: str  # suggested, matched, rejected, unmatched
    score: str | None
    reasons: list[str]
    version: int
    other_claim_id: str
    other_claim_text: str
    note: str
    decided_by: str


@dataclasses.dataclass(frozen=True)
class MatchGroup:
    """The claims matched with one another: the canonical claim (recorded first) and all."""

    canonical_id: str
    members: list[str]  # every claim of the group, the canonical one included, sorted


def match_pair_list(*, claim_id: str) -> list[MatchPair]:
    """The pairs naming the claim, newest first, each with the other claim's text."""
    rows = list(
        MatchView.objects.filter(Q(claim_a=claim_id) | Q(claim_b=claim_id)).order_by(
            "-created_at", "pair_id"
        )
    )
    others = {
        str(row.pair_id): str(row.claim_b if str(row.claim_a) == str(claim_id) else row.claim_a)
        for row in rows
    }
    texts = {
        str(pk): text
        for pk, text in ClaimView.objects.filter(pk__in=others.values()).values_list("pk", "text")
    }
    return [
        MatchPair(
            pair_id=str(row.pair_id),
            status=row.status,
            score=str(row.score) if row.score is not None else None,
            reasons=list(row.reasons),
            version=row.version,
            other_claim_id=others[str(row.pair_id)],
            other_claim_text=texts.get(others[str(row.pair_id)], ""),
            note=row.note,
            decided_by=row.decided_by,
        )
        for row in rows
    ]


def match_group(*, claim_id: str) -> MatchGroup:
    """The claim's group; a claim matched to nothing is a group of one."""
    canonical = (
        MatchMember.objects.filter(pk=claim_id).values_list("canonical_id", flat=True).first()
    )
    if canonical is None:
        return MatchGroup(canonical_id=str(claim_id), members=[str(claim_id)])
    members = MatchMember.objects.filter(canonical_id=canonical).values_list("pk", flat=True)
    return MatchGroup(canonical_id=str(canonical), members=sorted(str(pk) for pk in members))


def match_pairs_visible(*, actor: Actor, claim_id: str) -> list[MatchPair]:
    """The claim's pairs; the other claim's text is withheld from a publisher outside it."""
    pairs = match_pair_list(claim_id=claim_id)
    publishers = publishers_seen(actor=actor)
    if publishers is None:
        return pairs
    publisher_of = {
        str(pk): publisher
        for pk, publisher in ClaimView.objects.filter(
            pk__in=[pair.other_claim_id for pair in pairs]
        ).values_list("pk", "publisher")
    }
    return [
        pair
        if publisher_of.get(pair.other_claim_id) in publishers
        else dataclasses.replace(pair, other_claim_text="")
        for pair in pairs
    ]


@dataclasses.dataclass(frozen=True)
class GroupMember:
    """One claim of a group as a viewer sees it: its words and source only when they may."""

    claim_id: str
    canonical: bool
    visible: bool
    text: str
    source_url: str
    source_title: str


@dataclasses.dataclass(frozen=True)
class GroupView:
    """A claim's group for one viewer: its members (the canonical one first) and the verdict
    the group answers with, the canonical claim's once it is published (else None)."""

    canonical_id: str
    members: list[GroupMember]
    verdict: dict[str, Any] | None


def match_group_visible(*, actor: Actor, claim_id: str) -> GroupView:
    """The claim's group, each member's text and source URL withheld from a viewer who may not
    see that claim (``reviews.selectors.claims_visible``)."""
    group = match_group(claim_id=claim_id)
    rows: dict[str, dict[str, Any]] = {
        str(row["claim_id"]): dict(row)
        for row in ClaimView.objects.filter(pk__in=group.members).values(
            "claim_id", "text", "source_id", "status", "verdict"
        )
    }
    visible = {
        str(pk)
        for pk in claims_visible(actor=actor)
        .filter(pk__in=group.members)
        .values_list("pk", flat=True)
    }
    sources = {
        str(pk): (url, title)
        for pk, url, title in Source.objects.filter(
            pk__in=[row["source_id"] for row in rows.values() if row["source_id"]]
        ).values_list("pk", "url", "title")
    }
    members = []
    for member in sorted(group.members, key=lambda pk: (pk != group.canonical_id, pk)):
        row = rows.get(member, {})
        seen = member in visible
        url, title = sources.get(str(row.get("source_id")), ("", "")) if seen else ("", "")
        members.append(
            GroupMember(
                claim_id=member,
                canonical=member == group.canonical_id,
                visible=seen,
                text=row.get("text", "") if seen else "",
                source_url=url,
                source_title=title,
            )
        )
    canonical = rows.get(group.canonical_id, {})
    published = canonical.get("status") == ClaimStatus.PUBLISHED
    return GroupView(
        canonical_id=group.canonical_id,
        members=members,
        verdict=canonical.get("verdict") if published else None,
    )
