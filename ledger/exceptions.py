"""The ledger's domain errors: one family, mapped to HTTP in one place by the API layer."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every domain error. ``code`` is a stable machine-readable name."""

    code = "ledger_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCommand(LedgerError):
    """The command's input is malformed or breaks a rule; nothing was written."""

    code = "invalid_command"


class SourceTooLarge(InvalidCommand):
    """The source is over the ingestion size budget (``LEDGER_MAX_SOURCE_BYTES``); nothing was
    stored. The API answers 413."""

    code = "source_too_large"
    http_status = 413

    def __init__(self, *, size: int, limit: int) -> None:
        super().__init__(
            f"the file is {size} bytes, over the {limit}-byte limit (LEDGER_MAX_SOURCE_BYTES)"
        )
        self.size = size
        self.limit = limit


class NotFound(LedgerError):
    """The claim, source or stream named by a command does not exist."""

    code = "not_found"


class ConcurrencyConflict(LedgerError):
    """The stream moved on since the caller read it; nothing was written."""

    code = "version_conflict"

    def __init__(self, *, stream_id: str, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {current_version}, not {expected_version}: "
            "it changed since you read it; reload and try again"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.current_version = current_version


class PermissionDenied(LedgerError):
    """The actor's role may not run this command (or not on this claim); nothing was written."""

    code = "permission_denied"


class TransitionNotAllowed(LedgerError):
    """The command is not allowed from the claim's current state; nothing was written."""

    code = "transition_not_allowed"


class IdempotencyKeyReused(LedgerError):
    """An idempotency key was sent again with a different command."""

    code = "idempotency_key_reused"


class AppendOnlyViolation(LedgerError):
    """Something tried to change or remove a row of an append-only table."""

    code = "append_only"


class LedgerIntegrityError(LedgerError):
    """The stored events do not verify, so the operation refused to build on them."""

    code = "ledger_integrity"
