"""API keys: created with a high-entropy token shown once, stored as its SHA-256, revocable.

A token is never logged or stored: only its hash and its first characters (``prefix``, to tell
keys apart in listings) are kept.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ledger.exceptions import InvalidCommand, LedgerError, NotFound
from reviews.api.principals import Principal, user_organisation, user_roles
from reviews.models import ApiKey, ApiScope
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
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ApiKeyRefused(LedgerError):
    """The token names no usable key: unknown, revoked, or its user can no longer use it."""

    code = "authentication_failed"
    http_status = 401  # what the API answers (the authenticator raises it as DRF's own 401)


def scopes_granted_by(*, roles: frozenset[Role]) -> frozenset[str]:
    allowed: set[str] = set()
    for role in roles:
        allowed |= SCOPES_BY_ROLE[role]
    return frozenset(allowed)


def api_key_allowed_scopes(*, user: AbstractBaseUser) -> frozenset[str]:
    return scopes_granted_by(roles=user_roles(user=user))


def api_key_create(*, user: AbstractBaseUser, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """Create a key acting as ``user`` in their organisation; return it and its token.

    The token is returned only here; afterwards only its hash exists. Raises InvalidCommand for
    an unknown scope or one the user's role cannot grant.
    """
    name = name.strip()
    if not name:
        raise InvalidCommand("a key needs a name, to tell it apart when revoking")
    if not scopes:
        raise InvalidCommand("a key needs at least one scope")
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise InvalidCommand(f"unknown scope(s): {', '.join(unknown)}")
    refused = sorted(set(scopes) - api_key_allowed_scopes(user=user))
    if refused:
        raise InvalidCommand(f"your role cannot grant the scope(s): {', '.join(refused)}")
    organisation = user_organisation(user=user)
    if Role.PUBLISHER in user_roles(user=user) and organisation is None:
        raise InvalidCommand("a publisher's key needs the user to belong to an organisation")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)
    key = ApiKey.objects.create(
        user=user,  # type: ignore[misc]
        organisation_id=organisation,
        name=name,
        prefix=token[:PREFIX_LENGTH],
        key_hash=token_hash(token),
        scopes=sorted(set(scopes)),
    )
    return key, token


def api_key_revoke(*, key_id: str, user: AbstractBaseUser) -> ApiKey:
    """Revoke one of ``user``'s keys (administrators: any key). Revoking twice is harmless."""
    with transaction.atomic():
        keys = ApiKey.objects.select_for_update()
        if Role.ADMIN not in user_roles(user=user):
            keys = keys.filter(user_id=user.pk)
        key = keys.filter(pk=key_id).first()
        if key is None:
            raise NotFound(f"no API key {key_id}")
        _mark_revoked(key)
    return key


def api_key_revoke_by_reference(*, reference: str) -> ApiKey:
    """Revoke a key named by its id or its prefix, for an operator on the command line."""
    with transaction.atomic():
        keys = ApiKey.objects.select_for_update()
        matched = list(
            keys.filter(pk=reference) if len(reference) == 36 else keys.filter(prefix=reference)
        )
        if not matched:
            raise NotFound(f"no API key {reference!r}")
        if len(matched) > 1:
            raise InvalidCommand(f"{len(matched)} keys share the prefix {reference!r}; use the id")
        _mark_revoked(matched[0])
    return matched[0]


def _mark_revoked(key: ApiKey) -> None:
    if key.revoked_at is None:  # revoking twice keeps the first time
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])


def api_key_authenticate(*, token: str) -> Principal:
    """The caller a token stands for: its key's user as they are now. Records the key's use.

    One query reads the key, its user and the user's organisation, a second the user's roles, so
    a change of membership or roles applies to the very next request (nothing is cached; the
    roles stay a query of their own, as ADR apispeed-01 found one ``EXISTS`` per role in the
    key's query costs more to compile than the second query costs to run). The key keeps the
    organisation it was created in: if its user no longer belongs to it (moved elsewhere, or
    membership removed), the key is refused rather than acting in another organisation. Its
    scopes are those it was given that the user's roles still grant; none left refuses it.
    Raises ApiKeyRefused; its message never contains the token.
    """
    if not token.startswith(TOKEN_PREFIX):
        raise ApiKeyRefused(INVALID_KEY)
    try:
        # key_hash is unique: get() needs no ORDER BY (and no sort), as first() would add.
        key = (
            ApiKey.objects.select_related("user")
            .annotate(user_organisation=F("user__membership__organisation_id"))
            .get(key_hash=token_hash(token), revoked_at__isnull=True)
        )
    except ApiKey.DoesNotExist:
        raise ApiKeyRefused(INVALID_KEY) from None
    if not key.user.is_active:
        raise ApiKeyRefused(INVALID_KEY)
    organisation: str | None = key.user_organisation
    if organisation != key.organisation_id:
        raise ApiKeyRefused(
            "this API key's user no longer belongs to the organisation the key was created in"
        )
    roles = user_roles(user=key.user)
    scopes = frozenset(key.scopes) & scopes_granted_by(roles=roles)
    if not scopes:
        raise ApiKeyRefused("this API key's user no longer holds a role that grants its scopes")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return Principal(
        username=key.user.get_username(),
        roles=roles,
        organisation=organisation,
        scopes=scopes,
        api_key=key,
    )
