"""PostgreSQL: ``ledger_append_check``, the server-side half of an optimistic append.

``ledger.store`` computes an append's positions and hashes against the ledger head it last saw,
then sends this function, the inserts and the read-model upserts in one round trip, which
PostgreSQL runs as one transaction (docs/adr/0020-prepared-statements-under-one-sync.md).
The function takes the append lock and refuses (so the transaction writes nothing) when a stream
is not at its expected version or of another type, or when the ledger head is no longer the one
the client chained from; the error's detail carries what the client needs to report or retry
(docs/adr/0012-optimistic-append.md). SQLite has no such function: its appends always
take the lock first.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION ledger_append_check(
    lock_key bigint,
    head_position bigint,
    head_hash text,
    stream_ids text[],
    stream_types text[],
    expected_versions integer[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    current_version integer;
    current_type text;
    last_position bigint;
    last_hash text;
BEGIN
    -- Every statement below runs after the lock is granted, each with a snapshot that sees
    -- every append committed before it (READ COMMITTED).
    PERFORM pg_advisory_xact_lock(lock_key);
    FOR i IN 1 .. coalesce(array_length(stream_ids, 1), 0) LOOP
        SELECT version, stream_type INTO current_version, current_type
            FROM ledger_event WHERE stream_id = stream_ids[i] ORDER BY version DESC LIMIT 1;
        IF NOT FOUND THEN
            current_version := 0;
            current_type := stream_types[i];
        END IF;
        IF current_type <> stream_types[i] THEN
            RAISE EXCEPTION 'stream % is a % stream, not %',
                stream_ids[i], current_type, stream_types[i]
                USING ERRCODE = 'LE002';
        END IF;
        IF current_version <> expected_versions[i] THEN
            RAISE EXCEPTION 'stream % is at version %, not %',
                stream_ids[i], current_version, expected_versions[i]
                USING ERRCODE = 'LE001', DETAIL = i::text || ' ' || current_version::text;
        END IF;
    END LOOP;
    SELECT position, hash INTO last_position, last_hash
        FROM ledger_event ORDER BY position DESC LIMIT 1;
    IF NOT FOUND THEN
        last_position := 0;
        last_hash := repeat('0', 64);
    END IF;
    IF last_position <> head_position OR last_hash <> head_hash THEN
        RAISE EXCEPTION 'the ledger head is at position %, not %', last_position, head_position
            USING ERRCODE = 'LE003', DETAIL = last_position::text || ' ' || last_hash;
    END IF;
END;
$$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS ledger_append_check(bigint, bigint, text, text[], text[], integer[]);"
)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(CREATE)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_claimview_last_position")]

    operations = [migrations.RunPython(create, drop)]
