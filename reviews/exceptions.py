"""The review workflow's domain errors, in the ``ledger.exceptions.LedgerError`` family.

Each declares its code and HTTP status; the API's one handler reads them off the class.
"""

from __future__ import annotations

from typing import Any

from ledger.exceptions import LedgerError


class PermissionDenied(LedgerError):
    """The actor's role or key scope may not run this command (or not on this claim)."""

    code = "permission_denied"
    http_status = 403


class TransitionNotAllowed(LedgerError):
    """The command is not allowed from the claim's current state."""

    code = "transition_not_allowed"
    http_status = 409


class PublicationBlocked(TransitionNotAllowed):
    """The claim has open contradiction flags and no editor overrode them with a reason.

    ``flags`` are the open flags' pair ids, so a caller can link to them.
    """

    code = "open_contradiction_flag"

    def __init__(self, message: str, *, flags: list[str]) -> None:
        super().__init__(message)
        self.flags = flags

    def problem_extensions(self) -> dict[str, Any]:
        return {"flags": self.flags}


class ApiKeyRefused(LedgerError):
    """The token names no usable key: unknown, revoked, or its user can no longer use it."""

    code = "authentication_failed"
    http_status = 401  # what the API answers (the authenticator raises it as DRF's own 401)
