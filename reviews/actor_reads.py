"""Who is acting: the actor for a session user or an API key, and the roles of a named user.

Each is one statement, read as the user is now (nothing is cached): a revocation, a change of
membership or of roles applies to the very next request. The statements of the two read on
every API request (the key, an assignee's roles) are written once per process rather than
compiled by the ORM each time.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from ledger.sql import row_converter
from reviews.actors import ANONYMOUS, Actor, roles_from_groups
from reviews.exceptions import ApiKeyRefused
from reviews.models import ApiKey, Membership
from reviews.roles import Role
from reviews.tokens import (
    INVALID_KEY,
    LAST_USED_PRECISION,
    TOKEN_PREFIX,
    scopes_granted_by,
    token_hash,
)


def actor_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Actor:
    """The actor for a Django user (a session, the admin, the command line), in one query:
    roles from its groups (a superuser also holds admin), its organisation if any."""
    if not user.is_authenticated:
        return ANONYMOUS
    rows = list(
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list("groups__name", "membership__organisation_id")
    )
    return Actor(
        username=user.get_username(),
        roles=roles_from_groups(
            group_names=[group for group, _ in rows],
            is_superuser=getattr(user, "is_superuser", False),
        ),
        organisation=rows[0][1] if rows else None,
        user_id=user.pk,
    )


def active_user_roles(*, username: str) -> frozenset[Role]:
    """The roles of the active user named ``username`` (none for an unknown or inactive one)."""
    with connection.cursor() as cursor:
        cursor.execute(_active_user_groups_sql(), [username])
        rows = cursor.fetchall()
    return roles_from_groups(
        group_names=[group for group, _ in rows], is_superuser=any(admin for _, admin in rows)
    )


def _column(model: type[Model], name: str) -> str:
    """A field's column, quoted, for the statements written once per process below."""
    field = model._meta.get_field(name)
    return connection.ops.quote_name(field.column)  # type: ignore[union-attr,arg-type]


@functools.cache
def _active_user_groups_sql() -> str:
    """(group name, is_superuser) of the active user a parameter names, a row per group (one
    with a NULL name for a user in none), written once per process as ``_api_key_sql`` is: an
    assignment reads its assignee's roles on every command, and the ORM's compiling of the
    same query cost as much CPU as the command's append (cProfile of ``POST
    /api/v1/claims/{id}/assign/``)."""
    user = get_user_model()
    membership: type[Model] = user.groups.through
    quote = connection.ops.quote_name
    return (
        f"SELECT g.{_column(Group, 'name')}, u.{_column(user, 'is_superuser')}"
        f" FROM {quote(user._meta.db_table)} u"
        f" LEFT JOIN {quote(membership._meta.db_table)} m"
        f" ON m.{_column(membership, 'user')} = u.{_column(user, 'id')}"
        f" LEFT JOIN {quote(Group._meta.db_table)} g"
        f" ON g.{_column(Group, 'id')} = m.{_column(membership, 'group')}"
        f" WHERE u.{_column(user, 'username')} = %s AND u.{_column(user, 'is_active')}"
    )


# What ``actor_for_api_key`` reads of the key and of its user, in this order.
_KEY_FIELDS = ("id", "prefix", "scopes", "organisation", "last_used_at")
_KEY_USER_FIELDS = ("id", "username", "is_active", "is_superuser")


@functools.cache
def _api_key_sql() -> str:
    """The key a token hash names (not revoked), its user, the user's organisation and groups,
    a row per group: written once per process, since every API request runs it and the ORM's
    compiling of the same join cost more CPU than running it (in-process on PostgreSQL, the
    key's authentication took 1.28 ms, 0.78 ms of CPU, through the ORM; 0.78 ms, 0.20 ms of
    CPU, this way)."""
    user = get_user_model()
    membership: type[Model] = user.groups.through
    quote = connection.ops.quote_name
    key_columns = ", ".join(f"k.{_column(ApiKey, name)}" for name in _KEY_FIELDS)
    user_columns = ", ".join(f"u.{_column(user, name)}" for name in _KEY_USER_FIELDS)
    return (
        f"SELECT {key_columns}, {user_columns}, o.{_column(Membership, 'organisation')},"
        f" g.{_column(Group, 'name')}"
        f" FROM {quote(ApiKey._meta.db_table)} k"
        f" JOIN {quote(user._meta.db_table)} u"
        f" ON u.{_column(user, 'id')} = k.{_column(ApiKey, 'user')}"
        f" LEFT JOIN {quote(Membership._meta.db_table)} o"
        f" ON o.{_column(Membership, 'user')} = u.{_column(user, 'id')}"
        f" LEFT JOIN {quote(membership._meta.db_table)} m"
        f" ON m.{_column(membership, 'user')} = u.{_column(user, 'id')}"
        f" LEFT JOIN {quote(Group._meta.db_table)} g"
        f" ON g.{_column(Group, 'id')} = m.{_column(membership, 'group')}"
        f" WHERE k.{_column(ApiKey, 'key_hash')} = %s AND k.{_column(ApiKey, 'revoked_at')} IS NULL"
    )


@functools.cache
def _api_key_converters() -> tuple[Any, Any]:
    """Row converters (database values to Python) of the key's and the user's columns."""
    fields = [ApiKey._meta.get_field(name) for name in _KEY_FIELDS]
    key_attnames = [field.attname for field in fields]  # type: ignore[union-attr]
    return row_converter(ApiKey, key_attnames), row_converter(get_user_model(), _KEY_USER_FIELDS)


def _user_read(values: dict[str, Any]) -> AbstractBaseUser:
    """A user as loaded from the database with only these fields (the others load when used)."""
    model = get_user_model()
    fields = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(None, fields, [values[name] for name in fields])


def actor_for_api_key(*, token: str) -> tuple[AbstractBaseUser, Actor]:
    """The user a token stands for and their actor as they are now, in one query.

    The key, its user, the user's organisation and groups come in one statement (one row per
    group), so a revocation, a change of membership or of roles applies to the very next
    request: nothing is cached. The key keeps the organisation it was created in: if its user
    no longer belongs to it, the key is refused rather than acting in another organisation. Its
    scopes are those it was given that the user's roles still grant; none left refuses it. A use
    is recorded at most once a minute (a second statement then). Raises ApiKeyRefused; its
    message never contains the token. The user comes with the fields read here; any other is
    loaded when first used.
    """
    if not token.startswith(TOKEN_PREFIX):
        raise ApiKeyRefused(INVALID_KEY)
    with connection.cursor() as cursor:
        cursor.execute(_api_key_sql(), [token_hash(token)])
        rows = cursor.fetchall()
    if not rows:
        raise ApiKeyRefused(INVALID_KEY)
    key_values, user_values = _api_key_converters()
    key_id, prefix, key_scopes, key_organisation, last_used_at = key_values(rows[0][:5])
    user_id, username, is_active, is_superuser = user_values(rows[0][5:9])
    if not is_active:
        raise ApiKeyRefused(INVALID_KEY)
    organisation: str | None = rows[0][9]
    if organisation != key_organisation:
        raise ApiKeyRefused(
            "this API key's user no longer belongs to the organisation the key was created in"
        )
    roles = roles_from_groups(group_names=[row[10] for row in rows], is_superuser=is_superuser)
    scopes = frozenset(key_scopes) & scopes_granted_by(roles=roles)
    if not scopes:
        raise ApiKeyRefused("this API key's user no longer holds a role that grants its scopes")
    now = timezone.now()
    if last_used_at is None or now - last_used_at > LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key_id).update(last_used_at=now)
    user = _user_read(
        {"id": user_id, "username": username, "is_active": is_active, "is_superuser": is_superuser}
    )
    actor = Actor(
        username=username,
        roles=roles,
        organisation=organisation,
        user_id=user_id,
        key_scopes=scopes,
        api_key_id=str(key_id),
        api_key_prefix=prefix,
    )
    return user, actor
