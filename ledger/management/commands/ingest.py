import json
import pathlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.events import Metadata
from ledger.exceptions import LedgerError
from ledger.ingestion import IngestResult, source_ingest, source_size_check


def result_as_json(result: IngestResult) -> dict[str, Any]:
    return {
        "source_id": result.source_id,
        "sha256": result.sha256,
        "created": result.created,
        "media_type": result.media_type,
        "claims": [
            {
                "claim_id": claim.claim_id,
                "text": claim.text,
                "start": claim.start,
                "end": claim.end,
                "check_worthiness": claim.check_worthiness,
                "entities": claim.entities,
            }
            for claim in result.claims
        ],
        "skipped": [
            {
                "text": skipped.text,
                "start": skipped.start,
                "end": skipped.end,
                "reason": skipped.reason,
                "detail": skipped.detail,
            }
            for skipped in result.skipped
        ],
    }


class Command(BaseCommand):
    help = (
        "Ingest a text or HTML file: store it as an immutable source snapshot and record the "
        "claims extracted from it. The same content ingested again records nothing."
    )
    # No system checks: a feed script runs this once per article, and the checks (templates,
    # admin, URL patterns) took about 0.4 s of its 1.4 s (cProfile of an ingest); `migrate`,
    # the server and `manage.py check` still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a UTF-8 text file or a web page saved as HTML")
        parser.add_argument("--url", default="", help="where the source was published")
        parser.add_argument("--title", default="", help="the source's title")
        parser.add_argument("--publisher", default="", help="who published it")
        parser.add_argument(
            "--published-at", default="", help="publication date, YYYY-MM-DD or ISO 8601"
        )
        parser.add_argument(
            "--media-type",
            default=None,
            choices=["text/plain", "text/html"],
            help="override detection by file name and content",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print the source id, every claim and every skipped sentence as JSON",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = pathlib.Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            source_size_check(size=path.stat().st_size)  # before reading a huge file into memory
            result = source_ingest(
                content=path.read_bytes(),
                metadata=Metadata(actor="system:ingest", via="cli"),
                filename=path.name,
                media_type=options["media_type"],
                url=options["url"],
                title=options["title"],
                publisher=options["publisher"],
                published_at=options["published_at"] or None,
            )
        except LedgerError as error:
            raise CommandError(f"{path}: {error.message}; nothing was stored") from error
        if options["json"]:
            self.stdout.write(json.dumps(result_as_json(result), ensure_ascii=False, indent=2))
            return
        if not result.created:
            self.stdout.write(
                f"already ingested: source {result.source_id} (sha256 {result.sha256}) "
                f"with {len(result.claims)} claims; nothing recorded"
            )
            return
        self.stdout.write(
            f"ingested source {result.source_id} (sha256 {result.sha256}, {result.media_type}): "
            f"{len(result.claims)} claims recorded, {len(result.skipped)} sentences skipped"
        )
