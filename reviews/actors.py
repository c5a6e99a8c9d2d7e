"""Who acts: one ``Actor`` for the admin, the API, the command line and every service.

An actor is a user's name, roles and organisation and, when they act through an API key, the
key's scopes. It is built by one selector per way in (``reviews.actor_reads.actor_for_user`` for a
session or a command-line user, ``actor_for_api_key`` for a key), and services decide with it
who may do what. This module reads nothing from the database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from reviews.roles import Role

# A data-protection officer must find any claim a request names, whichever organisation's.
STAFF_READ_ROLES = frozenset(
    {Role.REVIEWER, Role.EDITOR, Role.AUDITOR, Role.ADMIN, Role.DATA_PROTECTION}
)


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who runs a command or a request.

    ``key_scopes`` are the scopes of the API key the actor acts through (None: no key, a
    session or the command line, which hold every scope their roles allow).
    """

    username: str
    roles: frozenset[Role]
    organisation: str | None = None
    user_id: int | None = None
    key_scopes: frozenset[str] | None = None
    api_key_id: str | None = None
    api_key_prefix: str = ""

    @property
    def reference(self) -> str:
        """How the actor is named in event metadata."""
        return f"user:{self.username}"

    @property
    def api_via(self) -> str:
        """How an API request's events record where they came from."""
        return f"api-key:{self.api_key_prefix}" if self.api_key_id is not None else "api"

    @property
    def idempotency_namespace(self) -> str:
        """Whose Idempotency-Keys these are: keys never collide between callers."""
        return f"key:{self.api_key_id}" if self.api_key_id is not None else self.reference

    @property
    def reads_everything(self) -> bool:
        return bool(self.roles & STAFF_READ_ROLES)

    def has_scope(self, scope: str) -> bool:
        return self.key_scopes is None or scope in self.key_scopes

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles))

    def describe_roles(self) -> str:
        return " and ".join(sorted(self.roles)) or "no editorial role"


ANONYMOUS = Actor(username="anonymous", roles=frozenset())


def roles_from_groups(*, group_names: Iterable[str | None], is_superuser: bool) -> frozenset[Role]:
    """The roles a user holds: its groups named after a role, and admin for a superuser."""
    names = {role.value: role for role in Role}
    roles = {names[name] for name in group_names if name in names}
    if is_superuser:
        roles.add(Role.ADMIN)
    return frozenset(roles)
