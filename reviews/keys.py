"""API keys' write services: create (the token shown once) and revoke.

Each authorises its actor: keys are created and revoked from a login session (or the command
line), never through a key, so a leaked key cannot mint or revoke keys; a key grants no scope
its user's roles cannot. Authenticating a token is a read (``actor_reads.actor_for_api_key``).
"""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ledger.exceptions import InvalidCommand, NotFound
from reviews.actor_reads import actor_for_user
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied
from reviews.models import ApiKey, ApiScope
from reviews.roles import Role
from reviews.tokens import (
    PREFIX_LENGTH,
    TOKEN_PREFIX,
    TOKEN_RANDOM_BYTES,
    scopes_granted_by,
    token_hash,
)


def api_key_allowed_scopes(*, user: AbstractBaseUser) -> frozenset[str]:
    return scopes_granted_by(roles=actor_for_user(user=user).roles)


def _check_not_through_a_key(actor: Actor) -> None:
    if actor.api_key_id is not None:
        raise PermissionDenied("API keys are created and revoked from a login session")


def api_key_check_creator(*, actor: Actor) -> int:
    """The id of the user a key of ``actor``'s would act as; PermissionDenied unless ``actor``
    may create one (a signed-in user, not a key)."""
    _check_not_through_a_key(actor)
    if actor.user_id is None:
        raise PermissionDenied("sign in to create an API key")
    return actor.user_id


def api_key_create(*, actor: Actor, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """Create a key acting as ``actor``'s user in their organisation; return it and its token.

    The token is returned only here; afterwards only its hash exists. Raises PermissionDenied
    when ``actor`` acts through a key or is no signed-in user, InvalidCommand for an unknown
    scope or one the actor's roles cannot grant.
    """
    user_id = api_key_check_creator(actor=actor)
    name = name.strip()
    if not name:
        raise InvalidCommand("a key needs a name, to tell it apart when revoking")
    if not scopes:
        raise InvalidCommand("a key needs at least one scope")
    unknown = sorted(set(scopes) - set(ApiScope.values))
    if unknown:
        raise InvalidCommand(f"unknown scope(s): {', '.join(unknown)}")
    refused = sorted(set(scopes) - scopes_granted_by(roles=actor.roles))
    if refused:
        raise InvalidCommand(f"your role cannot grant the scope(s): {', '.join(refused)}")
    organisation = actor.organisation
    if Role.PUBLISHER in actor.roles and organisation is None:
        raise InvalidCommand("a publisher's key needs the user to belong to an organisation")
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)
    key = ApiKey.objects.create(
        user_id=user_id,
        organisation_id=organisation,
        name=name,
        prefix=token[:PREFIX_LENGTH],
        key_hash=token_hash(token),
        scopes=sorted(set(scopes)),
    )
    return key, token


def api_key_revoke(*, key_id: str, actor: Actor) -> ApiKey:
    """Revoke one of ``actor``'s keys (administrators: any key). Revoking twice is harmless.

    PermissionDenied when ``actor`` acts through a key; NotFound for a key not theirs.
    """
    _check_not_through_a_key(actor)
    with transaction.atomic():
        keys = ApiKey.objects.select_for_update()
        if Role.ADMIN not in actor.roles:
            keys = keys.filter(user__username=actor.username)
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
