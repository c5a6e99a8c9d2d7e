"""The events' ``hash`` is unique through a named constraint, without the ``LIKE`` index.

``unique=True`` on a ``CharField`` also gives PostgreSQL a second index, ``varchar_pattern_ops``
for ``LIKE 'prefix%'`` queries, which nothing here runs (the admin searches a hash exactly):
one more index written on every append. The unique index itself stays; on PostgreSQL it is
renamed to the constraint's name and the pattern index dropped. On SQLite the column keeps its
inline ``UNIQUE`` (SQLite would have to rebuild the table to change it, and a rebuild drops the
append-only triggers); only the migration state changes there.
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARD = (
    "ALTER TABLE ledger_event RENAME CONSTRAINT ledger_event_hash_key TO event_hash_unique;"
    " DROP INDEX IF EXISTS ledger_event_hash_79a381be_like;"
)
BACKWARD = (
    "ALTER TABLE ledger_event RENAME CONSTRAINT event_hash_unique TO ledger_event_hash_key;"
    " CREATE INDEX IF NOT EXISTS ledger_event_hash_79a381be_like"
    " ON ledger_event (hash varchar_pattern_ops);"
)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0006_append_check_function")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event", name="hash", field=models.CharField(max_length=64)
                ),
                migrations.AddConstraint(
                    model_name="event",
                    constraint=models.UniqueConstraint(fields=["hash"], name="event_hash_unique"),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        )
    ]
