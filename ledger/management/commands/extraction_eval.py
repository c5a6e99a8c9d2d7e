import json
import pathlib
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.checkworthiness import LABEL_CHECK_WORTHY
from ledger.measurement import (
    LABELLED_ARTICLES,
    article_queue_measure,
    checkworthiness_measure,
    extraction_measure,
    labelled_classes,
)

CLAIMBUSTER_TEST = "eval/claimbuster/test.jsonl"


class Command(BaseCommand):
    help = (
        "Measure claim extraction and check-worthiness: for each labelled article, claim "
        "precision and recall (with the sentences wrongly taken or missed), the check-worthiness "
        "AUC over its gold claims and the share of its default (check-worthy) queue that is "
        "check-worthy; then precision, recall, F1 and AUC on the ClaimBuster test file. Reads "
        "and writes no database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", help="one text file to measure instead of the labelled articles"
        )
        parser.add_argument("--gold", help='its gold JSON with a "claims" list')
        parser.add_argument(
            "--labels", help='its check-worthiness labels JSON with a "sentences" list'
        )
        parser.add_argument(
            "--fail-under",
            default="0",
            help="exit non-zero when claim precision or recall is below this (e.g. 0.9)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = pathlib.Path(settings.BASE_DIR)
        try:
            threshold = Decimal(options["fail_under"])
        except InvalidOperation as error:
            raise CommandError(f"--fail-under {options['fail_under']!r} is not a number") from error
        if options["source"]:
            if not options["gold"]:
                raise CommandError("--source needs --gold")
            articles = [(options["source"], options["gold"], options["labels"])]
        else:
            articles = list(LABELLED_ARTICLES)
        below = []
        for source, gold, labels in articles:
            if not self._article(base, source, gold, labels, threshold):
                below.append(source)
        if not options["source"]:
            self._claimbuster(base / CLAIMBUSTER_TEST)
        if below:
            raise CommandError(f"precision or recall is below {threshold} for {', '.join(below)}")

    def _article(
        self, base: pathlib.Path, source: str, gold: str, labels: str | None, threshold: Decimal
    ) -> bool:
        try:
            text = (base / source).read_text(encoding="utf-8")
            gold_claims = json.loads((base / gold).read_text(encoding="utf-8"))["claims"]
            labelled = json.loads((base / labels).read_text(encoding="utf-8")) if labels else {}
            classes = labelled_classes(labelled) if labels else None
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot read the source, gold or labels file: {error}") from error
        result = extraction_measure(text=text, gold_claims=gold_claims)
        # A development article was looked at while the features were designed; a held-out
        # one never was (its figures are the honest ones; docs/checkworthiness.md).
        role = f"  ({labelled['role'].replace('_', ' ')})" if labelled.get("role") else ""
        self.stdout.write(f"source: {source}  gold: {gold}{role}")
        self.stdout.write(
            f"precision {result.precision}  recall {result.recall}  "
            f"({result.true_positives} correct, {len(result.false_positives)} wrongly taken, "
            f"{len(result.false_negatives)} missed)"
        )
        for claim in result.false_positives:
            self.stdout.write(f"  wrongly taken: {claim}")
        for claim in result.false_negatives:
            self.stdout.write(f"  missed: {claim}")
        if classes is not None:
            self._queue(text, classes)
        return result.precision >= threshold and result.recall >= threshold

    def _queue(self, text: str, classes: dict[str, str]) -> None:
        # The scores and the default queue are what ingestion records (the claims read in
        # their article); an extracted sentence that is not a gold claim counts as not
        # check-worthy.
        measured = article_queue_measure(text=text, classes=classes)
        self.stdout.write(
            f"check-worthiness AUC {measured.auc}  "
            f"({measured.labelled_worthy} of {measured.claims} extracted claims check-worthy)"
        )
        self.stdout.write(
            f"default queue: {measured.queue} claims, {measured.queue_worthy} check-worthy: "
            f"share {measured.share}  (recall {measured.recall})"
        )

    def _claimbuster(self, path: pathlib.Path) -> None:
        try:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            labelled = [(row["text"], row["label"] == LABEL_CHECK_WORTHY) for row in rows]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        measured = checkworthiness_measure(labelled=labelled)
        self.stdout.write(f"ClaimBuster test: {path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(
            f"check-worthy precision {measured.precision}  recall {measured.recall}  "
            f"F1 {measured.f1}  AUC {measured.auc}  "
            f"({measured.sentences} sentences, {measured.check_worthy} check-worthy)"
        )
