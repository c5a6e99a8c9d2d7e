"""Fit the contradiction score's weights on the development sets, honestly.

    python scripts/fit_contradiction_weights.py ../shared/eval/seed_pairs.jsonl \
        ../shared/eval/emergent.jsonl ../shared/eval/rte3_dev.jsonl \
        [--folds 5] [--seed 20240601] [--write]

All files are pooled and split into ``--folds`` stratified folds (by file and label). For each
fold a logistic model (L2-regularised, batch gradient descent, pure Python) and its decision
threshold (the one maximising F1 on the training folds) are fitted on the other folds and
applied to the held-out fold. The report gives precision, recall and F1 per file from these
out-of-fold decisions only: no pair is ever scored by a model that saw it. Then the model is
fitted once more on everything; ``--write`` stores it in
``reviews/contradictions/data/weights.json`` together with the cross-validated report (the
numbers to quote), and the report is also written to ``docs/eval/contradictions-cv.txt``.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
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

L2 = 0.01
STEPS = 1500
LEARNING_RATE = 0.5


def fit(vectors: list[list[float]], labels: list[int]) -> tuple[list[float], float]:
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
    for _ in range(STEPS):
        gradient, gradient_bias = [0.0] * size, 0.0
        for vector, label in zip(vectors, labels, strict=True):
            z = bias + sum(w * x for w, x in zip(weights, vector, strict=True))
            error = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z)))) - label
            gradient_bias += error
            for index, value in enumerate(vector):
                if value:
                    gradient[index] += error * value
        bias -= LEARNING_RATE * gradient_bias / count
        for index in range(size):
            weights[index] -= LEARNING_RATE * (gradient[index] / count + L2 * weights[index])
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
    from reviews.contradictions.pairs import pairs_read
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
                    "label": int(item["label"] == "contradiction"),
                    "vector": vector,  # None: no cue fired, the score is 0 whatever the model
                }
            )

    # stratified folds: by file and label, shuffled with the seed
    rng = random.Random(arguments.seed)
    fold_of = [0] * len(rows)
    strata: dict[tuple[str, int], list[int]] = {}
    for index, row in enumerate(rows):
        strata.setdefault((row["file"], row["label"]), []).append(index)
    for members in strata.values():
        rng.shuffle(members)
        for position, index in enumerate(members):
            fold_of[index] = position % arguments.folds

    def train(indices: list[int]) -> tuple[list[float], float, float]:
        usable = [i for i in indices if rows[i]["vector"] is not None]
        weights, bias = fit([rows[i]["vector"] for i in usable], [rows[i]["label"] for i in usable])
        scores = [score_of(weights, bias, rows[i]) for i in indices]
        threshold = best_threshold(scores, [rows[i]["label"] for i in indices])
        return weights, bias, threshold

    def score_of(weights: list[float], bias: float, row: dict[str, Any]) -> float:
        if row["vector"] is None:
            return 0.0
        return calibration.logistic(weights, bias, row["vector"])

    decisions = [False] * len(rows)
    for fold in range(arguments.folds):
        training = [i for i in range(len(rows)) if fold_of[i] != fold]
        weights, bias, threshold = train(training)
        for i in range(len(rows)):
            if fold_of[i] == fold:
                score = score_of(weights, bias, rows[i])
                decisions[i] = rows[i]["vector"] is not None and score >= threshold

    report: dict[str, Any] = {}
    for path in arguments.files:
        members = [i for i, row in enumerate(rows) if row["file"] == path.name]
        report[path.name] = prf(
            [decisions[i] for i in members], [rows[i]["label"] for i in members]
        )
    report["pooled"] = prf(decisions, [row["label"] for row in rows])

    weights, bias, threshold = train(list(range(len(rows))))
    lines = [
        f"detector {DETECTOR_VERSION}: {arguments.folds}-fold cross-validation, pooled, seed "
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
    lines.append(f"final model (all pairs): threshold {threshold}, bias {bias:.3f}")
    for name, weight in zip(calibration.FEATURE_NAMES, weights, strict=True):
        lines.append(f"  {name:<22} {weight:+.3f}")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if arguments.write:
        payload = {
            "detector_version": DETECTOR_VERSION,
            "feature_names": list(calibration.FEATURE_NAMES),
            "weights": [round(weight, 6) for weight in weights],
            "bias": round(bias, 6),
            "threshold": threshold,
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
