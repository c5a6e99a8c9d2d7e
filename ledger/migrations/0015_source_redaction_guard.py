"""Source snapshots: UPDATE refused but for their redaction (ADR 0007, the source's redaction).

PostgreSQL: a trigger lets an UPDATE of ``ledger_source`` through only as the redactor role,
which owns ``ledger_source_redact`` (spans of the text to filler, nothing else). Making that role
its owner needs a superuser: done here when the migrating role is one, otherwise by an
administrator (``ledger.db_guards.REDACTOR_INSTALL``). SQLite: a trigger refusing UPDATE, which
the redaction drops and recreates inside its write-locked transaction.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from ledger.db_guards import (
    SOURCE_REDACTOR_INSTALL,
    install_source_guards,
    redactor_install_if_superuser,
    remove_source_guards,
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    connection = schema_editor.connection
    install_source_guards(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            redactor_install_if_superuser(cursor, SOURCE_REDACTOR_INSTALL)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_source_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0014_match_views")]

    operations = [migrations.RunPython(forward, backward)]
