"""How the statements of one optimistic append are sent: three protocols, same statements.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claims_ledger \\
        python -m bench._append_protocols [--appends 300] [--rounds 7]

Set up as ``make bench`` sets up (``<name>_bench`` from a migrated ``<name>_bench_template``,
production settings; both dropped at the end), it appends new claims the way ``claim_record``
does on PostgreSQL: the ``ledger_append_check`` call, the event insert and the claim list
upsert, one transaction and one round trip per claim, with every value built beforehand so that
only the sending is timed.
Each round times ``--appends`` appends per protocol, the protocols in turn:

- ``simple``: one simple-query message, parameters bound on the client (``psycopg.ClientCursor``);
- ``psycopg-pipeline``: psycopg's pipeline with ``prepare=True``, one Sync at its end;
- ``one-sync``: ``ledger.sql.execute_as_one_transaction``, the ledger's own path (prepared
  statements through libpq's pipeline, one Sync).

It prints the median milliseconds per append of each and each one's ratio to ``simple`` per
round (median over rounds). Docs: ADR cmdspeed-02, docs/performance.md section 1c.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

Statements = list[tuple[str, list[Any]]]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._append_protocols")
    parser.add_argument("--appends", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args(argv)
    from bench.__main__ import empty_ledger

    with empty_ledger():
        _measure(arguments.appends, arguments.rounds)
    return 0


def _measure(appends: int, rounds: int) -> None:
    import psycopg
    from django.db import connection

    from bench.common import sentences
    from ledger import sql
    from ledger.store import APPEND_LOCK_KEY
    from ledger.verify_export import GENESIS_HASH

    head: list[Any] = [0, GENESIS_HASH]
    metadata = '{"actor": "user:bench", "causation_id": null, "via": "bench"}'

    def claim_statements(text: str) -> Statements:
        """What ``claim_record`` sends, for a new claim chained after ``head``."""
        claim_id = str(uuid.uuid4())
        position, prev_hash = head[0] + 1, head[1]
        event_hash = hashlib.sha256(f"{position}{claim_id}".encode()).hexdigest()
        head[:] = [position, event_hash]
        data = (
            f'{{"claim_id": "{claim_id}", "text": "{text}", "publisher": "bench",'
            ' "check_worthiness": {}, "entities": [], "selector": null, "source_id": null}'
        )
        return [
            (
                "SELECT ledger_append_check(%s, %s, %s, %s::text[], %s::text[], %s::integer[])",
                [APPEND_LOCK_KEY, position - 1, prev_hash, [claim_id], ["claim"], [0]],
            ),
            (
                "INSERT INTO ledger_event (position, stream_id, stream_type, version, type,"
                " schema_version, data, metadata, recorded_at, prev_hash, hash) VALUES"
                " (%s, %s, 'claim', 1, 'ClaimRecorded', 1, %s, %s, now(), %s, %s)",
                [position, claim_id, data, metadata, prev_hash, event_hash],
            ),
            (
                "INSERT INTO ledger_claimview (claim_id, source_id, publisher, text, status,"
                " version, assignee, verdict, selector, check_worthiness, entities,"
                " open_flag_count, recorded_at, updated_at, last_position) VALUES (%s, NULL,"
                " 'bench', %s, 'pending', 1, '', NULL, NULL, '{}', '[]', 0, now(), now(), %s)"
                " ON CONFLICT (claim_id) DO UPDATE SET status = EXCLUDED.status,"
                " version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,"
                " last_position = EXCLUDED.last_position",
                [claim_id, text, position],
            ),
        ]

    def simple(statements: Statements) -> None:
        with psycopg.ClientCursor(connection.connection) as cursor:
            cursor.execute(
                "; ".join(text for text, _ in statements),
                [value for _, values in statements for value in values],
            )

    def psycopg_pipeline(statements: Statements) -> None:
        with connection.connection.pipeline(), connection.connection.cursor() as cursor:
            for text, values in statements:
                cursor.execute(text, values, prepare=True)

    protocols: dict[str, Callable[[Statements], None]] = {
        "simple": simple,
        "psycopg-pipeline": psycopg_pipeline,
        "one-sync": sql.execute_as_one_transaction,
    }
    connection.ensure_connection()
    texts = sentences(appends * len(protocols) * (rounds + 1), seed=3)
    per_append: dict[str, list[float]] = {name: [] for name in protocols}
    for round_number in range(rounds + 1):  # the first round warms up and is not kept
        for name, send in protocols.items():
            batch = [claim_statements(texts.pop()) for _ in range(appends)]
            started = time.perf_counter()
            for statements in batch:
                send(statements)
            if round_number:
                per_append[name].append((time.perf_counter() - started) / appends * 1000)
    print(f"{appends} appends per protocol and round, {rounds} rounds; ms per append")
    for name, samples in per_append.items():
        ratios = [base / mine for base, mine in zip(per_append["simple"], samples, strict=True)]
        print(
            f"{name:18} median {statistics.median(samples):.3f} ms"
            f"  (min {min(samples):.3f}, max {max(samples):.3f})"
            f"  speed vs simple, median per round {statistics.median(ratios):.2f}x"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
