"""PostgreSQL: ``ledger_read_locked(lock_key, query)``, the append lock and the read under it in
one statement.

A statement reads on the snapshot taken when it starts, so one that waited for the append lock
inside itself would read the heads as they were before the append it waited for. A PL/pgSQL
function's statements each take their own snapshot: this one takes the lock, then runs
``query`` (the heads of one stream and of the ledger, with the stream's read-model rows), which
sees every append committed before the lock was granted. ``ledger.planning`` sends the query
with its parameters bound as literals by psycopg and names the result's columns and types.
SQLite needs none of it: its write lock is the transaction's.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE FUNCTION ledger_read_locked(lock_key bigint, query text) RETURNS SETOF record
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    RETURN QUERY EXECUTE query;
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS ledger_read_locked(bigint, text)"


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0015_source_redaction_guard")]

    operations = [migrations.RunPython(create, drop)]
