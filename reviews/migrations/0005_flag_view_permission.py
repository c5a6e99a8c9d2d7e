"""Reviewers, editors, auditors and administrators see contradiction flags in the admin.

Reviewers and editors decide them there (under ``workflow_check_contradiction_decision``);
auditors only read. Publishers do not: a flag names claims of other organisations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["reviewer", "editor", "auditor", "admin"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    permission = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="ledger", codename="view_contradictionview"
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="ledger", codename="view_contradictionview"
    ).first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_checkpoint_and_redaction_guard"),
        ("reviews", "0004_api_keys_and_webhooks"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
