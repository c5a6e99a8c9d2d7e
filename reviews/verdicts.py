"""The verdict scale: how true a claim is, kept apart from where the claim is in its review.

The scale is schema.org ClaimReview's ``reviewRating``: a ``Rating`` with ``worstRating`` 1,
``bestRating`` 5, an integer ``ratingValue`` and a short human-readable ``alternateName``:

    1 False · 2 Mostly false · 3 Half true · 4 Mostly true · 5 True

A claim that cannot be checked (no evidence either way, or not a checkable statement) gets
``Unverifiable``, stored as rating 0: it sits outside the 1-5 scale, so its schema.org rating
carries the name and no ``ratingValue``.
"""

from __future__ import annotations

import enum
from typing import Any

from ledger.exceptions import InvalidCommand

WORST_RATING = 1
BEST_RATING = 5
MAX_EXPLANATION_LENGTH = 5000


class Rating(enum.IntEnum):
    UNVERIFIABLE = 0
    FALSE = 1
    MOSTLY_FALSE = 2
    HALF_TRUE = 3
    MOSTLY_TRUE = 4
    TRUE = 5

    @property
    def label(self) -> str:
        """The ``alternateName`` of this rating."""
        return RATING_NAMES[self]


RATING_NAMES: dict[Rating, str] = {
    Rating.UNVERIFIABLE: "Unverifiable",
    Rating.FALSE: "False",
    Rating.MOSTLY_FALSE: "Mostly false",
    Rating.HALF_TRUE: "Half true",
    Rating.MOSTLY_TRUE: "Mostly true",
    Rating.TRUE: "True",
}

# What each rating means, for the people choosing one (shown next to the verdict form).
RATING_MEANINGS: dict[Rating, str] = {
    Rating.FALSE: "The claim is not accurate.",
    Rating.MOSTLY_FALSE: "The claim has an element of truth but ignores facts that change it.",
    Rating.HALF_TRUE: "The claim is partly accurate but leaves out important details.",
    Rating.MOSTLY_TRUE: "The claim is accurate but needs clarification or more information.",
    Rating.TRUE: "The claim is accurate and nothing significant is missing.",
    Rating.UNVERIFIABLE: "No evidence settles it either way, or it is not a checkable statement.",
}

# For forms: the scale from false to true, then unverifiable.
RATING_CHOICES: list[tuple[int, str]] = [
    (rating.value, f"{rating.value} · {rating.label}" if rating else rating.label)
    for rating in [*sorted(Rating)[1:], Rating.UNVERIFIABLE]
]


def verdict_rating(*, value: int | str) -> Rating:
    """The rating for a form or API value; InvalidCommand for anything off the scale."""
    try:
        return Rating(int(value))
    except (TypeError, ValueError) as error:
        allowed = ", ".join(f"{rating.value} ({rating.label})" for rating in Rating)
        raise InvalidCommand(f"rating must be one of {allowed}; got {value!r}") from error


def verdict_review_rating(*, rating: Rating, explanation: str = "") -> dict[str, Any]:
    """The schema.org ``Rating`` object for ClaimReview's ``reviewRating``."""
    review_rating: dict[str, Any] = {
        "@type": "Rating",
        "worstRating": WORST_RATING,
        "bestRating": BEST_RATING,
        "alternateName": rating.label,
    }
    if rating is not Rating.UNVERIFIABLE:
        review_rating["ratingValue"] = rating.value
    if explanation:
        review_rating["ratingExplanation"] = explanation
    return review_rating


# For the verdict form: each choice with what it means.
RATING_SCALE: list[tuple[int, str, str]] = [
    (value, label, RATING_MEANINGS[Rating(value)]) for value, label in RATING_CHOICES
]
