from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ledger.checkpoints import checkpoint_record
from ledger.exceptions import LedgerError


class Command(BaseCommand):
    help = (
        "Verify the events since the last checkpoint and record the ledger's head as a new one. "
        "Prints POSITION:HASH, the value to keep outside the system and pass to "
        "verify_export.py --checkpoint."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = checkpoint_record()
        except LedgerError as error:
            raise CommandError(error.message) from error
        if checkpoint is None:
            self.stdout.write("the ledger is empty: no checkpoint recorded")
            return
        self.stdout.write(f"checkpoint {checkpoint.position}:{checkpoint.hash}")
