from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ledger.verification import ledger_verify


class Command(BaseCommand):
    help = (
        "Recompute the ledger's hash chain. Exits 0 when intact, 1 naming the first bad position."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = ledger_verify()
        if result.first_break is not None:
            raise CommandError(
                f"ledger TAMPERED at position {result.first_break.position}: "
                f"{result.first_break.reason}"
            )
        self.stdout.write(f"ledger intact: {result.events} events, head {result.head_hash}")
