"""Each role's Django group: the workflow commands it may run, plus what it may view.

The command permissions are derived from ``reviews.workflow.commands.COMMANDS``; the view
permissions are listed here. ``reviews/migrations/0003_role_groups.py`` froze them once (and
``0011_data_protection_role.py`` added that role's group, ``0012`` its view of sources), and
``tests/reviews/test_roles.py`` checks that the two agree.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from reviews.roles import Role
from reviews.workflow.states import workflow_commands_for

_QUEUE, _SOURCES, _EVENTS, _EXPORT, _FLAGS = (
    "reviews.view_reviewclaim",
    "ledger.view_source",
    "ledger.view_event",
    "reviews.export_ledger",
    "reviews.view_contradictionflag",
)
# What each role may see besides the commands the workflow grants it.
ROLE_VIEW_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.PUBLISHER: (_QUEUE, _SOURCES),
    Role.REVIEWER: (_QUEUE, _SOURCES, _FLAGS),
    Role.EDITOR: (_QUEUE, _SOURCES, _EVENTS, _FLAGS),
    Role.AUDITOR: (_QUEUE, _SOURCES, _EVENTS, _EXPORT, _FLAGS),
    Role.ADMIN: (
        _QUEUE,
        _SOURCES,
        _EVENTS,
        _EXPORT,
        _FLAGS,
        "reviews.view_organisation",
        "reviews.add_organisation",
        "reviews.change_organisation",
        "reviews.view_membership",
        "reviews.add_membership",
        "reviews.change_membership",
        "reviews.delete_membership",
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
    ),
    # The queue and the sources, to find the claim or source a request names; erasing and
    # redacting are ``reviews.erasure``'s rule.
    Role.DATA_PROTECTION: (_QUEUE, _SOURCES),
}


def role_permission_names(*, role: Role) -> set[str]:
    """The permissions (``app_label.codename``) the group of ``role`` holds."""
    commands = {f"reviews.{c.permission_codename}" for c in workflow_commands_for(role=role)}
    return commands | set(ROLE_VIEW_PERMISSIONS[role])


def role_groups_sync() -> None:
    """Make sure every role's group exists and holds its permissions (adds, never removes).

    The data migration does this once; this repairs a database whose groups were removed
    (``setup_demo`` calls it, and so do tests run after a database flush).
    """
    with transaction.atomic():
        for role in Role:
            group, _ = Group.objects.get_or_create(name=role.value)
            for name in sorted(role_permission_names(role=role)):
                app_label, codename = name.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
