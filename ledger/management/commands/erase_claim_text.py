from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ledger.management.operator import operator_call
from ledger.redaction import claim_text_erase


class Command(BaseCommand):
    help = (
        "Erase a claim's sentence (personal data): redact every field of every event that "
        "carries it, keeping the hash chain verifiable, and list what was redacted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("claim_id", help="the claim whose text to erase")
        parser.add_argument("--reason", required=True, help="why (recorded; no personal data)")
        parser.add_argument("--actor", required=True, help="who is erasing, e.g. user:dpo")

    def handle(self, *args: Any, **options: Any) -> None:
        result = operator_call(
            "erase_claim_text",
            options,
            lambda metadata: claim_text_erase(
                claim_id=options["claim_id"], reason=options["reason"], metadata=metadata
            ),
        )
        for redaction in result.redactions:
            self.stdout.write(
                f"redacted {redaction.field} of the event at position {redaction.position}; "
                f"recorded as DataRedacted at position {redaction.redaction_position}"
            )
        self.stdout.write(f"erased the text of claim {result.claim_id}")
