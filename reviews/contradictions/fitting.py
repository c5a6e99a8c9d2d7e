"""Fitting the score's weights honestly: folds grouped by topic, out-of-fold decisions only.

Shared by ``scripts/fit_contradiction_weights.py`` (which writes ``data/weights.json``) and
``eval_contradictions --folds`` (which reports). All files are pooled and split into folds
grouped by topic (``pairs.pair_topic``: an Emergent claim, an RTE-3 pair, the seed article, an
in-repo set's topic), so no topic is both trained and measured on. For each fold a logistic
model (L2-regularised, batch gradient descent, pure Python) and its decision threshold (the one
maximising F1 on the training folds) are fitted on the other folds and applied to the held-out
fold; the L2 strength is chosen inside the training folds only. Deterministic for a given seed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import random
from pathlib import Path
from typing import Any

from reviews.contradictions import calibration
from reviews.contradictions.calibration import FEATURE_NAMES
from reviews.contradictions.pairs import pair_item_features, pair_topic, pairs_read
from reviews.contradictions.scoring import is_update, pair_cues

L2_CHOICES = (0.01, 0.001, 0.0001)
INNER_FOLDS = 3
STEPS = 3000
LEARNING_RATE = 0.5


@dataclasses.dataclass(frozen=True)
class Model:
    weights: list[float]
    bias: float
    threshold: float
    uncalibrated_kinds: list[str]  # fired too rarely to weigh: their strength is a floor
    l2: float


def fit(vectors: list[list[float]], labels: list[int], l2: float) -> tuple[list[float], float]:
    """Logistic regression by batch gradient descent with L2 on the weights (not the bias).

    The weights of the cue features are kept at or above zero (projected gradient): a detector
    that fires is never evidence *against* a contradiction, whatever the development sets'
    quirks (dates and numbers clash rarely in them), so a clear mismatch is still flagged.
    """
    size = len(vectors[0])
    nonnegative = [name.startswith("cue:") for name in FEATURE_NAMES]
    weights, bias = [0.0] * size, 0.0
    count = len(vectors)
    # Most inputs are zero: keep each vector's non-zero entries only.
    sparse = [[(i, x) for i, x in enumerate(vector) if x] for vector in vectors]
    for _ in range(STEPS):
        gradient, gradient_bias = [0.0] * size, 0.0
        for entries, label in zip(sparse, labels, strict=True):
            z = bias + sum(weights[i] * x for i, x in entries)
            error = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z)))) - label
            gradient_bias += error
            for i, x in entries:
                gradient[i] += error * x
        bias -= LEARNING_RATE * gradient_bias / count
        for index in range(size):
            weights[index] -= LEARNING_RATE * (gradient[index] / count + l2 * weights[index])
            if nonnegative[index] and weights[index] < 0:
                weights[index] = 0.0
    return weights, bias


def best_threshold(scores: list[float], labels: list[int]) -> float:
    """The score cut that maximises F1 (ties: the higher cut, fewer flags)."""
    best, best_f1 = 0.5, -1.0
    for cut in sorted({round(score, 4) for score in scores if score > 0}):
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= cut and y)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= cut and not y)
        fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < cut and y)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 >= best_f1:
            best, best_f1 = cut, f1
    return best


def prf(decisions: list[bool], labels: list[int]) -> dict[str, float | int]:
    tp = sum(1 for d, y in zip(decisions, labels, strict=True) if d and y)
    fp = sum(1 for d, y in zip(decisions, labels, strict=True) if d and not y)
    fn = sum(1 for d, y in zip(decisions, labels, strict=True) if not d and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(labels),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def rows_read(paths: list[Path]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """One row per labelled pair (file, topic, label, the model's input vector or None when no
    cue fired, the kinds that fired) and each file's name and SHA-256."""
    rows: list[dict[str, Any]] = []
    sources = []
    for path in paths:
        items = list(pairs_read(path))  # first: a file it cannot read is a clear error
        sources.append({"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
        for item in items:
            a, b = pair_item_features(item)
            cues, overlap = pair_cues(a, b)
            vector = (
                calibration.pair_vector(a, b, cues, overlap)
                if cues and overlap is not None and not is_update(cues)
                else None
            )
            rows.append(
                {
                    "file": path.name,
                    "topic": pair_topic(path, item),
                    "label": int(item["label"] == "contradiction"),
                    # None: no cue fired, or an update: the score is 0 whatever the model
                    "vector": vector,
                    "kinds": sorted({cue.kind for cue in cues}),
                }
            )
    return rows, sources


def cross_validate(
    rows: list[dict[str, Any]], *, folds: int, seed: int
) -> tuple[list[bool], Model]:
    """The out-of-fold decision for every row, and the model fitted on all rows."""
    # folds grouped by topic: every pair of one topic (an Emergent claim, an RTE-3 pair, the
    # seed article, an in-repo set's topic) is held out together, shuffled with the seed
    rng = random.Random(seed)
    groups = sorted({row["topic"] for row in rows})
    rng.shuffle(groups)
    fold_of_group = {group: rank % folds for rank, group in enumerate(groups)}
    inner_of_group = {group: (rank // folds) % INNER_FOLDS for rank, group in enumerate(groups)}
    fold_of = [fold_of_group[row["topic"]] for row in rows]
    inner_fold_of = [inner_of_group[row["topic"]] for row in rows]

    def fit_rows(indices: list[int], l2: float) -> Model:
        usable = [i for i in indices if rows[i]["vector"] is not None]
        weights, bias = fit(
            [rows[i]["vector"] for i in usable], [rows[i]["label"] for i in usable], l2
        )
        rare = [
            kind
            for position, kind in enumerate(calibration.CUE_KINDS)
            if sum(1 for i in usable if rows[i]["vector"][position]) < calibration.MIN_SUPPORT
        ]
        # The threshold is chosen on the model's own scores; the rare kinds' floors are then
        # placed on that scale (calibration.with_prior).
        model = Model(weights=weights, bias=bias, threshold=0.5, uncalibrated_kinds=[], l2=l2)
        scores = [score_of(model, rows[i]) for i in indices]
        threshold = best_threshold(scores, [rows[i]["label"] for i in indices])
        return dataclasses.replace(model, threshold=threshold, uncalibrated_kinds=rare)

    def choose_l2(indices: list[int]) -> float:
        """The L2 strength with the best pooled F1 in a cross-validation inside ``indices``."""
        best, best_f1 = L2_CHOICES[0], -1.0
        for l2 in L2_CHOICES:
            decided: list[bool] = []
            labels: list[int] = []
            for inner in range(INNER_FOLDS):
                held = [i for i in indices if inner_fold_of[i] == inner]
                model = fit_rows([i for i in indices if inner_fold_of[i] != inner], l2)
                decided += [decide(model, rows[i]) for i in held]
                labels += [rows[i]["label"] for i in held]
            f1 = float(prf(decided, labels)["f1"])
            if f1 > best_f1:
                best, best_f1 = l2, f1
        return best

    def train(indices: list[int]) -> Model:
        return fit_rows(indices, choose_l2(indices))

    def score_of(model: Model, row: dict[str, Any]) -> float:
        if row["vector"] is None:
            return 0.0
        score = calibration.logistic(model.weights, model.bias, row["vector"])
        return calibration.with_prior(
            score, row["vector"], model.uncalibrated_kinds, model.threshold
        )

    def decide(model: Model, row: dict[str, Any]) -> bool:
        return row["vector"] is not None and score_of(model, row) >= model.threshold

    decisions = [False] * len(rows)
    for fold in range(folds):
        model = train([i for i in range(len(rows)) if fold_of[i] != fold])
        for i in range(len(rows)):
            if fold_of[i] == fold:
                decisions[i] = decide(model, rows[i])

    return decisions, train(list(range(len(rows))))
