"""Commands through the service layer, one per transaction.

The same workload as the eventsourcing baseline: record a claim (``claim_record``), then change
it once (``claim_command`` with ``ClaimAssigned``: load the claim, decide, append with the expected
version, update the claim list projection, commit). Targets: >= 1.5x the eventsourcing library's
commands per second and >= 0.5x raw psycopg single-event INSERT + COMMIT.
"""

from __future__ import annotations

import time
from typing import Any

from bench import baselines
from bench.common import figure, fresh_database, repeats, sentences
from ledger import events as ev
from ledger.services import claim_command, claim_record

CLAIMS = 1000
CLAIMS_QUICK = 300


def commands_per_second(claims: int, seed: int) -> float:
    metadata = ev.Metadata(actor="user:bench", via="bench")
    texts = sentences(claims, seed=seed)
    started = time.perf_counter()
    states = [claim_record(text=text, metadata=metadata, publisher="bench") for text in texts]
    for state in states:
        claim_command(
            claim_id=state.claim_id,
            expected_version=state.version,
            event=ev.ClaimAssigned(assignee="editor:bench"),
            metadata=metadata,
        )
    elapsed = time.perf_counter() - started
    return 2 * claims / elapsed


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    claims = CLAIMS_QUICK if quick else CLAIMS
    size = baselines.sizes(quick=quick)
    samples, eventsourcing_samples, raw_samples, floor_samples = [], [], [], []
    with baselines.prepared() as eventsourcing_db:
        # Each of our runs sits between runs of its two baselines, so that load from other
        # processes on the machine weighs on all three alike.
        for attempt in range(repeats(quick=quick)):
            eventsourcing_samples.append(
                baselines.eventsourcing_commands(eventsourcing_db, size["claims"], seed=attempt)
            )
            samples.append(commands_per_second(claims, seed=attempt))
            single = size["single_inserts"]
            raw_samples.append(
                baselines.raw_single_inserts(single, baselines.next_positions(single))
            )
            floor_samples.append(
                baselines.raw_append_statements(single, baselines.next_positions(single))
            )
    return {
        "sizes": {"claims": claims, "commands": 2 * claims, "baselines": size},
        "figures": [
            figure(
                key="commands_baseline_eventsourcing",
                name="baseline: eventsourcing record + assign (interleaved)",
                samples=eventsourcing_samples,
                unit="commands/s",
            ),
            figure(
                key="commands_baseline_raw_single",
                name="baseline: raw INSERT + COMMIT per event (interleaved)",
                samples=raw_samples,
                unit="events/s",
            ),
            figure(
                key="commands_floor_sql",
                name="reference: an append's bare SQL via raw psycopg (interleaved)",
                samples=floor_samples,
                unit="commands/s",
                baseline="commands_baseline_eventsourcing",
                note="no target: the database's share of a command, without any Python",
            ),
            figure(
                key="commands_vs_eventsourcing",
                name="service commands (record + assign) vs eventsourcing",
                samples=samples,
                unit="commands/s",
                baseline="commands_baseline_eventsourcing",
                target_ratio=1.5,
            ),
            figure(
                key="commands_vs_raw_single",
                name="service commands (record + assign) vs raw INSERT+COMMIT",
                samples=samples,
                unit="commands/s",
                baseline="commands_baseline_raw_single",
                target_ratio=0.5,
            ),
        ],
    }
