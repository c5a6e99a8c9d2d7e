"""eval_contradictions FILE...: precision, recall, F1 and pairs/second per labelled file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.contradictions.calibration import fitted_on
from reviews.contradictions.pairs import pairs_evaluate
from reviews.contradictions.scoring import detector_version


class Command(BaseCommand):
    help = "Measure the detector on labelled JSON Lines files (class: contradiction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"detector {detector_version()}")
        self.stdout.write(
            f"{'file':<24} {'pairs':>6} {'tp':>5} {'fp':>5} {'fn':>5} "
            f"{'precision':>9} {'recall':>7} {'f1':>6} {'pairs/s':>8}"
        )
        in_sample = False
        for path in options["files"]:
            try:
                result = pairs_evaluate(path)
            except LedgerError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                f"{result.name:<24} {result.pairs:>6} {result.true_positives:>5} "
                f"{result.false_positives:>5} {result.false_negatives:>5} "
                f"{result.precision:>9.3f} {result.recall:>7.3f} {result.f1:>6.3f} "
                f"{result.pairs_per_second:>8.0f}" + ("  in-sample*" if fitted_on(path) else "")
            )
            in_sample = in_sample or fitted_on(path)
        if in_sample:
            self.stdout.write(
                "* the score's weights were fitted on this file: these numbers are optimistic. "
                "Quote the cross-validated ones (scripts/fit_contradiction_weights.py, "
                "docs/eval/contradictions-cv.txt)."
            )
