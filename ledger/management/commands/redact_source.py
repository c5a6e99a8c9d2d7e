import re
from typing import Any

from django.core.management.base import CommandError, CommandParser

from ledger.events import Metadata
from ledger.management.operator import OperatorCommand
from ledger.source_redaction import SourceRedaction, source_text_redact

SPAN = re.compile(r"^(\d+):(\d+)$")


def span(value: str) -> tuple[int, int]:
    match = SPAN.match(value.strip())
    if match is None:
        raise CommandError(f"--span {value!r} is not START:END (character offsets)")
    return int(match[1]), int(match[2])


class Command(OperatorCommand):
    help = (
        "Redact text from an ingested source snapshot: every occurrence of --text, or each "
        "--span START:END, is filled (offsets stay), recorded as SourceRedacted; claim "
        "selectors copying it are redacted too. The hash chain stays verifiable."
    )

    def add_target_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_id", help="the source to redact")
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--text", help="the text to remove, wherever it occurs")
        what.add_argument(
            "--span",
            action="append",
            type=span,
            help="START:END character offsets into the source's text (end exclusive); repeatable",
        )

    def act(self, options: dict[str, Any], metadata: Metadata) -> None:
        asked = SourceRedaction(
            source_id=options["source_id"],
            reason=options["reason"],
            text=options["text"],
            spans=options["span"],
        )
        result = source_text_redact(redaction=asked, metadata=metadata)
        for filled in result.spans:
            self.stdout.write(f"filled characters {filled['start']}..{filled['end']} of the text")
        for redaction in result.redactions:
            self.write_redaction(redaction, " (a claim's copy of the source text)")
        self.stdout.write(
            f"redacted source {result.source_id}; recorded as SourceRedacted at position "
            f"{result.position}"
        )
