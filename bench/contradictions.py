"""Benchmark of contradiction checking: latency of one check at 1k/10k/100k stored claims, and
sweep throughput. ``run(quick=True)`` stops at 10k claims.

Synthetic claims are made from a fixed vocabulary with a seeded random generator (entities, news
verbs, numbers, years), so the index has a realistic spread of common and rare keys. Latency is
measured on the in-memory index plus the detectors (the work a check does after reading its
candidates' feature rows); the database read of ~200 feature rows comes on top.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

ENTITIES = [f"Place{n}" for n in range(400)] + [f"Person{n} Surname{n}" for n in range(1600)]
VERBS = [
    "signed",
    "ratified",
    "approved",
    "rejected",
    "denied",
    "confirmed",
    "launched",
    "reported",
    "killed",
    "won",
    "lost",
]
NOUNS = [
    "treaty",
    "budget",
    "attack",
    "election",
    "contract",
    "deal",
    "law",
    "strike",
    "vote",
    "report",
    "bill",
    "plan",
]
ADJECTIVES = [
    "unwavering",
    "silent",
    "genuine",
    "transactional",
    "complex",
    "resounding",
    "new",
    "large",
]


def _claim(rng: random.Random) -> str:
    subject = rng.choice(ENTITIES)
    other = rng.choice(ENTITIES)
    verb = rng.choice(VERBS)
    noun = rng.choice(NOUNS)
    shape = rng.random()
    if shape < 0.3:
        return f"{subject} {verb} the {noun} with {other} in {rng.randint(1950, 2024)}."
    if shape < 0.6:
        return f"The {noun} in {subject} {verb} {rng.randint(2, 900)} people, {other} said."
    if shape < 0.8:
        return f"{subject} gave {rng.choice(ADJECTIVES)} support to the {noun} of {other}."
    return f"{subject} did not {verb.rstrip('ed')} the {noun} backed by {other}."


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(*, quick: bool) -> dict[str, Any]:
    import django

    django.setup()
    from reviews.contradictions.candidates import MemoryIndex, blocking_keys
    from reviews.contradictions.features import features_extract
    from reviews.contradictions.scoring import pair_score

    rng = random.Random(20240601)
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    results: dict[str, Any] = {"latency_ms": {}}
    index = MemoryIndex()
    features: dict[str, Any] = {}
    started = time.perf_counter()
    compared = 0
    for size in sizes:
        while len(features) < size:
            claim_id = f"c{len(features):07d}"
            features[claim_id] = features_extract(text=_claim(rng))
            index.add(claim_id, blocking_keys(features[claim_id]))
        if size == sizes[-1]:
            # a sweep: every claim checked against its candidates
            for claim_id in features:
                for other in index.candidates(claim_id):
                    if other > claim_id and other in features:
                        pair_score(features[claim_id], features[other])
                        compared += 1
            elapsed = time.perf_counter() - started
            results["sweep"] = {
                "claims": size,
                "seconds": round(elapsed, 2),
                "claims_per_second": round(size / elapsed),
                "pairs_compared": compared,
            }
        timings = []
        for probe in range(200):
            text = _claim(rng)
            began = time.perf_counter()
            probe_features = features_extract(text=text)
            probe_id = f"p{size}-{probe}"
            index.add(probe_id, blocking_keys(probe_features))
            for other in index.candidates(probe_id):
                if other in features:  # earlier probes are in the index too
                    pair_score(probe_features, features[other])
            timings.append((time.perf_counter() - began) * 1000)
        results["latency_ms"][size] = {
            "p50": round(statistics.median(timings), 2),
            "p95": round(_percentile(timings, 0.95), 2),
        }
    results["figures"] = _figures(results)
    return results


def _figures(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's rows for ``python -m bench`` (one measurement each; no targets)."""
    from bench.common import figure

    rows = []
    for size, latency in results["latency_ms"].items():
        for share in ("p50", "p95"):
            rows.append(
                figure(
                    key=f"contradiction_check_{share}_{size}",
                    name=f"contradiction check of one new claim, {share}, {size:,} stored claims",
                    samples=[latency[share]],
                    unit="ms",
                    note="in-memory index and detectors; the feature-row read comes on top",
                )
            )
    sweep = results["sweep"]
    rows.append(
        figure(
            key="contradiction_sweep_claims_per_second",
            name=f"contradiction sweep, {sweep['claims']:,} claims",
            samples=[sweep["claims_per_second"]],
            unit="claims/s",
        )
    )
    return rows


if __name__ == "__main__":
    import json
    import os
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
