"""Statements sent as one transaction in one round trip (``ledger.sql``, PostgreSQL only).

The optimistic append and the load before a command send their statements as prepared
statements in pipeline mode under a single Sync. These tests hold the guarantees the callers rely
on: all or nothing, errors as Django's exceptions, rows loaded as a cursor loads them, and the
connection's prepared statements reused, bounded and prepared again when the server lost them.
"""

import datetime
import uuid

import pytest
from django.db import IntegrityError, connection

from ledger import sql

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("transactional_db")]

CREATE = "CREATE TABLE one_sync_probe (id integer PRIMARY KEY, body text, at timestamptz)"
INSERT = "INSERT INTO one_sync_probe (id, body, at) VALUES (%s, %s, %s)"
READ = "SELECT id, body, at FROM one_sync_probe WHERE id = %s"


@pytest.fixture
def probe_table():
    with connection.cursor() as cursor:
        cursor.execute(CREATE)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE one_sync_probe")


def ids_stored() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM one_sync_probe ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def our_prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'ledger\\_%%'"
            " ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]


def test_statements_commit_together(probe_table):
    now = datetime.datetime(2026, 12, 2, 5, 0, tzinfo=datetime.UTC)
    sql.execute_as_one_transaction([(INSERT, [1, "a", now]), (INSERT, [2, "b", now])])
    assert ids_stored() == [1, 2]


def test_an_error_in_any_statement_rolls_back_the_ones_before_it(probe_table):
    sql.execute_as_one_transaction([(INSERT, [1, "a", None])])

    with pytest.raises(IntegrityError):
        sql.execute_as_one_transaction([(INSERT, [2, "b", None]), (INSERT, [1, "dup", None])])

    assert ids_stored() == [1]
    # the connection is usable afterwards, outside any transaction
    sql.execute_as_one_transaction([(INSERT, [3, "c", None])])
    assert ids_stored() == [1, 3]


def test_reads_return_rows_loaded_as_a_cursor_loads_them(probe_table):
    now = datetime.datetime(2026, 12, 2, 5, 0, 1, 250, tzinfo=datetime.UTC)
    sql.execute_as_one_transaction([(INSERT, [1, 'it\'s "quoted" % text', now])])

    first, second = sql.fetch_as_one([(READ, [1]), (READ, [2])])

    assert first == [(1, 'it\'s "quoted" % text', now)]
    assert second == []
    with connection.cursor() as cursor:
        cursor.execute(READ, [1])
        assert cursor.fetchall() == first


def test_a_statement_is_prepared_once_per_connection(probe_table):
    before = len(our_prepared_statements())
    for key in range(1, 4):
        sql.execute_as_one_transaction([(INSERT, [key, "x", None])])
        sql.fetch_as_one([(READ, [key])])
    statements = our_prepared_statements()
    assert len(statements) == before + 2
    assert "INSERT INTO one_sync_probe (id, body, at) VALUES ($1, $2, $3)" in statements
    assert ids_stored() == [1, 2, 3]


def test_statements_the_server_forgot_are_prepared_again(probe_table):
    sql.execute_as_one_transaction([(INSERT, [1, "x", None])])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    sql.execute_as_one_transaction([(INSERT, [2, "y", None])])

    assert ids_stored() == [1, 2]
    assert any(s.startswith("INSERT INTO one_sync_probe") for s in our_prepared_statements())


def test_past_the_cap_statements_run_unprepared(probe_table, monkeypatch):
    monkeypatch.setattr(sql, "PREPARED_MAX", len(our_prepared_statements()))

    sql.execute_as_one_transaction([(INSERT, [1, "x", None]), (INSERT, [2, "y", None])])
    rows = sql.fetch_as_one([(READ, [1]), (READ, [2])])

    assert ids_stored() == [1, 2]
    assert [len(r) for r in rows] == [1, 1]
    assert not any("one_sync_probe" in s for s in our_prepared_statements())


def test_a_statement_that_fails_to_prepare_is_not_remembered(probe_table):
    broken = "INSERT INTO one_sync_probe (id, body) VALUES (%s, %s) RETURNING nothing_here"
    for _ in range(2):
        with pytest.raises(Exception, match="nothing_here"):
            sql.execute_as_one_transaction([(INSERT, [1, "x", None]), (broken, [2, "y"])])
    assert ids_stored() == []
    remembered = sql._prepared_by_connection[connection.connection].names
    assert INSERT in remembered  # prepared before the failure, in the same pipeline
    assert broken not in remembered


def test_parameters_of_every_type_the_ledger_sends(probe_table):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE one_sync_types (u uuid, a text[], n integer[], j jsonb,"
            " b boolean)"
        )
    value = uuid.uuid4()
    sql.execute_as_one_transaction(
        [
            (
                "INSERT INTO one_sync_types (u, a, n, j, b) VALUES (%s, %s, %s::integer[], %s, %s)",
                [value, ['a "b"', "c,d", None], [1, 70000], '{"k": [1, "v"]}', True],
            )
        ]
    )
    read = "SELECT u, a, n, j, b FROM one_sync_types"
    (rows,) = sql.fetch_as_one([(read, [])])
    # jsonb comes back as text, as on Django's cursors (its JSONField decodes it)
    assert rows == [(value, ['a "b"', "c,d", None], [1, 70000], '{"k": [1, "v"]}', True)]
    with connection.cursor() as cursor:
        cursor.execute(read)
        assert cursor.fetchall() == rows


def test_an_interrupted_exchange_closes_the_connection_rather_than_reuse_it(
    probe_table, monkeypatch
):
    import psycopg.generators

    def interrupted(pgconn):
        raise KeyboardInterrupt
        yield  # a generator, as psycopg's are

    monkeypatch.setattr(psycopg.generators, "fetch_many", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sql.execute_as_one_transaction([(INSERT, [1, "x", None])])
    monkeypatch.undo()

    assert connection.connection is None
    # the next statement opens a new connection; the sent transaction did reach the server
    assert ids_stored() == [1]
    sql.execute_as_one_transaction([(INSERT, [2, "y", None])])
    assert ids_stored() == [1, 2]
