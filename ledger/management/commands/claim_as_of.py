import dataclasses
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from ledger.history import claim_as_of
from ledger.management.commands.export_ledger import parse_moment


class Command(BaseCommand):
    help = "Print a claim's state (JSON) as it stood at a ledger position or a moment in time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("claim_id", help="the claim's id")
        point = parser.add_mutually_exclusive_group(required=True)
        point.add_argument("--position", type=int, help="after the event at this position")
        point.add_argument("--at", metavar="ISO", help="at this time (UTC unless a zone is given)")

    def handle(self, *args: Any, **options: Any) -> None:
        at = parse_moment(options["at"]) if options["at"] else None
        try:
            state = claim_as_of(claim_id=options["claim_id"], position=options["position"], at=at)
        except LedgerError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            json.dumps(dataclasses.asdict(state), indent=2, sort_keys=True, default=str)
        )
