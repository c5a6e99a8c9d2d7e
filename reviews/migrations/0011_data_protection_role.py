"""The data-protection role's group: it sees the review queue and erases claim text on request.

Erasing is not a Django permission: ``reviews.erasure.actor_may_erase_text`` decides it from the
role, for the API and the admin alike. The group grants only the view of the queue, so the
officer can find the claim a request names.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "data_protection"
PERMISSIONS = ["reviews.view_reviewclaim"]


def group_grant(apps, role, permissions):
    """Create the group of ``role`` if needed and add ``permissions`` (``app.codename``) to it
    (0012 grants the role more with it)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=role)
    for name in permissions:
        app_label, codename = name.split(".")
        group.permissions.add(
            apps.get_model("auth", "Permission").objects.get(
                content_type__app_label=app_label, codename=codename
            )
        )


def create_group(apps, schema_editor):
    group_grant(apps, ROLE, PERMISSIONS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_webhook_claim_matched"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
