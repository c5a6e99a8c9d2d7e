"""One calibrated score from the cues that fired: a logistic model over the detectors' outputs.

The detectors say *what* is incompatible; how much each kind of cue is worth, alone or with
others, in a question or under a hedge, is learnt by ``scripts/fit_contradiction_weights.py``
(pooled, k-fold cross-validated, output committed in ``data/weights.json``). A pair on which no
detector fired scores 0 whatever the weights say, so the cheap bound in
``registry.detectors_that_may_fire`` stays exact. Without a weights file the cue strengths
combine by noisy-OR (the prior).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import operator
from pathlib import Path
from typing import Any

from reviews.contradictions.detectors import Cue, Overlap
from reviews.contradictions.features import ClaimFeatures

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "weights.json"

CUE_KINDS = (
    "negation",
    "negation-weak",
    "negation-embedded",
    "opposite-predicate",
    "swapped-relation",
    "antonymy",
    "numeric",
    "date",
    "stance",
    "refutation",
    "refutation-loose",
    "quantifier",
)
# A cue kind that fires on fewer training pairs than this keeps its detector's strength as a
# floor on the score (``with_prior``): too few examples to learn its weight from.
MIN_SUPPORT = 20
# A cue at least this strong comes from a type detector that found aligned claims (same
# subject, same predicate, compatible times) saying incompatible things: it is decisive, and
# no fitted weight can take the pair below the threshold (``with_prior``).
DECISIVE_STRENGTH = 0.7
CUE_POSITION = {kind: position for position, kind in enumerate(CUE_KINDS)}
FEATURE_NAMES = (
    *(f"cue:{kind}" for kind in CUE_KINDS),
    "question",
    "hedged",
    "shared_entity",
    "kinds",
)


def pair_vector(
    a: ClaimFeatures, b: ClaimFeatures, cues: list[Cue], overlap: Overlap
) -> list[float]:
    """The model's inputs for one pair, in ``FEATURE_NAMES`` order."""
    # Plain loops, no generators: this runs for every pair on which a detector fired.
    strongest: dict[str, float] = {}
    for cue in cues:
        previous = strongest.get(cue.kind, 0.0)
        strongest[cue.kind] = cue.strength if cue.strength > previous else previous
    vector = [strongest.get(kind, 0.0) for kind in CUE_KINDS]
    vector.append(1.0 if a.question or b.question else 0.0)
    vector.append(1.0 if a.hedges or b.hedges else 0.0)
    vector.append(1.0 if overlap.entities else 0.0)
    vector.append(min(len(strongest), 3) / 3)
    return vector


def noisy_or(cues: list[Cue]) -> float:
    remaining = 1.0
    for cue in cues:
        remaining *= 1.0 - cue.strength
    return 1.0 - remaining


def logistic(weights: list[float], bias: float, vector: list[float]) -> float:
    if len(weights) != len(vector):
        raise ValueError(f"{len(weights)} weights for {len(vector)} features")
    # The same additions, in the same order, as summing ``w * x`` pair by pair.
    z = bias + sum(map(operator.mul, weights, vector))
    if z < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


@functools.lru_cache(maxsize=1)
def model() -> dict[str, Any] | None:
    """The fitted model (``weights``, ``bias``, ``threshold``), or None without a weights file."""
    if not WEIGHTS_FILE.exists():
        return None
    payload: dict[str, Any] = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    if tuple(payload["feature_names"]) != FEATURE_NAMES:
        raise RuntimeError(
            f"{WEIGHTS_FILE.name} was fitted on other features; rerun "
            "scripts/fit_contradiction_weights.py"
        )
    return payload


def fitted_on(path: Path) -> bool:
    """Whether the shipped weights were fitted on this very file (same SHA-256)."""
    fitted = model()
    if fitted is None or not path.is_file():
        return False
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return any(source["sha256"] == digest for source in fitted["fitted_on"])


def calibrated(
    a: ClaimFeatures, b: ClaimFeatures, cues: list[Cue], overlap: Overlap
) -> tuple[float, float]:
    """(score, threshold) for a pair whose detectors produced ``cues``."""
    fitted = model()
    if fitted is None:
        return noisy_or(cues), 0.5
    if not cues:
        return 0.0, float(fitted["threshold"])
    vector = pair_vector(a, b, cues, overlap)
    threshold = float(fitted["threshold"])
    score = logistic(fitted["weights"], fitted["bias"], vector)
    return with_prior(score, vector, fitted.get("uncalibrated_kinds", []), threshold), threshold


def with_prior(
    score: float, vector: list[float], uncalibrated_kinds: list[str], threshold: float
) -> float:
    """The model's score, raised to a cue's own verdict when its kind fired too rarely in the
    development sets to be weighed (``MIN_SUPPORT`` pairs) or the cue is decisive
    (``DECISIVE_STRENGTH``, whatever its kind's weight): such a cue is flagged exactly when
    its detector's strength reaches 0.5, as without a model (its strength is mapped onto the
    model's scale, 0.5 onto the fitted threshold), so a clear date or number clash is flagged
    even where the data cannot weigh it."""
    prior = 0.0  # the strongest uncalibrated or decisive cue (cue entries are never negative)
    for kind, position in CUE_POSITION.items():
        strength = vector[position]
        if strength > prior and (strength >= DECISIVE_STRENGTH or kind in uncalibrated_kinds):
            prior = strength
    if prior >= 0.5:
        mapped = threshold + (prior - 0.5) * (1.0 - threshold) / 0.5
    else:
        mapped = prior * threshold / 0.5
    return max(score, mapped)
