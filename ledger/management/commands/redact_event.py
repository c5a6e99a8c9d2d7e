from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ledger.management.operator import operator_call
from ledger.redaction import event_redact


class Command(BaseCommand):
    help = (
        "Replace one text field of a stored event's payload by [redacted] (personal data), "
        "keeping the hash chain verifiable, and record who did it and why as a DataRedacted event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("position", type=int, help="the position of the event to redact")
        parser.add_argument(
            "--field", required=True, help="dotted path of the text, e.g. body or selector.exact"
        )
        parser.add_argument("--reason", required=True, help="why (recorded; no personal data)")
        parser.add_argument("--actor", required=True, help="who is redacting, e.g. user:dpo")

    def handle(self, *args: Any, **options: Any) -> None:
        result = operator_call(
            "redact_event",
            options,
            lambda metadata: event_redact(
                position=options["position"],
                field=options["field"],
                reason=options["reason"],
                metadata=metadata,
            ),
        )
        self.stdout.write(
            f"redacted {result.field} of the event at position {result.position}; "
            f"recorded as DataRedacted at position {result.redaction_position}"
        )
