from typing import Any

from django.core.management.base import CommandParser

from ledger.events import Metadata
from ledger.management.operator import OperatorCommand
from ledger.redaction import claim_text_erase


class Command(OperatorCommand):
    help = (
        "Erase a claim's sentence (personal data): redact every field of every event that "
        "carries it, keeping the hash chain verifiable, and list what was redacted."
    )

    def add_target_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("claim_id", help="the claim whose text to erase")

    def act(self, options: dict[str, Any], metadata: Metadata) -> None:
        result = claim_text_erase(
            claim_id=options["claim_id"], reason=options["reason"], metadata=metadata
        )
        for redaction in result.redactions:
            self.write_redaction(redaction)
        self.stdout.write(f"erased the text of claim {result.claim_id}")
