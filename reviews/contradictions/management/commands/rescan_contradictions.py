"""rescan_contradictions: re-index every claim and check all candidates (new detector version)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ledger.events import Metadata
from reviews.contradictions.scoring import detector_version
from reviews.contradictions.services import contradictions_rescan


class Command(BaseCommand):
    help = (
        "Rebuild the contradiction index from the claim list and flag every contradiction the "
        "current detector version finds (pairs it already flagged are not flagged again)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = contradictions_rescan(
            metadata=Metadata(actor="system:rescan_contradictions", via="command")
        )
        self.stdout.write(
            f"detector {detector_version()}: {result['claims']} claims, "
            f"{result['pairs_compared']} candidate pairs compared, {result['flagged']} flagged"
        )
