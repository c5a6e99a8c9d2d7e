import json
import pathlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.extraction import extraction_measure

SEED_SOURCE = "fixtures/iran-palestine-article.txt"
SEED_GOLD = "fixtures/iran-palestine-article.gold.json"


class Command(BaseCommand):
    help = (
        "Measure claim extraction against a gold file: prints precision and recall, and the "
        "sentences that were wrongly taken or missed. Reads and writes no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", default=SEED_SOURCE, help=f"text file (default {SEED_SOURCE})"
        )
        parser.add_argument(
            "--gold",
            default=SEED_GOLD,
            help=f'gold JSON with a "claims" list (default {SEED_GOLD})',
        )
        parser.add_argument(
            "--fail-under",
            default="0",
            help="exit non-zero when precision or recall is below this (e.g. 0.9)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = pathlib.Path(settings.BASE_DIR)
        source = base / options["source"]
        gold_path = base / options["gold"]
        try:
            threshold = Decimal(options["fail_under"])
            text = source.read_text(encoding="utf-8")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))["claims"]
        except (OSError, ValueError, KeyError, InvalidOperation) as error:
            raise CommandError(f"cannot read the source or gold file: {error}") from error
        result = extraction_measure(text=text, gold_claims=gold)
        self.stdout.write(f"source: {options['source']}  gold: {options['gold']}")
        self.stdout.write(
            f"precision {result.precision}  recall {result.recall}  "
            f"({result.true_positives} correct, {len(result.false_positives)} wrongly taken, "
            f"{len(result.false_negatives)} missed)"
        )
        for claim in result.false_positives:
            self.stdout.write(f"  wrongly taken: {claim}")
        for claim in result.false_negatives:
            self.stdout.write(f"  missed: {claim}")
        if result.precision < threshold or result.recall < threshold:
            raise CommandError(f"precision or recall is below {threshold}")
