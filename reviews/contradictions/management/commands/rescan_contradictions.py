"""rescan_contradictions: re-index every claim and check all candidates (new detector version);
``--check`` compares the stored index with one rebuilt from the claim list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.events import Metadata
from reviews.contradictions.indexing import contradiction_index_check
from reviews.contradictions.scoring import detector_version
from reviews.contradictions.services import contradictions_rescan


class Command(BaseCommand):
    help = (
        "Rebuild the contradiction index from the claim list and flag every contradiction the "
        "current detector version finds (pairs it already flagged are not flagged again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="rebuild the index in memory from the claim list, compare it with the stored "
            "one and exit non-zero on a difference (writes nothing, flags nothing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            differences = contradiction_index_check()
            for difference in differences:
                self.stdout.write(difference)
            if differences:
                raise CommandError(f"the contradiction index differs in {len(differences)} ways")
            self.stdout.write("the contradiction index matches the claim list")
            return
        result = contradictions_rescan(
            metadata=Metadata(actor="system:rescan_contradictions", via="command")
        )
        self.stdout.write(
            f"detector {detector_version()}: {result['claims']} claims, "
            f"{result['pairs_compared']} candidate pairs compared, {result['flagged']} flagged"
        )
