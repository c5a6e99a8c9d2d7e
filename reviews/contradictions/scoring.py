"""One calibrated score from the cues that fired, and the verdict for a pair.

The detectors (``detectors.py``) produce cues; ``calibration`` turns them into one probability
with a logistic model fitted by ``scripts/fit_contradiction_weights.py`` on all the development
sets pooled, with k-fold cross-validation (the only numbers reported are out-of-fold). The pair
is a contradiction when the score reaches the fitted threshold.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_EVEN, Decimal

from reviews.contradictions.calibration import calibrated
from reviews.contradictions.detectors import Cue, Overlap, detectors_that_may_fire, overlap_of
from reviews.contradictions.features import ClaimFeatures

DETECTOR_VERSION = "lexical-4"


@dataclasses.dataclass(frozen=True)
class PairScore:
    score: float
    cues: list[Cue]
    threshold: float = 0.5

    @property
    def contradiction(self) -> bool:
        return bool(self.cues) and self.score >= self.threshold

    @property
    def score_decimal(self) -> str:
        """The score as the decimal string events carry (no floats in payloads)."""
        return str(Decimal(repr(self.score)).quantize(Decimal("0.001"), ROUND_HALF_EVEN))

    @property
    def explanations(self) -> list[str]:
        return [cue.explanation for cue in self.cues]

    def swapped(self) -> PairScore:
        """The same score for the pair stored as (B, A): each cue names the roles swapped."""
        return dataclasses.replace(self, cues=[cue.swapped() for cue in self.cues])


def pair_cues(a: ClaimFeatures, b: ClaimFeatures) -> tuple[list[Cue], Overlap | None]:
    """Every detector's cues for a pair, strongest first (none when the bound rules it out).

    Only the detectors whose first requirement the pair meets run: the others would return no
    cue (``detectors_that_may_fire``).
    """
    detectors = detectors_that_may_fire(a, b)
    if not detectors:
        return [], None
    overlap = overlap_of(a, b)
    if overlap.weight == 0:
        return [], overlap
    cues: list[Cue] = []
    for detector in detectors:
        cues.extend(detector(a, b, overlap))
    if len(cues) > 1:
        cues.sort(key=lambda cue: -cue.strength)
    return cues, overlap


def pair_score(a: ClaimFeatures, b: ClaimFeatures) -> PairScore:
    """Run every detector on a pair of claims' features and combine what fired."""
    cues, overlap = pair_cues(a, b)
    if not cues or overlap is None:
        return PairScore(score=0.0, cues=[])
    score, threshold = calibrated(a, b, cues, overlap)
    return PairScore(score=round(score, 6), cues=cues, threshold=threshold)


def detector_version() -> str:
    """The version flags record: the lexical detectors, plus the NLI model when one is set."""
    from reviews.contradictions.nli import nli_backend

    model = nli_backend()
    if model is None:
        return DETECTOR_VERSION
    return f"{DETECTOR_VERSION}+nli:{model.name}"[:50]  # ContradictionView.detector_version


def pair_score_texts(a: ClaimFeatures, b: ClaimFeatures, *, text_a: str, text_b: str) -> PairScore:
    """``pair_score``, plus the optional NLI model's reading of the two texts (``nli.py``)."""
    from reviews.contradictions.nli import NLI_THRESHOLD, nli_backend

    lexical = pair_score(a, b)
    model = nli_backend()
    if model is None:
        return lexical
    probability = model.pair_probability(text_a, text_b)
    if probability < NLI_THRESHOLD:
        return lexical
    cue = Cue(
        kind="nli",
        strength=round(probability, 6),
        template=(
            f"the NLI model “{model.name}” reads the two as contradictory "
            f"(probability {probability:.2f})"
        ),
    )
    cues = sorted([*lexical.cues, cue], key=lambda item: -item.strength)
    return PairScore(
        score=round(max(lexical.score, probability), 6), cues=cues, threshold=NLI_THRESHOLD
    )
