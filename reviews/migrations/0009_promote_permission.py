"""Editors and administrators may promote a claim into the check-worthy queue (issue 21)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["editor", "admin"]
CODENAME = "promote_claim"


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    permission = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="reviews", codename=CODENAME
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    permission = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="reviews", codename=CODENAME
    ).first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_contradiction_flags"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reviewclaim",
            options={
                "default_permissions": ("view",),
                "permissions": [
                    ("assign_claim", "Can assign"),
                    ("start_review_claim", "Can start review"),
                    ("comment_claim", "Can comment"),
                    ("attach_evidence_claim", "Can attach evidence"),
                    ("request_changes_claim", "Can request changes"),
                    ("revise_claim", "Can revise text"),
                    ("set_verdict_claim", "Can set verdict"),
                    ("approve_claim", "Can approve"),
                    ("sign_off_claim", "Can sign off"),
                    ("reject_claim", "Can reject"),
                    ("publish_claim", "Can publish"),
                    ("retract_claim", "Can retract"),
                    ("promote_claim", "Can promote to check-worthy"),
                    ("export_ledger", "Can export the ledger and its history"),
                ],
                "verbose_name": "claim",
                "verbose_name_plural": "review queue",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
