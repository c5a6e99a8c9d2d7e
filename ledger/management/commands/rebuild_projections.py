from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.services import projections_rebuild


class Command(BaseCommand):
    help = "Rebuild every read model from the events alone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="rebuild into memory and compare with the live tables; exit 1 if they differ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        differences = projections_rebuild(check=options["check"])
        if differences:
            for line in differences[:50]:
                self.stderr.write(line)
            raise CommandError(f"{len(differences)} read-model row(s) differ from the events")
        self.stdout.write("read models match the events" if options["check"] else "rebuilt")
