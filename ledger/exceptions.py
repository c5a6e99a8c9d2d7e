"""The domain errors: one family, each class declaring its stable code and HTTP status.

The API maps any ``LedgerError`` to a problem document in one handler
(``reviews.api.exceptions``) by reading ``code``, ``http_status`` and ``problem_extensions``
off the error, so a new error is one class here (or in the app that raises it, like the review
workflow's in ``reviews.exceptions``) and nothing else.
"""

from __future__ import annotations

from typing import Any, ClassVar


class LedgerError(Exception):
    """Base of every domain error. Nothing was written when one is raised."""

    code: ClassVar[str] = "ledger_error"
    """A stable machine-readable name (the problem document's ``code``)."""
    http_status: ClassVar[int] = 400
    """What the API answers."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def problem_extensions(self) -> dict[str, Any]:
        """Members the problem document carries besides the standard ones (RFC 9457 §3.2)."""
        return {}

    def problem_headers(self) -> dict[str, str]:
        """Response headers that go with the problem document."""
        return {}


class InvalidCommand(LedgerError):
    """The command's input is malformed or breaks a rule."""

    code = "invalid_command"
    http_status = 422


class SourceTooLarge(InvalidCommand):
    """The source is over the ingestion size budget (``LEDGER_MAX_SOURCE_BYTES``)."""

    code = "source_too_large"
    http_status = 413

    def __init__(self, *, size: int, limit: int) -> None:
        super().__init__(
            f"the file is {size} bytes, over the {limit}-byte limit (LEDGER_MAX_SOURCE_BYTES)"
        )
        self.size = size
        self.limit = limit


class NotFound(LedgerError):
    """The claim, source or stream named by a command does not exist (or is not visible)."""

    code = "not_found"
    http_status = 404


class ConcurrencyConflict(LedgerError):
    """The stream moved on since the caller read it."""

    code = "version_conflict"
    http_status = 409

    def __init__(self, *, stream_id: str, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {current_version}, not {expected_version}: "
            "it changed since you read it; reload and try again"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.current_version = current_version

    def problem_extensions(self) -> dict[str, Any]:
        return {
            "current_version": self.current_version,
            "expected_version": self.expected_version,
        }

    def problem_headers(self) -> dict[str, str]:
        return {"ETag": f'"{self.current_version}"'}


class IdempotencyKeyReused(LedgerError):
    """An idempotency key was sent again with a different command."""

    code = "idempotency_key_reused"
    http_status = 422


class AppendOnlyViolation(LedgerError):
    """Something tried to change or remove a row of an append-only table."""

    code = "append_only"
    http_status = 409


class LedgerIntegrityError(LedgerError):
    """The stored events do not verify, so the operation refused to build on them.

    Not the caller's fault: the server's own record is damaged (500).
    """

    code = "ledger_integrity"
    http_status = 500
