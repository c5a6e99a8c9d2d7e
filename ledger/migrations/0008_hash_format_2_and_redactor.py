"""Hash format 2 and a redaction the application role cannot fake (ADR 0028).

Adds the commitment columns (``fields_digest``, ``salt``, ``leaves``; "" and null on the events
already stored, which stay hash format 1 and are never rewritten). PostgreSQL: the append-only
trigger no longer opens for a session setting any role could set; it lets an UPDATE through only
as the redactor role, which owns ``ledger_event_redact``. Making that role the owner needs a
superuser: done here when the migrating role is one, otherwise by an administrator
(``ledger.db_guards.REDACTOR_INSTALL``; the README says how). SQLite: adding NOT NULL columns
rebuilds the table, which drops its triggers, so they are installed again.
"""

import importlib

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from ledger.db_guards import (
    EVENT_REDACTOR_INSTALL,
    POSTGRESQL_FUNCTION,
    POSTGRESQL_REDACT_FUNCTION,
    install_guards,
    redactor_install_if_superuser,
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        install_guards(connection)
        return
    with connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_FUNCTION)
        cursor.execute(POSTGRESQL_REDACT_FUNCTION)
        redactor_install_if_superuser(cursor, EVENT_REDACTOR_INSTALL)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS ledger_event_redact(bigint, text[], jsonb)")
            # Back to the trigger without any exception (a redaction then fails: it is safer
            # than reopening the session-setting one).
            earlier = importlib.import_module("ledger.migrations.0004_checkpoint_and_redaction_guard")
            cursor.execute(earlier.PREVIOUS_POSTGRESQL_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_event_hash_unique_constraint")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="fields_digest",
            field=models.CharField(db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="event", name="salt", field=models.CharField(db_default="", default="", max_length=32)
        ),
        migrations.AddField(
            model_name="event", name="leaves", field=models.JSONField(default=None, null=True)
        ),
        migrations.RunPython(forward, backward),
    ]
