"""Fit the contradiction score's weights on the development sets, honestly.

    python scripts/fit_contradiction_weights.py ../shared/eval/seed_pairs.jsonl \
        ../shared/eval/emergent.jsonl ../shared/eval/rte3_dev.jsonl \
        [--folds 5] [--seed 20240601] [--write]

All files are pooled and split into ``--folds`` folds grouped by topic (``pairs.pair_topic``:
Emergent's claim, an RTE-3 pair, the seed article as one), so no topic is both trained and
measured on. For each
fold a logistic model (L2-regularised, batch gradient descent, pure Python) and its decision
threshold (the one maximising F1 on the training folds) are fitted on the other folds and
applied to the held-out fold. The L2 strength is chosen from ``L2_CHOICES`` inside the training
folds only (an inner cross-validation over them, best pooled F1), so the held-out fold plays no
part in it either. The report gives precision, recall and F1 per file from these
out-of-fold decisions only: no pair is ever scored by a model that saw it. Then the model is
fitted once more on everything; ``--write`` stores it in
``reviews/contradictions/data/weights.json`` together with the cross-validated report (the
numbers to quote), and the report is also written to ``docs/eval/contradictions-cv.txt``.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

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
    from reviews.contradictions.calibration import FEATURE_NAMES

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--write", action="store_true", help="store weights.json and the report")
    arguments = parser.parse_args()

    import django

    django.setup()
    from reviews.contradictions import calibration
    from reviews.contradictions.features import features_extract
    from reviews.contradictions.pairs import pair_topic, pairs_read
    from reviews.contradictions.scoring import DETECTOR_VERSION, pair_cues

    rows: list[dict[str, Any]] = []
    sources = []
    for path in arguments.files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sources.append({"file": path.name, "sha256": digest})
        for item in pairs_read(path):
            a, b = features_extract(text=item["a"]), features_extract(text=item["b"])
            cues, overlap = pair_cues(a, b)
            vector = (
                calibration.pair_vector(a, b, cues, overlap)
                if cues and overlap is not None
                else None
            )
            rows.append(
                {
                    "file": path.name,
                    "topic": pair_topic(path, item),
                    "label": int(item["label"] == "contradiction"),
                    "vector": vector,  # None: no cue fired, the score is 0 whatever the model
                }
            )

    # folds grouped by topic: every pair of one topic (an Emergent claim, an RTE-3 pair, the
    # seed article, an in-repo set's topic) is held out together, shuffled with the seed
    rng = random.Random(arguments.seed)
    groups = sorted({row["topic"] for row in rows})
    rng.shuffle(groups)
    fold_of_group = {group: rank % arguments.folds for rank, group in enumerate(groups)}
    inner_of_group = {
        group: (rank // arguments.folds) % INNER_FOLDS for rank, group in enumerate(groups)
    }
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
    for fold in range(arguments.folds):
        model = train([i for i in range(len(rows)) if fold_of[i] != fold])
        for i in range(len(rows)):
            if fold_of[i] == fold:
                decisions[i] = decide(model, rows[i])

    report: dict[str, Any] = {}
    for path in arguments.files:
        members = [i for i, row in enumerate(rows) if row["file"] == path.name]
        report[path.name] = prf(
            [decisions[i] for i in members], [rows[i]["label"] for i in members]
        )
    report["pooled"] = prf(decisions, [row["label"] for row in rows])

    final = train(list(range(len(rows))))
    lines = [
        f"detector {DETECTOR_VERSION}: {arguments.folds}-fold cross-validation grouped by topic, "
        f"seed "
        f"{arguments.seed} (out-of-fold decisions only)",
        f"{'file':<24} {'pairs':>6} {'tp':>5} {'fp':>5} {'fn':>5} "
        f"{'precision':>9} {'recall':>7} {'f1':>6}",
    ]
    for name, result in report.items():
        lines.append(
            f"{name:<24} {result['pairs']:>6} {result['tp']:>5} {result['fp']:>5} "
            f"{result['fn']:>5} {result['precision']:>9.3f} {result['recall']:>7.3f} "
            f"{result['f1']:>6.3f}"
        )
    lines.append("")
    lines.append(
        f"final model (all pairs): threshold {final.threshold}, bias {final.bias:.3f}, "
        f"L2 {final.l2}"
    )
    for name, weight in zip(calibration.FEATURE_NAMES, final.weights, strict=True):
        lines.append(f"  {name:<22} {weight:+.3f}")
    lines.append(
        f"  too rare to weigh (< {calibration.MIN_SUPPORT} pairs; the cue's strength is a floor): "
        + (", ".join(final.uncalibrated_kinds) or "none")
    )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if arguments.write:
        payload = {
            "detector_version": DETECTOR_VERSION,
            "feature_names": list(calibration.FEATURE_NAMES),
            "weights": [round(weight, 6) for weight in final.weights],
            "bias": round(final.bias, 6),
            "threshold": final.threshold,
            "uncalibrated_kinds": final.uncalibrated_kinds,
            "l2": final.l2,
            "fitted_on": sources,
            "folds": arguments.folds,
            "seed": arguments.seed,
            "cross_validated": report,
            "generated_by": "scripts/fit_contradiction_weights.py",
        }
        calibration.WEIGHTS_FILE.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        (ROOT / "docs" / "eval" / "contradictions-cv.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
