"""What a caller may read: object-level visibility, in one place.

A publisher sees its organisation's sources and claims, plus every published (or retracted)
claim; reviewers, editors, auditors and administrators see everything. Anything a caller may
not see answers exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.exceptions import NotFound
from ledger.models import ClaimView, Source
from ledger.store import RecordedEvent, read_stream
from reviews.api.principals import Principal

PUBLIC_STATUSES = (ClaimStatus.PUBLISHED, ClaimStatus.RETRACTED)


def claims_visible(*, principal: Principal) -> QuerySet[ClaimView]:
    claims = ClaimView.objects.all()
    if principal.reads_everything:
        return claims
    public = Q(status__in=PUBLIC_STATUSES)
    if principal.organisation:
        return claims.filter(public | Q(publisher=principal.organisation))
    return claims.filter(public)


def claim_get_visible(*, principal: Principal, claim_id: Any) -> ClaimView:
    """The claim, or NotFound whether it does not exist or the caller may not see it."""
    claim = claims_visible(principal=principal).filter(claim_id=str(claim_id)).first()
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    return claim


def claim_owned_by_caller(*, principal: Principal, claim: ClaimView) -> bool:
    return bool(principal.organisation) and claim.publisher == principal.organisation


def claim_history(*, claim_id: str) -> list[RecordedEvent]:
    return read_stream(claim_id)


def claim_published_event(*, claim_id: str) -> RecordedEvent | None:
    """The latest ClaimPublished event of a claim (its URL and date), if any."""
    published = [
        item for item in read_stream(claim_id) if isinstance(item.event, ev.ClaimPublished)
    ]
    return published[-1] if published else None


def sources_visible(*, principal: Principal) -> QuerySet[Source]:
    sources = Source.objects.defer("content")
    if principal.reads_everything:
        return sources
    if principal.organisation:
        return sources.filter(publisher=principal.organisation)
    return sources.none()


def source_get_visible(*, principal: Principal, source_id: Any) -> Source:
    source = sources_visible(principal=principal).filter(pk=str(source_id)).first()
    if source is None:
        raise NotFound(f"no source {source_id}")
    return source


def source_for_provenance(*, source_id: Any) -> Source | None:
    """A visible claim's source, for its provenance (title, URL, capture), without its bytes."""
    if source_id is None:
        return None
    return Source.objects.defer("content", "text").filter(pk=str(source_id)).first()
