"""One calibrated score from the cues that fired, and the verdict for a pair.

Each cue's strength is the estimated precision of its detector at that overlap level (how
often a pair showing only that cue is a contradiction, measured over all the development sets
together, never fitted to one). Independent cues combine by noisy-OR, so two weak cues make a
stronger case than either, and the score stays a probability in [0, 1].
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_EVEN, Decimal

from reviews.contradictions.detectors import DETECTORS, Cue, may_conflict, overlap_of
from reviews.contradictions.features import ClaimFeatures

DETECTOR_VERSION = "lexical-1"
THRESHOLD = 0.5


@dataclasses.dataclass(frozen=True)
class PairScore:
    score: float
    cues: list[Cue]

    @property
    def contradiction(self) -> bool:
        return self.score >= THRESHOLD

    @property
    def score_decimal(self) -> str:
        """The score as the decimal string events carry (no floats in payloads)."""
        return str(Decimal(repr(self.score)).quantize(Decimal("0.001"), ROUND_HALF_EVEN))

    @property
    def explanations(self) -> list[str]:
        return [cue.explanation for cue in self.cues]


def combine(cues: list[Cue]) -> float:
    remaining = 1.0
    for cue in cues:
        remaining *= 1.0 - cue.strength
    return round(1.0 - remaining, 6)


def pair_score(a: ClaimFeatures, b: ClaimFeatures) -> PairScore:
    """Run every detector on a pair of claims' features (none when the cheap bound rules
    the pair out)."""
    if not may_conflict(a, b):
        return PairScore(score=0.0, cues=[])
    overlap = overlap_of(a, b)
    if overlap.weight == 0:
        return PairScore(score=0.0, cues=[])
    cues: list[Cue] = []
    for detector in DETECTORS:
        cues.extend(detector(a, b, overlap))
    cues.sort(key=lambda cue: -cue.strength)
    return PairScore(score=combine(cues), cues=cues)
