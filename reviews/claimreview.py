"""A published claim's review as schema.org ClaimReview JSON-LD (what search engines read)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.models import ClaimView, Source
from ledger.reading import RecordedEvent, read_stream
from reviews.matching.selectors import match_group
from reviews.models import Organisation
from reviews.verdicts import Rating, verdict_review_rating


def _date(moment: Any) -> str | None:
    return moment.date().isoformat() if moment is not None else None


def claimreview_document(
    *,
    claim: ClaimView,
    source: Source | None,
    published: RecordedEvent,
    fallback_url: str,
    sightings: list[Source] | None = None,
) -> dict[str, Any]:
    """The ClaimReview of a published claim. ``published`` is its ClaimPublished event.

    A published claim always has a verdict (approval needs one). ``sightings`` are the sources
    of the other claims matched with it (its group): each is listed as an appearance too.
    """
    verdict = claim.verdict or {"rating": Rating.UNVERIFIABLE}
    publisher_name = (
        Organisation.objects.filter(slug=claim.publisher).values_list("name", flat=True).first()
        or claim.publisher
    )
    item_reviewed: dict[str, Any] = {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": publisher_name},
    }
    if source is not None:
        appearance: dict[str, Any] = {"@type": "CreativeWork"}
        if source.url:
            appearance["url"] = source.url
        if source.title:
            appearance["headline"] = source.title
        if source.published_at is not None:
            appearance["datePublished"] = _date(source.published_at)
            item_reviewed["datePublished"] = _date(source.published_at)
        appearance["author"] = {"@type": "Organization", "name": publisher_name}
        item_reviewed["appearance"] = [appearance]
        item_reviewed["firstAppearance"] = appearance
    for sighting in sightings or []:
        if sighting.url and all(
            item.get("url") != sighting.url for item in item_reviewed.get("appearance", [])
        ):
            seen: dict[str, Any] = {"@type": "CreativeWork", "url": sighting.url}
            if sighting.title:
                seen["headline"] = sighting.title
            if sighting.published_at is not None:
                seen["datePublished"] = _date(sighting.published_at)
            item_reviewed.setdefault("appearance", []).append(seen)
    url = getattr(published.event, "url", "") or fallback_url
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": _date(published.recorded_at),
        "author": {
            "@type": "Organization",
            "name": settings.LEDGER_CLAIMREVIEW_AUTHOR,
        },
        "reviewRating": verdict_review_rating(
            rating=Rating(verdict["rating"]), explanation=verdict.get("explanation", "")
        ),
        "itemReviewed": item_reviewed,
    }


def claim_published_event(*, claim_id: str) -> RecordedEvent | None:
    """The latest ClaimPublished event of a claim (its URL and date), if any."""
    published = [
        item for item in read_stream(claim_id) if isinstance(item.event, ev.ClaimPublished)
    ]
    return published[-1] if published else None


def group_claimreview(*, claim_id: str, fallback_url: str) -> dict[str, Any] | None:
    """The ClaimReview a claim answers with, listing every source of its group (the claims
    matched with it) as an appearance: the canonical claim's when that is published, else the
    claim's own when it is; None when neither is published."""
    group = match_group(claim_id=claim_id)
    published_claims = {
        str(claim.claim_id): claim
        for claim in ClaimView.objects.filter(
            pk__in={group.canonical_id, str(claim_id)}, status=ClaimStatus.PUBLISHED
        )
    }
    reviewed = published_claims.get(group.canonical_id) or published_claims.get(str(claim_id))
    if reviewed is None:
        return None
    published = claim_published_event(claim_id=str(reviewed.claim_id))
    if published is None:
        return None
    source_ids = (
        ClaimView.objects.filter(pk__in=group.members)
        .exclude(pk=reviewed.claim_id)
        .values_list("source_id", flat=True)
    )
    sightings = list(
        Source.objects.defer("content", "text")
        .filter(pk__in=[pk for pk in source_ids if pk])
        .order_by("captured_at", "pk")
    )
    return claimreview_document(
        claim=reviewed,
        source=Source.objects.defer("content", "text").filter(pk=reviewed.source_id).first()
        if reviewed.source_id
        else None,
        published=published,
        fallback_url=fallback_url,
        sightings=sightings,
    )
