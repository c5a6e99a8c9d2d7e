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

POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION ledger_event_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM {TABLE}) THEN
            RETURN NULL;  -- truncating an empty table removes nothing
        END IF;
        IF TG_OP = 'UPDATE' AND current_user = '{REDACTOR_ROLE}' AND NEW.salt = ''
            AND to_jsonb(NEW) - 'data' - 'salt' - 'leaves'
                = to_jsonb(OLD) - 'data' - 'salt' - 'leaves' THEN
            RETURN NEW;  -- ledger_event_redact, owned by the redactor role
        END IF;
        RAISE EXCEPTION '{TABLE} is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    """

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

# Run by a database administrator (a superuser) in the application's database: makes
# REDACTOR_ROLE (no login) the owner of the redaction function, with UPDATE on the events table,
# and lets only the events table's owner (the application role) execute it. Idempotent.
REDACTOR_INSTALL = [
    f"""
    DO $$ BEGIN
        CREATE ROLE {REDACTOR_ROLE} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;  -- exists (roles are global)
    END $$;
    """,
    f"GRANT USAGE ON SCHEMA public TO {REDACTOR_ROLE};",
    f"GRANT SELECT, UPDATE ON {TABLE} TO {REDACTOR_ROLE};",
    f"ALTER FUNCTION {REDACT_FUNCTION} OWNER TO {REDACTOR_ROLE};",
    f"REVOKE ALL ON FUNCTION {REDACT_FUNCTION} FROM PUBLIC;",
    f"""
    DO $$ BEGIN
        EXECUTE format('GRANT EXECUTE ON FUNCTION {REDACT_FUNCTION} TO %I',
            (SELECT tableowner FROM pg_tables
             WHERE tablename = '{TABLE}' AND schemaname = current_schema()));
    END $$;
    """,
]


def redactor_install(cursor: Any) -> None:
    """Run REDACTOR_INSTALL on ``cursor`` (DB-API), which must be a superuser's."""
    for statement in REDACTOR_INSTALL:
        cursor.execute(statement)


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
    f"""
    CREATE OR REPLACE FUNCTION ledger_checkpoint_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM {CHECKPOINT_TABLE}) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{CHECKPOINT_TABLE} is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    """,
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
