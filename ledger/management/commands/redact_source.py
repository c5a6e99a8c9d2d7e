import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.management.operator import operator_call
from ledger.source_redaction import SourceRedaction, source_text_redact

SPAN = re.compile(r"^(\d+):(\d+)$")


def span(value: str) -> tuple[int, int]:
    match = SPAN.match(value.strip())
    if match is None:
        raise CommandError(f"--span {value!r} is not START:END (character offsets)")
    return int(match[1]), int(match[2])


class Command(BaseCommand):
    help = (
        "Redact text from an ingested source snapshot: every occurrence of --text, or each "
        "--span START:END, is filled (offsets stay), recorded as SourceRedacted; claim "
        "selectors copying it are redacted too. The hash chain stays verifiable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_id", help="the source to redact")
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--text", help="the text to remove, wherever it occurs")
        what.add_argument(
            "--span",
            action="append",
            type=span,
            help="START:END character offsets into the source's text (end exclusive); repeatable",
        )
        parser.add_argument("--reason", required=True, help="why (recorded; no personal data)")
        parser.add_argument("--actor", required=True, help="who is redacting, e.g. user:dpo")

    def handle(self, *args: Any, **options: Any) -> None:
        asked = SourceRedaction(
            source_id=options["source_id"],
            reason=options["reason"],
            text=options["text"],
            spans=options["span"],
        )
        result = operator_call(
            "redact_source",
            options,
            lambda metadata: source_text_redact(redaction=asked, metadata=metadata),
        )
        for filled in result.spans:
            self.stdout.write(f"filled characters {filled['start']}..{filled['end']} of the text")
        for redaction in result.redactions:
            self.stdout.write(
                f"redacted {redaction.field} of the event at position {redaction.position} "
                "(a claim's copy of the source text); recorded as DataRedacted at position "
                f"{redaction.redaction_position}"
            )
        self.stdout.write(
            f"redacted source {result.source_id}; recorded as SourceRedacted at position "
            f"{result.position}"
        )
