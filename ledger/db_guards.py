"""Database triggers that make the events table append-only, per backend.

The migration installs them; tests that must tamper with history (to prove verification catches
it) remove them the way a database superuser could.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "ledger_event"

# The one exception: a redaction (ledger.redaction.event_redact) may replace the payload of the
# single event named in a transaction-local setting; every other column must stay as it was.
REDACTION_SETTING = "ledger.redacting_position"

POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION ledger_event_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM {TABLE}) THEN
            RETURN NULL;  -- truncating an empty table removes nothing
        END IF;
        IF TG_OP = 'UPDATE'
            AND current_setting('{REDACTION_SETTING}', true) = OLD.position::text
            AND to_jsonb(NEW) - 'data' = to_jsonb(OLD) - 'data' THEN
            RETURN NEW;  -- a redaction rewriting the payload of the one event it names
        END IF;
        RAISE EXCEPTION '{TABLE} is append-only: % is not allowed', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    """

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
