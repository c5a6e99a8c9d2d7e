"""The data-protection role views the stored sources: it redacts text of a snapshot on request
(``reviews.erasure.source_redact``; the admin's action is on the sources page). Redacting, like
erasing, is the role's rule, not a Django permission."""

import importlib

from django.db import migrations

ROLE = "data_protection"
PERMISSION = "ledger.view_source"
earlier = importlib.import_module("reviews.migrations.0011_data_protection_role")


def grant(apps, schema_editor):
    earlier.group_grant(apps, ROLE, [PERMISSION])


def revoke(apps, schema_editor):
    app_label, codename = PERMISSION.split(".")
    permission = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )
    for group in apps.get_model("auth", "Group").objects.filter(name=ROLE):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0011_data_protection_role"),
        ("ledger", "0015_source_redaction_guard"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
