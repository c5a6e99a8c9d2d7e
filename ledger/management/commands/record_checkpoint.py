from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.checkpoints import checkpoint_record, checkpoints_signed_file
from ledger.exceptions import LedgerError


class Command(BaseCommand):
    help = (
        "Verify the whole ledger and its checkpoints and record the ledger's head as a new one. "
        "Prints POSITION:HASH, the value to keep outside the system and pass to "
        "verify_export.py --checkpoint; --export writes every checkpoint as a file signed with "
        "$LEDGER_CHECKPOINT_KEY, for verify_export.py --checkpoints."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--export", metavar="FILE", help="also write the signed checkpoints file here"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = checkpoint_record()
            signed = checkpoints_signed_file() if options["export"] else None
        except LedgerError as error:
            raise CommandError(error.message) from error
        if checkpoint is None:
            self.stdout.write("the ledger is empty: no checkpoint recorded")
        else:
            self.stdout.write(f"checkpoint {checkpoint.position}:{checkpoint.hash}")
        if signed is not None:
            path = Path(options["export"])
            try:
                path.write_text(signed, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"cannot write {path}: {error}") from error
            self.stderr.write(f"wrote the signed checkpoints to {path}")
