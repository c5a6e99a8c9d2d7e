"""API key tokens, and the scopes each role may give its keys. Reads nothing from the database.

A token is never logged or stored: only its SHA-256 and its first characters (``prefix``, to
tell keys apart in listings) are kept.
"""

from __future__ import annotations

import datetime
import hashlib

from reviews.models import ApiScope
from reviews.roles import Role

TOKEN_PREFIX = "clk_"
TOKEN_RANDOM_BYTES = 32  # 256 bits: a hash without salt or stretching is enough at this entropy
PREFIX_LENGTH = 12
LAST_USED_PRECISION = datetime.timedelta(minutes=1)  # avoids a write on every request
INVALID_KEY = "invalid or revoked API key"

# The scopes each role can grant its keys: auditors read and change nothing.
SCOPES_BY_ROLE: dict[Role, frozenset[str]] = {
    Role.PUBLISHER: frozenset({ApiScope.READ, ApiScope.SUBMIT}),
    Role.REVIEWER: frozenset({ApiScope.READ, ApiScope.REVIEW}),
    Role.EDITOR: frozenset({ApiScope.READ, ApiScope.SUBMIT, ApiScope.REVIEW}),
    Role.AUDITOR: frozenset({ApiScope.READ}),
    Role.ADMIN: frozenset(ApiScope.values),
    # Erasure is a write (POST .../erase-text/ asks for the review scope); the workflow grants
    # this role no review command, so the scope lets its keys erase and nothing else.
    Role.DATA_PROTECTION: frozenset({ApiScope.READ, ApiScope.REVIEW}),
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def scopes_granted_by(*, roles: frozenset[Role]) -> frozenset[str]:
    allowed: set[str] = set()
    for role in roles:
        allowed |= SCOPES_BY_ROLE[role]
    return frozenset(allowed)
