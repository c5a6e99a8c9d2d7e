from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_create


class Command(BaseCommand):
    help = (
        "Create an API key acting as USERNAME (in their organisation) and print its token once. "
        "Only the token's SHA-256 is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="what the key is for, e.g. 'website'")
        parser.add_argument(
            "--scopes",
            default="read",
            help="comma-separated: read, submit, review (within what the user's role allows)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            key, token = api_key_create(
                actor=actor_for_user(user=user), name=options["name"], scopes=scopes
            )
        except LedgerError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"key {key.pk} ({', '.join(key.scopes)}) for {user.get_username()}")
        self.stdout.write(token)
        self.stderr.write("Store the token now: it is not kept and cannot be shown again.")
