"""Fit the contradiction score's weights on the development sets, honestly.

    python scripts/fit_contradiction_weights.py ../shared/eval/seed_pairs.jsonl \
        ../shared/eval/emergent.jsonl ../shared/eval/rte3_dev.jsonl \
        [--folds 5] [--seed 20240601] [--write]

The folds, the model and the threshold are ``reviews/contradictions/fitting.py``'s: folds
grouped by topic, out-of-fold decisions only, L2 chosen inside the training folds. The report
gives precision, recall and F1 per file from the out-of-fold decisions; then the model is fitted
once more on everything, and ``--write`` stores it in ``reviews/contradictions/data/weights.json``
with the cross-validated report (the numbers to quote), also written to
``docs/eval/contradictions-cv.txt``. ``eval_contradictions --folds`` prints the same report
with a breakdown per contradiction type.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--write", action="store_true", help="store weights.json and the report")
    arguments = parser.parse_args()

    import django

    django.setup()
    from reviews.contradictions import calibration, fitting
    from reviews.contradictions.scoring import DETECTOR_VERSION

    rows, sources = fitting.rows_read(arguments.files)
    decisions, final = fitting.cross_validate(rows, folds=arguments.folds, seed=arguments.seed)

    report: dict[str, Any] = {}
    for path in arguments.files:
        members = [i for i, row in enumerate(rows) if row["file"] == path.name]
        report[path.name] = fitting.prf(
            [decisions[i] for i in members], [rows[i]["label"] for i in members]
        )
    report["pooled"] = fitting.prf(decisions, [row["label"] for row in rows])

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
