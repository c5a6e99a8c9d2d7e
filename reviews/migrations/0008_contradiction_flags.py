"""Contradiction flags get a name people use ("Contradiction flags", under Reviews).

A proxy of ``ledger.ContradictionView`` (no table); its view permission replaces that model's
(0005) for the roles that saw flags: reviewers, editors, auditors and administrators. Publishers
do not: a flag names claims of other organisations.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["reviewer", "editor", "auditor", "admin"]


NEW = ("reviews", "view_contradictionflag")
OLD = ("ledger", "view_contradictionview")


def _permission(apps, app_label, codename):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    new, old = _permission(apps, *NEW), _permission(apps, *OLD)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(new)
        group.permissions.remove(old)


def revoke(apps, schema_editor):
    new, old = _permission(apps, *NEW), _permission(apps, *OLD)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(new)
        group.permissions.add(old)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_event_hash_unique_constraint"),
        ("reviews", "0007_webhook_leases_and_task_locks"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContradictionFlag",
            fields=[],
            options={
                "verbose_name": "contradiction flag",
                "verbose_name_plural": "contradiction flags",
                "proxy": True,
                "default_permissions": ("view",),
                "indexes": [],
                "constraints": [],
            },
            bases=("ledger.contradictionview",),
        ),
        migrations.RunPython(grant, revoke),
    ]
