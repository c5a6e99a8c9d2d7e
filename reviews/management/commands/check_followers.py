"""check_followers: compare the webhook payloads and the stored idempotent responses with the
log (``rescan_contradictions --check`` does the same for the contradiction index)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews.erasure import idempotent_responses_check
from reviews.webhooks.payloads import webhook_payloads_check


class Command(BaseCommand):
    help = (
        "Check the webhook payloads (each event rendered again from the log, each claim text one "
        "its events still hold) and the stored idempotent responses (none names a claim whose "
        "text was redacted); print the differences and exit non-zero if there are any. "
        "Writes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        differences = [
            ("webhook payloads", webhook_payloads_check()),
            ("idempotent responses", idempotent_responses_check()),
        ]
        for _, lines in differences:
            for line in lines:
                self.stdout.write(line)
        found = [f"{store} differ in {len(lines)}" for store, lines in differences if lines]
        if found:
            raise CommandError("; ".join(found))
        self.stdout.write("the webhook payloads and idempotent responses match the log")
