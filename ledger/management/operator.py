"""What the operator's redaction commands share: who acts and why (``--actor``, ``--reason``),
through which command, a refusal as the command's error, and the line each DataRedacted gets."""

from __future__ import annotations

import abc
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.events import Metadata
from ledger.exceptions import LedgerError
from ledger.redaction import RedactionResult


class OperatorCommand(BaseCommand, abc.ABC):
    """A command an operator runs to redact: its own arguments (``add_target_arguments``), then
    ``--reason`` and ``--actor``; ``act`` runs with the metadata of ``--actor`` running this
    command, and a refusal (LedgerError) becomes a CommandError with its message, so the
    command exits non-zero."""

    @abc.abstractmethod
    def add_target_arguments(self, parser: CommandParser) -> None:
        """The arguments that say what to redact."""

    @abc.abstractmethod
    def act(self, options: dict[str, Any], metadata: Metadata) -> None:
        """Redact what ``options`` name, as ``metadata``, and say what was done."""

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_target_arguments(parser)
        parser.add_argument("--reason", required=True, help="why (recorded; no personal data)")
        parser.add_argument("--actor", required=True, help="who acts, e.g. user:dpo")

    def handle(self, *args: Any, **options: Any) -> None:
        command = type(self).__module__.rsplit(".", 1)[-1]
        metadata = Metadata(actor=options["actor"].strip(), via=f"command:{command}")
        try:
            self.act(options, metadata)
        except LedgerError as error:
            raise CommandError(error.message) from error

    def write_redaction(self, redaction: RedactionResult, what: str = "") -> None:
        """Say which field of which event was redacted (``what``: what that field held) and
        where its DataRedacted was recorded."""
        self.stdout.write(
            f"redacted {redaction.field} of the event at position {redaction.position}{what}; "
            f"recorded as DataRedacted at position {redaction.redaction_position}"
        )
