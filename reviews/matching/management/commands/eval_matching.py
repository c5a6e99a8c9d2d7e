"""eval_matching: precision and recall of suggestions, recall@5 of retrieval (docs/matching.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.matching.evaluation import (
    HALVES,
    Measurement,
    emergent_evaluate,
    measurement_json,
    pairs_evaluate,
)
from reviews.matching.scoring import MATCH_THRESHOLD, SCORER_VERSION

HEADER = (
    f"{'set':<34} {'items':>6} {'tp':>5} {'fp':>5} {'fn':>5} "
    f"{'precision':>9} {'recall':>7} {'recall@5':>8}"
)


class Command(BaseCommand):
    help = (
        "Measure claim matching: suggestions (precision, recall) and retrieval (recall@5) on "
        "Emergent's held-out half, and the team's paraphrase / near-miss pairs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--emergent",
            type=Path,
            default=Path(settings.BASE_DIR).parent / "shared" / "eval" / "emergent.jsonl",
            help="Emergent JSON Lines (default: ../shared/eval/emergent.jsonl beside the checkout)",
        )
        parser.add_argument("--half", choices=HALVES, default="held-out")
        team = Path(settings.BASE_DIR) / "tests" / "data" / "matching"
        parser.add_argument(
            "--pairs",
            type=Path,
            nargs="+",
            default=[team / "pairs.jsonl", team / "heldout.jsonl"],
            help="labelled pair files (default: the team's development and held-out sets)",
        )
        parser.add_argument("--json", action="store_true", help="one JSON line per set")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = [
                emergent_evaluate(options["emergent"], half=options["half"]),
                *(pairs_evaluate(path) for path in options["pairs"]),
            ]
        except LedgerError as error:
            raise CommandError(error.message) from error
        if options["json"]:
            for result in results:
                self.stdout.write(measurement_json(result))
            return
        self.stdout.write(f"matcher {SCORER_VERSION}, suggestion threshold {MATCH_THRESHOLD}")
        self.stdout.write(HEADER)
        for result in results:
            self.stdout.write(self._row(result, retrieval=result is results[0]))
        emergent = results[0]
        self.stdout.write(
            f"against headlines suggested as their own claim: "
            f"{emergent.against_suggested} of {emergent.against}"
        )

    @staticmethod
    def _row(result: Measurement, *, retrieval: bool) -> str:
        at_5 = f"{result.recall_at_5:>8.3f}" if retrieval else f"{'-':>8}"
        return (
            f"{result.name:<34} {result.pairs:>6} {result.true_positives:>5} "
            f"{result.false_positives:>5} {result.false_negatives:>5} "
            f"{result.precision:>9.3f} {result.recall:>7.3f} {at_5}"
        )
