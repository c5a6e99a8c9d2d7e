"""Reads of claim matching: a claim's match pairs and its group (the ``ledger`` read models)."""

from __future__ import annotations

import dataclasses

from django.db.models import Q

from ledger.models import ClaimView, MatchMember, MatchView
from reviews.actors import Actor


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
    if actor.reads_everything:
        return pairs
    publisher_of = {
        str(pk): publisher
        for pk, publisher in ClaimView.objects.filter(
            pk__in=[pair.other_claim_id for pair in pairs]
        ).values_list("pk", "publisher")
    }
    return [
        pair
        if actor.organisation and publisher_of.get(pair.other_claim_id) == actor.organisation
        else dataclasses.replace(pair, other_claim_text="")
        for pair in pairs
    ]
