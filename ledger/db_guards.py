"""Database triggers that make the events table append-only, per backend.

The migration installs them; tests that must tamper with history (to prove verification catches
it) remove them the way a database superuser could.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "ledger_event"

# The one exception on PostgreSQL: ``ledger_event_redact`` (below), run as the role it is owned
# by, may replace one text value of a payload by the redaction marker and swap the event's salt
# for its leaf proof; every other column must stay as it was. No setting or flag a session can
# set opens it: only that role, which the application role is not and cannot become.
REDACTOR_ROLE = "ledger_redactor"
REDACT_FUNCTION = "ledger_event_redact(bigint, text[], jsonb)"


def _refusal_function(prefix: str, table: str, *, allowed: str, refused: str) -> str:
    """PostgreSQL: the trigger function ``<prefix>_refuse_change()``: ``allowed`` (PL/pgSQL
    returning early for what may pass), then the refusal of anything else."""
    return f"""
    CREATE OR REPLACE FUNCTION {prefix}_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN{allowed}
        RAISE EXCEPTION '{table} is {refused}: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    """


def _empty_truncate(table: str) -> str:
    return f"""
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM {table}) THEN
            RETURN NULL;  -- truncating an empty table removes nothing
        END IF;"""


POSTGRESQL_FUNCTION = _refusal_function(
    "ledger_event",
    TABLE,
    refused="append-only",
    allowed=_empty_truncate(TABLE)
    + f"""
        IF TG_OP = 'UPDATE' AND current_user = '{REDACTOR_ROLE}' AND NEW.salt = ''
            AND to_jsonb(NEW) - 'data' - 'salt' - 'leaves'
                = to_jsonb(OLD) - 'data' - 'salt' - 'leaves' THEN
            RETURN NEW;  -- ledger_event_redact, owned by the redactor role
        END IF;""",
)

# The redaction itself, on the server: the value at ``field`` must be text; it becomes the marker.
# SECURITY DEFINER: it runs as its owner, which the trigger above lets through once
# ``redactor_install`` has made REDACTOR_ROLE that owner (until then it runs as whoever created
# it, and the trigger refuses). The leaf proof is the caller's; verification checks it.
POSTGRESQL_REDACT_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION ledger_event_redact(target bigint, field text[], proof jsonb)
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
        IF jsonb_typeof((SELECT data #> field FROM {TABLE} WHERE position = target))
            IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'the event at position % has no text at %', target, field
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        UPDATE {TABLE} SET data = jsonb_set(data, field, '"[redacted]"'), salt = '', leaves = proof
            WHERE position = target;
    END;
    $$;
    """


def _redactor_grants(table: str, function: str) -> list[str]:
    """Make REDACTOR_ROLE (no login) the owner of ``function``, with UPDATE on ``table``, and
    let only ``table``'s owner (the application role) execute it."""
    return [
        f"""
    DO $$ BEGIN
        CREATE ROLE {REDACTOR_ROLE} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- exists (roles are global)
    END $$;
    """,
        f"GRANT USAGE ON SCHEMA public TO {REDACTOR_ROLE};",
        f"GRANT SELECT, UPDATE ON {table} TO {REDACTOR_ROLE};",
        f"ALTER FUNCTION {function} OWNER TO {REDACTOR_ROLE};",
        f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC;",
        f"""
    DO $$ BEGIN
        EXECUTE format('GRANT EXECUTE ON FUNCTION {function} TO %I',
            (SELECT tableowner FROM pg_tables
             WHERE tablename = '{table}' AND schemaname = current_schema()));
    END $$;
    """,
    ]


SOURCE_TABLE = "ledger_source"
SOURCE_REDACT_FUNCTION = "ledger_source_redact(uuid, integer[], integer[])"
# What a redacted span of a source's text holds, one per character, so offsets stay.
SOURCE_FILLER = "\u2588"

# Run by a database administrator (a superuser) in the application's database; idempotent.
# Migration 0008 ran the events' part (the source's function came with 0015).
EVENT_REDACTOR_INSTALL = _redactor_grants(TABLE, REDACT_FUNCTION)
SOURCE_REDACTOR_INSTALL = _redactor_grants(SOURCE_TABLE, SOURCE_REDACT_FUNCTION)
REDACTOR_INSTALL = [*EVENT_REDACTOR_INSTALL, *SOURCE_REDACTOR_INSTALL]


def redactor_install(cursor: Any, statements: list[str] = REDACTOR_INSTALL) -> None:
    """Run ``statements`` (REDACTOR_INSTALL) on ``cursor`` (DB-API), a superuser's."""
    for statement in statements:
        cursor.execute(statement)


def redactor_install_if_superuser(cursor: Any, statements: list[str]) -> None:
    """What a migration does: ``redactor_install`` when it migrates as a superuser (otherwise
    an administrator runs REDACTOR_INSTALL)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        redactor_install(cursor, statements)


def _postgresql_triggers(table: str, prefix: str) -> tuple[list[str], list[str]]:
    """PostgreSQL: the row and statement triggers calling ``<prefix>_refuse_change()``, and
    what removes them and it."""
    function = f"{prefix}_refuse_change()"
    install = [
        f"""
    CREATE TRIGGER {prefix}_no_update_delete BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function};
    """,
        f"""
    CREATE TRIGGER {prefix}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function};
    """,
    ]
    remove = [
        f"DROP TRIGGER IF EXISTS {prefix}_no_update_delete ON {table};",
        f"DROP TRIGGER IF EXISTS {prefix}_no_truncate ON {table};",
        f"DROP FUNCTION IF EXISTS {function};",
    ]
    return install, remove


_EVENT_TRIGGERS, POSTGRESQL_REMOVE = _postgresql_triggers(TABLE, "ledger_event")
POSTGRESQL_INSTALL = [POSTGRESQL_FUNCTION, *_EVENT_TRIGGERS]


def _sqlite_triggers(table: str, prefix: str) -> dict[str, str]:
    """SQLite: a trigger per refused operation (SQLite has no TRUNCATE)."""
    return {
        operation: f"""
    CREATE TRIGGER IF NOT EXISTS {prefix}_no_{operation.lower()} BEFORE {operation} ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} is not allowed'); END;
    """
        for operation in ("UPDATE", "DELETE")
    }


def _sqlite_removals(prefix: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {prefix}_no_{operation};" for operation in ("update", "delete")
    ]


SQLITE_TRIGGERS = _sqlite_triggers(TABLE, "ledger_event")
SQLITE_INSTALL = list(SQLITE_TRIGGERS.values())
SQLITE_REMOVE = _sqlite_removals("ledger_event")

CHECKPOINT_TABLE = "ledger_checkpoint"
_CHECKPOINT_TRIGGERS, POSTGRESQL_CHECKPOINT_REMOVE = _postgresql_triggers(
    CHECKPOINT_TABLE, "ledger_checkpoint"
)
POSTGRESQL_CHECKPOINT_INSTALL = [
    _refusal_function(
        "ledger_checkpoint",
        CHECKPOINT_TABLE,
        refused="append-only",
        allowed=_empty_truncate(CHECKPOINT_TABLE),
    ),
    *_CHECKPOINT_TRIGGERS,
]

# (install, remove) statements per table and database vendor.
Guards = dict[str, tuple[list[str], list[str]]]
EVENT_GUARDS: Guards = {
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
}
CHECKPOINT_GUARDS: Guards = {
    "postgresql": (POSTGRESQL_CHECKPOINT_INSTALL, POSTGRESQL_CHECKPOINT_REMOVE),
    "sqlite": (
        list(_sqlite_triggers(CHECKPOINT_TABLE, "ledger_checkpoint").values()),
        _sqlite_removals("ledger_checkpoint"),
    ),
}


def _execute(connection: BaseDatabaseWrapper, guards: Guards, *, install: bool) -> None:
    if connection.vendor not in guards:
        raise NotImplementedError(f"no append-only triggers for {connection.vendor}")
    statements = guards[connection.vendor][0 if install else 1]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_guards(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, EVENT_GUARDS, install=True)


def remove_guards(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, EVENT_GUARDS, install=False)


def install_checkpoint_guards(connection: BaseDatabaseWrapper) -> None:
    """The checkpoints table's append-only triggers (migration 0009)."""
    _execute(connection, CHECKPOINT_GUARDS, install=True)


def remove_checkpoint_guards(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, CHECKPOINT_GUARDS, install=False)


# --- Source snapshots (ADR 0007: the source's redaction) ---------------------------------------
# An UPDATE of a source row goes through only as the redactor role (owner of the function
# below), keeping every column but ``content``, ``text`` and ``media_type``, the text's length,
# and ``content`` as the UTF-8 of ``text``. DELETE and TRUNCATE are left to the ORM's refusal
# (a test database's flush empties the table).
POSTGRESQL_SOURCE_INSTALL = [
    _refusal_function(
        "ledger_source",
        SOURCE_TABLE,
        refused="immutable",
        allowed=f"""
        IF current_user = '{REDACTOR_ROLE}' AND NEW.media_type = 'text/plain'
            AND NEW.content = convert_to(NEW.text, 'UTF8')
            AND length(NEW.text) = length(OLD.text)
            AND to_jsonb(NEW) - 'content' - 'text' - 'media_type'
                = to_jsonb(OLD) - 'content' - 'text' - 'media_type' THEN
            RETURN NEW;  -- ledger_source_redact, owned by the redactor role
        END IF;""",
    ),
    f"""
    CREATE TRIGGER ledger_source_no_update BEFORE UPDATE ON {SOURCE_TABLE}
    FOR EACH ROW EXECUTE FUNCTION ledger_source_refuse_change();
    """,
    # The redaction on the server: each span (character offsets, end exclusive) becomes filler
    # of its length; the bytes become the UTF-8 of the new text, as plain text. Nothing else.
    f"""
    CREATE OR REPLACE FUNCTION ledger_source_redact(target uuid, starts integer[], ends integer[])
    RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        redacted text;
    BEGIN
        SELECT text INTO redacted FROM {SOURCE_TABLE} WHERE id = target;
        IF redacted IS NULL OR cardinality(starts) IS DISTINCT FROM cardinality(ends) THEN
            RAISE EXCEPTION 'no source % or unpaired spans', target
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        FOR i IN 1 .. coalesce(cardinality(starts), 0) LOOP
            IF starts[i] < 0 OR ends[i] <= starts[i] OR ends[i] > length(redacted) THEN
                RAISE EXCEPTION 'span %..% is outside the source text', starts[i], ends[i]
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            redacted := overlay(redacted placing repeat('{SOURCE_FILLER}', ends[i] - starts[i])
                from starts[i] + 1 for ends[i] - starts[i]);
        END LOOP;
        UPDATE {SOURCE_TABLE}
            SET text = redacted, content = convert_to(redacted, 'UTF8'), media_type = 'text/plain'
            WHERE id = target;
    END;
    $$;
    """,
]
POSTGRESQL_SOURCE_REMOVE = [
    f"DROP TRIGGER IF EXISTS ledger_source_no_update ON {SOURCE_TABLE};",
    "DROP FUNCTION IF EXISTS ledger_source_refuse_change();",
    f"DROP FUNCTION IF EXISTS {SOURCE_REDACT_FUNCTION};",
]
SQLITE_SOURCE_TRIGGER = f"""
    CREATE TRIGGER IF NOT EXISTS ledger_source_no_update BEFORE UPDATE ON {SOURCE_TABLE}
    BEGIN SELECT RAISE(ABORT, '{SOURCE_TABLE} is immutable: UPDATE is not allowed'); END;
    """
SOURCE_GUARDS: Guards = {
    "postgresql": (POSTGRESQL_SOURCE_INSTALL, POSTGRESQL_SOURCE_REMOVE),
    "sqlite": ([SQLITE_SOURCE_TRIGGER], ["DROP TRIGGER IF EXISTS ledger_source_no_update;"]),
}


def install_source_guards(connection: BaseDatabaseWrapper) -> None:
    """The source table's UPDATE guard and, on PostgreSQL, its redaction function (0015)."""
    _execute(connection, SOURCE_GUARDS, install=True)


def remove_source_guards(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, SOURCE_GUARDS, install=False)
