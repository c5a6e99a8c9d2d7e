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


POSTGRESQL_INSTALL = [
    POSTGRESQL_FUNCTION,
    f"""
    CREATE TRIGGER ledger_event_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION ledger_event_refuse_change();
    """,
    f"""
    CREATE TRIGGER ledger_event_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_event_refuse_change();
    """,
]
POSTGRESQL_REMOVE = [
    f"DROP TRIGGER IF EXISTS ledger_event_no_update_delete ON {TABLE};",
    f"DROP TRIGGER IF EXISTS ledger_event_no_truncate ON {TABLE};",
    "DROP FUNCTION IF EXISTS ledger_event_refuse_change();",
]

SQLITE_TRIGGERS = {
    operation: f"""
    CREATE TRIGGER IF NOT EXISTS ledger_event_no_{operation.lower()} BEFORE {operation} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: {operation} is not allowed'); END;
    """
    for operation in ("UPDATE", "DELETE")
}
SQLITE_INSTALL = list(SQLITE_TRIGGERS.values())
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS ledger_event_no_{operation};" for operation in ("update", "delete")
]


CHECKPOINT_TABLE = "ledger_checkpoint"
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
    f"""
    CREATE TRIGGER ledger_checkpoint_no_update_delete BEFORE UPDATE OR DELETE
    ON {CHECKPOINT_TABLE} FOR EACH ROW EXECUTE FUNCTION ledger_checkpoint_refuse_change();
    """,
    f"""
    CREATE TRIGGER ledger_checkpoint_no_truncate BEFORE TRUNCATE ON {CHECKPOINT_TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_checkpoint_refuse_change();
    """,
]
POSTGRESQL_CHECKPOINT_REMOVE = [
    f"DROP TRIGGER IF EXISTS ledger_checkpoint_no_update_delete ON {CHECKPOINT_TABLE};",
    f"DROP TRIGGER IF EXISTS ledger_checkpoint_no_truncate ON {CHECKPOINT_TABLE};",
    "DROP FUNCTION IF EXISTS ledger_checkpoint_refuse_change();",
]
SQLITE_CHECKPOINT_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS ledger_checkpoint_no_{operation.lower()} BEFORE {operation}
    ON {CHECKPOINT_TABLE}
    BEGIN SELECT RAISE(ABORT, '{CHECKPOINT_TABLE} is append-only: {operation} is not allowed'); END;
    """
    for operation in ("UPDATE", "DELETE")
]
SQLITE_CHECKPOINT_REMOVE = [
    f"DROP TRIGGER IF EXISTS ledger_checkpoint_no_{operation};"
    for operation in ("update", "delete")
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    raise NotImplementedError(f"no append-only triggers for {connection.vendor}")


def install_guards(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def remove_guards(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)


def _checkpoint_statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRESQL_CHECKPOINT_INSTALL if install else POSTGRESQL_CHECKPOINT_REMOVE
    if connection.vendor == "sqlite":
        return SQLITE_CHECKPOINT_INSTALL if install else SQLITE_CHECKPOINT_REMOVE
    raise NotImplementedError(f"no append-only triggers for {connection.vendor}")


def install_checkpoint_guards(connection: BaseDatabaseWrapper) -> None:
    """The checkpoints table's append-only triggers (migration 0009)."""
    with connection.cursor() as cursor:
        for statement in _checkpoint_statements(connection, install=True):
            cursor.execute(statement)


def remove_checkpoint_guards(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _checkpoint_statements(connection, install=False):
            cursor.execute(statement)
