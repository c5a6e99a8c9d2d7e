"""The data-protection role views the stored sources: it redacts text of a snapshot on request
(``reviews.erasure.source_redact``; the admin's action is on the sources page). Redacting, like
erasing, is the role's rule, not a Django permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "data_protection"
PERMISSION = ("ledger", "view_source")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)
    group.permissions.add(
        apps.get_model("auth", "Permission").objects.get(
            content_type__app_label=PERMISSION[0], codename=PERMISSION[1]
        )
    )


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(
            apps.get_model("auth", "Permission").objects.get(
                content_type__app_label=PERMISSION[0], codename=PERMISSION[1]
            )
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0011_data_protection_role"), ("ledger", "0015_source_redaction_guard")]

    operations = [migrations.RunPython(grant, revoke)]
