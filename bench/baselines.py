"""The baselines every ratio is measured against, run first and in the same run.

- raw psycopg, one ``INSERT`` + ``COMMIT`` per event, into a table with the events table's exact
  shape (``LIKE ledger_event INCLUDING ALL``: same columns, primary key, unique constraints and
  indexes; no hashing, no checks, no projections): the floor a single-event write can reach;
- raw psycopg, batched inserts of 100 rows per transaction (``executemany``): the floor for bulk
  writes;
- the ``eventsourcing`` library with its PostgreSQL persistence, doing the commands workload:
  create a claim aggregate, then one status change (load, decide, save), one transaction each.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from psycopg.types.json import Jsonb

from bench.common import (
    connection_params,
    figure,
    fresh_database,
    new_id,
    raw_connection,
    repeats,
    scratch_database,
    sentences,
)

SINGLE_INSERTS = 2000
SINGLE_INSERTS_QUICK = 500
BATCHED_INSERTS = 20_000
BATCHED_INSERTS_QUICK = 5000
BATCH_SIZE = 100
EVENTSOURCING_CLAIMS = 1000
EVENTSOURCING_CLAIMS_QUICK = 300

INSERT = """
INSERT INTO bench_raw_event (position, stream_id, stream_type, version, type, schema_version,
                             data, metadata, recorded_at, prev_hash, hash)
VALUES (%s, %s, 'claim', 1, 'ClaimRecorded', 1, %s, %s, now(), %s, %s)
"""


def _rows(count: int, start: int) -> list[tuple[Any, ...]]:
    """Pre-built rows shaped like recorded claims, so only the database work is timed."""
    metadata = {"actor": "user:bench", "via": "bench", "correlation_id": new_id()}
    rows = []
    for offset, text in enumerate(sentences(count, seed=start), start=start):
        claim_id = new_id()
        payload: dict[str, Any] = {
            "claim_id": claim_id,
            "text": text,
            "source_id": None,
            "selector": None,
            "publisher": "bench",
            "check_worthiness": {},
            "entities": [],
        }
        digest = uuid.uuid4().hex * 2
        rows.append((offset, claim_id, Jsonb(payload), Jsonb(metadata), "0" * 64, digest))
    return rows


def raw_single_inserts(count: int, start: int) -> float:
    """Events per second, one INSERT + COMMIT each."""
    rows = _rows(count, start)
    with raw_connection() as conn:
        started = time.perf_counter()
        for row in rows:
            conn.execute(INSERT, row)
            conn.commit()
        elapsed = time.perf_counter() - started
    return count / elapsed


def raw_batched_inserts(count: int, start: int) -> float:
    """Events per second, ``BATCH_SIZE`` inserts per transaction."""
    rows = _rows(count, start)
    with raw_connection() as conn:
        started = time.perf_counter()
        for index in range(0, count, BATCH_SIZE):
            with conn.cursor() as cursor:
                cursor.executemany(INSERT, rows[index : index + BATCH_SIZE])
            conn.commit()
        elapsed = time.perf_counter() - started
    return count / elapsed


def raw_append_statements(count: int, start: int) -> float:
    """Commands per second for the bare SQL of one ledger append, sent by plain psycopg.

    The statements ``append`` issues for a command, one command per transaction, without any of
    the Python around them (no validation, hashing, folding or Django): the advisory lock, the
    stream and ledger head read, the read-model row read, the event insert, the read-model
    upsert, the commit. Not a target: it shows how much of a command's time is the database's.
    """
    rows = _rows(count, start)
    with raw_connection() as conn:
        started = time.perf_counter()
        for row in rows:
            claim_id = row[1]
            conn.execute("SELECT pg_advisory_xact_lock(1)")
            conn.execute(
                "SELECT * FROM (SELECT stream_id, version, stream_type FROM bench_raw_event"
                " WHERE stream_id = %s ORDER BY version DESC LIMIT 1) last UNION ALL"
                " SELECT NULL, head.position, head.hash FROM (SELECT position, hash"
                " FROM bench_raw_event ORDER BY position DESC LIMIT 1) head",
                [claim_id],
            ).fetchall()
            conn.execute("SELECT * FROM bench_raw_claimview WHERE claim_id = %s", [claim_id])
            conn.execute(INSERT, row)
            conn.execute(
                "INSERT INTO bench_raw_claimview (claim_id, publisher, text, status, version,"
                " assignee, check_worthiness, entities, open_flag_count, recorded_at,"
                " updated_at, last_position) VALUES (%s, 'bench', 'text', 'pending', 1, '',"
                " '{}', '[]', 0, now(), now(), %s) ON CONFLICT (claim_id) DO UPDATE SET"
                " version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,"
                " last_position = EXCLUDED.last_position",
                [claim_id, row[0]],
            )
            conn.commit()
        elapsed = time.perf_counter() - started
    return count / elapsed


class Claim(Aggregate):
    """The same claim life the ledger's commands benchmark drives: recorded, then assigned."""

    @event("Recorded")
    def __init__(self, text: str, publisher: str) -> None:
        self.text = text
        self.publisher = publisher
        self.status = "pending"
        self.assignee = ""

    @event("Assigned")
    def assign(self, assignee: str) -> None:
        self.assignee = assignee


class Claims(Application[uuid.UUID]):
    def claim_record(self, text: str) -> uuid.UUID:
        claim = Claim(text=text, publisher="bench")
        self.save(claim)
        return claim.id

    def claim_assign(self, claim_id: uuid.UUID, assignee: str) -> None:
        claim: Claim = self.repository.get(claim_id)
        claim.assign(assignee)
        self.save(claim)


def eventsourcing_commands(dbname: str, claims: int, seed: int) -> float:
    """Commands per second: record ``claims`` claims, then assign each (2 commands per claim)."""
    params = connection_params(dbname)
    app = Claims(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": params["dbname"],
            "POSTGRES_HOST": params["host"],
            "POSTGRES_PORT": str(params["port"]),
            "POSTGRES_USER": params["user"],
            "POSTGRES_PASSWORD": params.get("password", ""),
            "POSTGRES_POOL_SIZE": "1",
        }
    )
    texts = sentences(claims, seed=seed)
    try:
        started = time.perf_counter()
        ids = [app.claim_record(text) for text in texts]
        for claim_id in ids:
            app.claim_assign(claim_id, "editor:bench")
        elapsed = time.perf_counter() - started
    finally:
        app.close()
    return 2 * claims / elapsed


_positions = itertools.count(1)


def next_positions(count: int) -> int:
    """The first of ``count`` fresh positions for the raw baseline table."""
    first = next(_positions)
    for _ in range(count - 1):
        next(_positions)
    return first


@contextmanager
def prepared() -> Iterator[str]:
    """Create the raw baseline table in the benchmark database and a scratch database for the
    eventsourcing library; yield the latter's name."""
    with raw_connection() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw_event (LIKE ledger_event INCLUDING ALL)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_raw_claimview (LIKE ledger_claimview INCLUDING ALL)"
        )
        conn.commit()
    with scratch_database("eventsourcing") as eventsourcing_db:
        yield eventsourcing_db


def sizes(*, quick: bool) -> dict[str, int]:
    return {
        "single_inserts": SINGLE_INSERTS_QUICK if quick else SINGLE_INSERTS,
        "batched_inserts": BATCHED_INSERTS_QUICK if quick else BATCHED_INSERTS,
        "claims": EVENTSOURCING_CLAIMS_QUICK if quick else EVENTSOURCING_CLAIMS,
    }


def run(*, quick: bool) -> dict[str, Any]:
    """The baselines on their own, for reference; the modules with targets interleave their own
    baseline runs with theirs and compute their ratios from those."""
    fresh_database()
    size = sizes(quick=quick)
    single_samples, batched_samples, eventsourcing_samples = [], [], []
    with prepared() as eventsourcing_db:
        # Interleaved, so that a noisy neighbour slows every kind of run alike.
        for attempt in range(repeats(quick=quick)):
            single = size["single_inserts"]
            single_samples.append(raw_single_inserts(single, next_positions(single)))
            batched = size["batched_inserts"]
            batched_samples.append(raw_batched_inserts(batched, next_positions(batched)))
            eventsourcing_samples.append(
                eventsourcing_commands(eventsourcing_db, size["claims"], seed=attempt)
            )
    return {
        "sizes": size,
        "figures": [
            figure(
                key="raw_single",
                name="raw psycopg: INSERT + COMMIT per event",
                samples=single_samples,
                unit="events/s",
            ),
            figure(
                key="raw_batched",
                name=f"raw psycopg: {BATCH_SIZE} inserts per transaction",
                samples=batched_samples,
                unit="events/s",
            ),
            figure(
                key="eventsourcing_commands",
                name="eventsourcing library: record + assign commands",
                samples=eventsourcing_samples,
                unit="commands/s",
            ),
        ],
    }
