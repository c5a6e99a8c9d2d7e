"""Who is calling the API: a user, their roles and organisation, and the scopes of their key."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

from reviews.models import ApiKey, ApiScope, Membership
from reviews.roles import Role
from reviews.workflow import Actor, roles_from_groups

STAFF_READ_ROLES = frozenset({Role.REVIEWER, Role.EDITOR, Role.AUDITOR, Role.ADMIN})


@dataclasses.dataclass(frozen=True)
class Principal:
    """The caller of one request. Session callers hold every scope their role allows."""

    username: str
    roles: frozenset[Role]
    organisation: str | None
    scopes: frozenset[str]
    api_key: ApiKey | None

    @property
    def actor(self) -> str:
        return f"user:{self.username}"

    @property
    def via(self) -> str:
        return f"api-key:{self.api_key.prefix}" if self.api_key is not None else "api"

    @property
    def idempotency_namespace(self) -> str:
        """Whose Idempotency-Keys these are: keys never collide between callers."""
        return f"key:{self.api_key.pk}" if self.api_key is not None else f"user:{self.username}"

    @property
    def reads_everything(self) -> bool:
        return bool(self.roles & STAFF_READ_ROLES)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    def actor_for_workflow(self) -> Actor:
        """The workflow's actor: the user's roles in the key's (or the user's) organisation."""
        return Actor(username=self.username, roles=self.roles, organisation=self.organisation)


def user_roles(*, user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """A user's roles: the groups named after a Role, plus ADMIN for superusers."""
    if not user.is_authenticated:
        return frozenset()
    return roles_from_groups(
        group_names=Group.objects.filter(user__pk=user.pk).values_list("name", flat=True),
        is_superuser=getattr(user, "is_superuser", False),
    )


def user_organisation(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user_id=user.pk).values_list(
        "organisation_id", flat=True
    )
    return membership.first()


def principal_from_request(request: Any) -> Principal:
    """The caller: the key's principal (built when the key authenticated), or the session
    user's, built once per request and kept on the request."""
    if isinstance(request.auth, Principal):
        return request.auth
    cached = getattr(request, "_ledger_principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = request.user
    principal = Principal(
        username=user.get_username() if user.is_authenticated else "",
        roles=user_roles(user=user),
        organisation=user_organisation(user=user),
        scopes=frozenset(ApiScope.values),
        api_key=None,
    )
    request._ledger_principal = principal
    return principal
