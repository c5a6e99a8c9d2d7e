from typing import Any

from django.core.management.base import CommandParser

from ledger.events import Metadata
from ledger.management.operator import OperatorCommand
from ledger.redaction import event_redact


class Command(OperatorCommand):
    help = (
        "Replace one text field of a stored event's payload by [redacted] (personal data), "
        "keeping the hash chain verifiable, and record who did it and why as a DataRedacted event."
    )

    def add_target_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("position", type=int, help="the position of the event to redact")
        parser.add_argument(
            "--field", required=True, help="dotted path of the text, e.g. body or selector.exact"
        )

    def act(self, options: dict[str, Any], metadata: Metadata) -> None:
        self.write_redaction(
            event_redact(
                position=options["position"],
                field=options["field"],
                reason=options["reason"],
                metadata=metadata,
            )
        )
