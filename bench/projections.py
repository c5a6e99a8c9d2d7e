"""``rebuild_projections`` over a large ledger: target under 60 s for 1,000,000 events.

The ledger is filled through ``claim_recording`` and ``append_many`` (the same path as bulk
ingest, so every event is hash-chained and projected) with claim streams of
``EVENTS_PER_CLAIM`` events: recorded, assigned, review started, verdict set. The timed part is
``projections_rebuild(check=False)``: replay every event into memory, replace the read-model
tables.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from bench.common import entities_of, figure, fresh_database, sentences
from ledger import events as ev
from ledger.reading import head_position
from ledger.services import ClaimDraft, claim_recording, projections_rebuild
from ledger.store import append_many

EVENTS = 1_000_000
EVENTS_QUICK = 100_000
EVENTS_PER_CLAIM = 4
CLAIMS_PER_TRANSACTION = 1000
REBUILDS = 2
REBUILDS_QUICK = 2
TARGET_SECONDS = 60.0


def fill(events: int) -> float:
    """Append ``events`` events; return the seconds it took (reported, not a target)."""
    metadata = ev.Metadata(actor="user:bench", via="bench")
    claims = events // EVENTS_PER_CLAIM
    corpus = sentences(min(claims, 10_000), seed=5)
    started = time.perf_counter()
    for first in range(0, claims, CLAIMS_PER_TRANSACTION):
        appends = []
        for number in range(first, min(first + CLAIMS_PER_TRANSACTION, claims)):
            text = corpus[number % len(corpus)]
            recording = claim_recording(
                draft=ClaimDraft(
                    text=text, publisher=f"publisher-{number % 7}", entities=entities_of(text)
                ),
                source_text=None,
            )
            # The claim's review, in the same stream append as its recording.
            review = [
                ev.ClaimAssigned(assignee=f"editor-{number % 13}"),
                ev.ClaimReviewStarted(),
                ev.ClaimVerdictSet(
                    rating=number % 5, rating_name="mostly true", explanation="Checked."
                ),
            ]
            appends.append(dataclasses.replace(recording, events=[*recording.events, *review]))
        append_many(appends=appends, metadata=metadata)
    return time.perf_counter() - started


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    events = EVENTS_QUICK if quick else EVENTS
    fill_seconds = fill(events)
    assert head_position() == events
    samples = []
    for _ in range(REBUILDS_QUICK if quick else REBUILDS):
        started = time.perf_counter()
        projections_rebuild(check=False)
        samples.append(time.perf_counter() - started)
    check_started = time.perf_counter()
    differences = projections_rebuild(check=True)
    check_seconds = time.perf_counter() - check_started
    rebuild = figure(
        key="rebuild_projections",
        name=f"rebuild_projections over {events:,} events",
        samples=samples,
        unit="s",
        target=f"< {TARGET_SECONDS:.0f} s at 1,000,000 events",
        note="lower is better",
    )
    if not quick:
        rebuild["met"] = rebuild["value"] < TARGET_SECONDS
    return {
        "sizes": {"events": events, "claims": events // EVENTS_PER_CLAIM},
        "fill_seconds": round(fill_seconds, 1),
        "fill_events_per_second": round(events / fill_seconds),
        "check_seconds": round(check_seconds, 1),
        "rebuilt_equals_incremental": differences == [],
        "figures": [
            rebuild,
            figure(
                key="rebuild_events_per_second",
                name="rebuild_projections throughput",
                samples=[events / seconds for seconds in samples],
                unit="events/s",
            ),
        ],
    }
