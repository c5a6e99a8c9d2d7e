"""Role groups and their permissions match the workflow; the demo accounts."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings

from reviews.actor_reads import active_user_roles, actor_for_user
from reviews.models import Membership
from reviews.role_groups import role_groups_sync, role_permission_names
from reviews.roles import Role
from reviews.workflow.commands import Command
from reviews.workflow.states import workflow_commands_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_group_command_permissions_equal_the_workflow(role):
    group = Group.objects.get(name=role)
    codenames = set(group.permissions.values_list("codename", flat=True))
    commands = {c for c in Command if c.permission_codename in codenames}

    assert commands == workflow_commands_for(role=role)
    assert "view_reviewclaim" in codenames


@pytest.mark.parametrize("role", list(Role))
def test_migration_groups_equal_what_sync_would_grant(role):
    group = Group.objects.get(name=role)
    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert granted == role_permission_names(role=role)


def test_sync_restores_removed_groups():
    Group.objects.all().delete()

    role_groups_sync()
    role_groups_sync()

    assert Group.objects.count() == len(Role)
    editor = set(Group.objects.get(name=Role.EDITOR).permissions.values_list("codename", flat=True))
    assert {"sign_off_claim", "publish_claim", "view_event"} <= editor


def test_auditor_reads_and_exports_and_changes_nothing():
    codenames = set(
        Group.objects.get(name=Role.AUDITOR).permissions.values_list("codename", flat=True)
    )
    assert codenames == {
        "view_reviewclaim",
        "view_source",
        "view_event",
        "export_ledger",
        "view_contradictionflag",
    }


@override_settings(DEBUG=True)
def test_setup_demo_creates_one_user_per_role_and_is_idempotent(capsys):
    call_command("setup_demo")
    call_command("setup_demo")

    out = capsys.readouterr().out
    users = get_user_model().objects.order_by("username")
    assert [user.username for user in users] == [
        "admin",
        "auditor",
        "dataprotection",
        "editor",
        "publisher",
        "reviewer",
    ]
    roles = {user.username: actor_for_user(user=user).roles for user in users}
    assert roles == {
        "admin": {Role.ADMIN},
        "auditor": {Role.AUDITOR},
        "dataprotection": {Role.DATA_PROTECTION},
        "editor": {Role.EDITOR},
        "publisher": {Role.PUBLISHER},
        "reviewer": {Role.REVIEWER},
    }
    assert Membership.objects.get(user__username="publisher").organisation_id == "demo-news"
    assert "  reviewer       demo-password  (reviewer)" in out
    assert "  dataprotection demo-password  (data_protection)" in out
    assert get_user_model().objects.get(username="reviewer").check_password("demo-password")


@override_settings(DEBUG=False)
def test_setup_demo_is_refused_outside_debug():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("setup_demo")
    assert get_user_model().objects.count() == 0


def test_active_user_roles_reads_every_group_of_an_active_user_and_none_of_an_inactive_one():
    users = get_user_model().objects
    both = users.create_user(username="both")
    both.groups.add(Group.objects.get(name=Role.REVIEWER), Group.objects.get(name=Role.EDITOR))
    users.create_user(username="loner")  # in no group
    users.create_superuser(username="root", password="x")
    gone = users.create_user(username="gone", is_active=False)
    gone.groups.add(Group.objects.get(name=Role.EDITOR))

    assert active_user_roles(username="both") == {Role.REVIEWER, Role.EDITOR}
    assert active_user_roles(username="loner") == frozenset()
    assert active_user_roles(username="root") == {Role.ADMIN}
    assert active_user_roles(username="gone") == frozenset()
    assert active_user_roles(username="nobody") == frozenset()
