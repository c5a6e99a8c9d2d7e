"""What the operator's redaction commands share: who acts, through which command, and a
refusal as the command's error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.management.base import CommandError

from ledger.events import Metadata
from ledger.exceptions import LedgerError

Result = TypeVar("Result")


def operator_call(
    command: str, options: dict[str, Any], call: Callable[[Metadata], Result]
) -> Result:
    """``call`` with the metadata of ``--actor`` running ``command``; a refusal (LedgerError)
    becomes a CommandError with its message, and the command exits non-zero."""
    try:
        return call(Metadata(actor=options["actor"].strip(), via=f"command:{command}"))
    except LedgerError as error:
        raise CommandError(error.message) from error
