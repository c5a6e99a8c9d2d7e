"""The benchmark's statement counter, on a real PostgreSQL connection through it."""

import psycopg
import pytest

from bench._wire import statement_counter
from bench.common import connection_params

pytestmark = pytest.mark.postgres


@pytest.fixture
def relayed(db):
    params = connection_params()
    with statement_counter(host=params["host"], port=params["port"]) as counter:
        conn = psycopg.connect(
            **{**params, "host": "127.0.0.1", "port": counter.port}, autocommit=True
        )
        try:
            yield counter, conn
        finally:
            conn.close()


def _after(counter, action):
    before = counter.totals()
    action()
    after = counter.totals()
    return {name: after[name] - before[name] for name in after}


def test_connecting_sends_no_statement(relayed):
    counter, _ = relayed
    assert counter.totals() == {"statements": 0, "round_trips": 0}


def test_one_statement_is_one_statement_and_one_round_trip(relayed):
    counter, conn = relayed
    assert _after(counter, lambda: conn.execute("SELECT 1").fetchall()) == {
        "statements": 1,
        "round_trips": 1,
    }


def test_a_transaction_counts_its_begin_and_commit(relayed):
    # given
    counter, conn = relayed
    conn.autocommit = False

    def transaction():
        conn.execute("SELECT %s", [1]).fetchall()
        conn.commit()

    # then: BEGIN, SELECT, COMMIT
    assert _after(counter, transaction) == {"statements": 3, "round_trips": 3}


def test_a_pipeline_is_one_round_trip_for_its_statements(relayed):
    # given
    counter, conn = relayed

    def pipelined():
        with conn.pipeline():
            for number in range(4):
                conn.execute("SELECT %s", [number])

    # then
    assert _after(counter, pipelined) == {"statements": 4, "round_trips": 1}


def test_what_passes_through_is_unchanged(relayed):
    # given
    _, conn = relayed
    text = "é" * 70_000  # larger than one read of the relay

    # then
    assert conn.execute("SELECT %s::text", [text]).fetchone() == (text,)
