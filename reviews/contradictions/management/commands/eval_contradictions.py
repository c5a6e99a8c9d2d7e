"""eval_contradictions FILE... [--folds K]: precision, recall, F1 per labelled file.

Without ``--folds`` the shipped weights score every pair (pairs/second too), and a file whose
pairs name their kind (``type`` or ``kind``) gets a line of pairs flagged per kind. With
``--folds K`` the score is refitted K times on folds grouped by topic
(``fitting.cross_validate``) and every pair is decided by a model that never saw its topic;
the report then adds, per contradiction type (the cue kinds), how many flags it raised and how
many were right.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.contradictions import fitting
from reviews.contradictions.calibration import CUE_KINDS, fitted_on
from reviews.contradictions.pairs import pairs_evaluate
from reviews.contradictions.scoring import detector_version

HEADER = (
    f"{'file':<24} {'pairs':>6} {'tp':>5} {'fp':>5} {'fn':>5} "
    f"{'precision':>9} {'recall':>7} {'f1':>6}"
)


class Command(BaseCommand):
    help = "Measure the detector on labelled JSON Lines files (class: contradiction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--folds",
            type=int,
            default=0,
            help="refit on K folds grouped by topic and report out-of-fold decisions only",
        )
        parser.add_argument("--seed", type=int, default=20240601)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["folds"]:
                self._grouped(options["files"], folds=options["folds"], seed=options["seed"])
            else:
                self._shipped(options["files"])
        except LedgerError as error:
            raise CommandError(error.message) from error

    def _shipped(self, paths: list[Path]) -> None:
        self.stdout.write(f"detector {detector_version()}")
        self.stdout.write(f"{HEADER} {'pairs/s':>8}")
        in_sample = False
        kinds: list[str] = []
        for path in paths:
            result = pairs_evaluate(path)
            if result.flagged_by_kind:
                counts = ", ".join(
                    f"{kind} {flagged}/{pairs}"
                    for kind, (flagged, pairs) in result.flagged_by_kind.items()
                )
                kinds.append(f"{result.name}: {counts}")
            self.stdout.write(
                f"{result.name:<24} {result.pairs:>6} {result.true_positives:>5} "
                f"{result.false_positives:>5} {result.false_negatives:>5} "
                f"{result.precision:>9.3f} {result.recall:>7.3f} {result.f1:>6.3f} "
                f"{result.pairs_per_second:>8.0f}" + ("  in-sample*" if fitted_on(path) else "")
            )
            in_sample = in_sample or fitted_on(path)
        if kinds:
            self.stdout.write("")
            self.stdout.write("flagged / pairs, per kind of pair (the file's type or kind):")
            for line in kinds:
                self.stdout.write(line)
        if in_sample:
            self.stdout.write(
                "* the score's weights were fitted on this file: these numbers are optimistic. "
                "Quote the grouped cross-validated ones (eval_contradictions --folds 5, "
                "docs/eval/contradictions-by-type.md)."
            )

    def _grouped(self, paths: list[Path], *, folds: int, seed: int) -> None:
        if folds < 2:
            raise CommandError("--folds needs at least 2 folds")
        rows, _ = fitting.rows_read(paths)
        decisions, _ = fitting.cross_validate(rows, folds=folds, seed=seed)
        topics = len({row["topic"] for row in rows})
        self.stdout.write(
            f"detector {detector_version()}: {folds}-fold cross-validation grouped by topic "
            f"({topics} topics), seed {seed}, out-of-fold decisions only"
        )
        self.stdout.write(HEADER)
        names = [path.name for path in paths]
        for name in [*names, "pooled"]:
            members = [i for i, row in enumerate(rows) if name in ("pooled", row["file"])]
            result = fitting.prf(
                [decisions[i] for i in members], [rows[i]["label"] for i in members]
            )
            self.stdout.write(
                f"{name:<24} {result['pairs']:>6} {result['tp']:>5} {result['fp']:>5} "
                f"{result['fn']:>5} {result['precision']:>9.3f} {result['recall']:>7.3f} "
                f"{result['f1']:>6.3f}"
            )
        self.stdout.write("")
        self.stdout.write("per type (a flag counts for every type whose cue it carries):")
        self.stdout.write(f"{'type':<20} {'flags':>6} {'right':>6} {'precision':>9} {'fired':>6}")
        for kind in CUE_KINDS:
            fired = [i for i, row in enumerate(rows) if kind in row["kinds"]]
            flags = [i for i in fired if decisions[i]]
            right = sum(rows[i]["label"] for i in flags)
            precision = f"{right / len(flags):.3f}" if flags else "-"
            self.stdout.write(
                f"{kind:<20} {len(flags):>6} {right:>6} {precision:>9} {len(fired):>6}"
            )
