"""The verdict scale and its schema.org ClaimReview rating."""

import pytest

from ledger.exceptions import InvalidCommand
from reviews.verdicts import RATING_CHOICES, Rating, verdict_rating, verdict_review_rating


def test_scale_runs_from_false_to_true_then_unverifiable():
    assert RATING_CHOICES == [
        (1, "1 · False"),
        (2, "2 · Mostly false"),
        (3, "3 · Half true"),
        (4, "4 · Mostly true"),
        (5, "5 · True"),
        (0, "Unverifiable"),
    ]


def test_review_rating_matches_schema_org():
    assert verdict_review_rating(rating=Rating.MOSTLY_TRUE, explanation="agrees") == {
        "@type": "Rating",
        "worstRating": 1,
        "bestRating": 5,
        "ratingValue": 4,
        "alternateName": "Mostly true",
        "ratingExplanation": "agrees",
    }


def test_unverifiable_has_a_name_and_no_value():
    assert verdict_review_rating(rating=Rating.UNVERIFIABLE) == {
        "@type": "Rating",
        "worstRating": 1,
        "bestRating": 5,
        "alternateName": "Unverifiable",
    }


@pytest.mark.parametrize(("value", "expected"), [("5", Rating.TRUE), (1, Rating.FALSE)])
def test_rating_from_form_values(value, expected):
    assert verdict_rating(value=value) is expected


@pytest.mark.parametrize("value", ["", "6", "-1", "True", "2.5"])
def test_off_scale_rating_is_refused(value):
    with pytest.raises(InvalidCommand, match="rating must be one of 0 \\(Unverifiable\\), 1"):
        verdict_rating(value=value)
