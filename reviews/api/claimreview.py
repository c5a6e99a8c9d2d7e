"""A published claim's review as schema.org ClaimReview JSON-LD (what search engines read)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ledger.models import ClaimView, Source
from ledger.store import RecordedEvent
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
) -> dict[str, Any]:
    """The ClaimReview of a published claim. ``published`` is its ClaimPublished event.

    A published claim always has a verdict (approval needs one).
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
