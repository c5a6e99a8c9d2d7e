from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.keys import api_key_revoke_by_reference


class Command(BaseCommand):
    help = "Revoke an API key by its id or its prefix (the token's first 12 characters)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="the key's id, or its prefix as listed")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key = api_key_revoke_by_reference(reference=options["key"])
        except LedgerError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"revoked {key.pk} ({key.name})")
