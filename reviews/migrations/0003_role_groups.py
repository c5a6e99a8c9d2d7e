"""The editorial roles as groups with their permissions.

Frozen here as migrations must be; ``tests/reviews/test_roles.py`` checks that the command
permissions equal what ``reviews.workflow.TRANSITIONS`` allows each role, so the two cannot drift.
Re-running it (or running it over groups an administrator edited) adds what is missing and keeps
anything extra an administrator granted.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

QUEUE = "reviews.view_reviewclaim"
SOURCES = "ledger.view_source"
EVENTS = "ledger.view_event"
EXPORT = "reviews.export_ledger"


def _commands(*names):
    return [f"reviews.{name}_claim" for name in names]


REVIEWER_COMMANDS = _commands(
    "start_review", "comment", "attach_evidence", "request_changes", "set_verdict", "approve"
)
EDITOR_COMMANDS = [*REVIEWER_COMMANDS, *_commands("assign", "sign_off", "reject", "publish", "retract")]

ROLE_PERMISSIONS = {
    "publisher": [QUEUE, SOURCES, *_commands("comment", "revise")],
    "reviewer": [QUEUE, SOURCES, *REVIEWER_COMMANDS],
    "editor": [QUEUE, SOURCES, EVENTS, *EDITOR_COMMANDS],
    "auditor": [QUEUE, SOURCES, EVENTS, EXPORT],
    "admin": [
        QUEUE,
        SOURCES,
        EVENTS,
        EXPORT,
        *EDITOR_COMMANDS,
        *_commands("revise"),
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
    ],
}


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        for name in names:
            app_label, codename = name.split(".")
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("ledger", "0002_append_only_triggers"),
        ("reviews", "0002_review_queue"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
