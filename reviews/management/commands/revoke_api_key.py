from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reviews.models import ApiKey


class Command(BaseCommand):
    help = "Revoke an API key by its id or its prefix (the token's first 12 characters)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="the key's id, or its prefix as listed")

    def handle(self, *args: Any, **options: Any) -> None:
        reference = options["key"]
        keys = ApiKey.objects.filter(prefix=reference)
        if len(reference) == 36:
            keys = ApiKey.objects.filter(pk=reference)
        matched = list(keys)
        if not matched:
            raise CommandError(f"no API key {reference!r}")
        if len(matched) > 1:
            raise CommandError(f"{len(matched)} keys share the prefix {reference!r}; use the id")
        key = matched[0]
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
        self.stdout.write(f"revoked {key.pk} ({key.name})")
