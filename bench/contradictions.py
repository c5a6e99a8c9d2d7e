"""Benchmark of contradiction checking: latency of one check at 1k/10k/100k stored claims, and
sweep throughput. ``run(quick=True)`` stops at 10k claims.

Synthetic claims are made from a fixed vocabulary with a seeded random generator (made-up
entity names, news verbs, numbers, years), so the index has a realistic spread of common and
rare keys. ``latency_ms`` is measured on the in-memory index plus the detectors;
``db_latency_ms`` indexes and checks each new claim through the configured database engine (a
throw-away test database: set DATABASE_URL to PostgreSQL to measure the real candidate query).

    DATABASE_URL=postgres://... PYTHONPATH=. python bench/contradictions.py [--quick]
        [--sizes 1000,10000] [--no-database]
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

from bench._load import latency_shares

SYLLABLES = ["ka", "lo", "ven", "dra", "mir", "tes", "bal", "or", "un", "sha", "pel", "gor", "ri"]


def _names(count: int, rng: random.Random, *, words: int) -> list[str]:
    """Distinct capitalised made-up names (no digits: "Place12" would read as a number)."""
    names: set[str] = set()
    while len(names) < count:
        parts = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            for _ in range(words)
        ]
        names.add(" ".join(parts))
    return sorted(names)


_NAMES_RNG = random.Random(7)
ENTITIES = _names(400, _NAMES_RNG, words=1) + _names(1600, _NAMES_RNG, words=2)
VERBS = {  # past tense -> base form
    "signed": "sign",
    "ratified": "ratify",
    "approved": "approve",
    "rejected": "reject",
    "denied": "deny",
    "confirmed": "confirm",
    "launched": "launch",
    "reported": "report",
    "killed": "kill",
    "won": "win",
    "lost": "lose",
}
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


COMMON_COUNTRY = "Iran"
COMMON_SHARE = 1 / 3  # of the claims name the same country (the skew of a news ledger)


def _claim_pair(rng: random.Random) -> tuple[str, str]:
    """A synthetic claim and a claim contradicting it (the same statement denied or asserted,
    or the same toll given another number)."""
    subject = rng.choice(ENTITIES)
    other = rng.choice(ENTITIES)
    if rng.random() < COMMON_SHARE:
        if rng.random() < 0.5:
            subject = COMMON_COUNTRY
        else:
            other = COMMON_COUNTRY
    verb = rng.choice(sorted(VERBS))
    noun = rng.choice(NOUNS)
    shape = rng.random()
    if shape < 0.3:
        year = rng.randint(1950, 2024)
        return (
            f"{subject} {verb} the {noun} with {other} in {year}.",
            f"{subject} did not {VERBS[verb]} the {noun} with {other} in {year}.",
        )
    if shape < 0.6:
        # Two sources giving one toll differently: the pair shares no name but the place.
        toll = rng.randint(2, 900)
        return (
            f"The {noun} in {subject} {verb} {toll} people, {other} said.",
            f"The {noun} in {subject} {verb} {toll * 3 + 50} people, {rng.choice(ENTITIES)} said.",
        )
    if shape < 0.8:
        adjective = rng.choice(ADJECTIVES)
        return (
            f"{subject} gave {adjective} support to the {noun} of {other}.",
            f"{subject} did not give {adjective} support to the {noun} of {other}.",
        )
    return (
        f"{subject} did not {VERBS[verb]} the {noun} backed by {other}.",
        f"{subject} {verb} the {noun} backed by {other}.",
    )


def _claim(rng: random.Random) -> str:
    return _claim_pair(rng)[0]


PROBES = 200  # new claims timed per size
RECALL_TARGET = 0.98


def contradiction_probes(
    features: dict[str, Any], contradicting: dict[str, str], size: int, rng: random.Random
) -> list[tuple[str, str, bool]]:
    """``PROBES`` new claims, each contradicting a stored claim among the first ``size``:
    (the stored claim's id, the new claim's text, whether the scorer flags the two).

    Recall counts only the pairs the scorer flags when it compares them: those are the true
    contradicting pairs, and the question is whether blocking lets them reach the scorer.
    """
    from reviews.contradictions.features import features_extract
    from reviews.contradictions.scoring import pair_score

    ids = list(features)[:size]
    targets = [ids[rng.randrange(len(ids))] for _ in range(PROBES)]
    return [
        (
            target,
            contradicting[target],
            pair_score(
                features_extract(text=contradicting[target]), features[target]
            ).contradiction,
        )
        for target in targets
    ]


def _recall(hits: int, pairs: int) -> float | None:
    return round(hits / pairs, 4) if pairs else None


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the sweep's forked workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def database_latency(
    features: dict[str, Any],
    texts: dict[str, str],
    contradicting: dict[str, str],
    sizes: list[int],
    rng: random.Random,
    *,
    isolated: bool = True,
) -> dict[int, dict[str, Any]]:
    """p50/p95 of indexing and checking one new claim through the real database lookup, and
    the candidate recall of those checks: each new claim contradicts a stored one
    (``contradiction_probes``), and a true pair is recalled when the check flags it.

    With ``isolated`` (the default) it runs in a throw-away test database (``test_<NAME>``,
    created and dropped here), never in the configured one, so a real ledger's index tables are
    not touched; tests pass ``isolated=False`` inside their own test database.
    """
    import uuid

    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from reviews.contradictions.flagging import contradiction_find
    from reviews.contradictions.indexing import contradiction_index_claim

    old_config = setup_databases(verbosity=0, interactive=False) if isolated else None
    results: dict[int, dict[str, Any]] = {}
    try:
        stored = 0
        ids = list(features)
        counts: dict[str, int] = {}
        for size in sizes:
            index_stored(
                [
                    (uuid.UUID(int=int(claim_id[1:]) + 1), texts[claim_id], features[claim_id])
                    for claim_id in ids[stored:size]
                ],
                counts,
            )
            stored = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            timings = []
            found = pairs = hits = 0
            for target, text, true_pair in contradiction_probes(features, contradicting, size, rng):
                claim_id = str(uuid.uuid4())
                began = time.perf_counter()
                contradiction_index_claim(claim_id=claim_id, text=text, position=0, antecedent="")
                flagged = {other for other, _ in contradiction_find(claim_id=claim_id)}
                timings.append((time.perf_counter() - began) * 1000)
                found += len(flagged)
                pairs += true_pair
                hits += true_pair and str(uuid.UUID(int=int(target[1:]) + 1)) in flagged
            results[size] = {
                **latency_shares(timings),
                "contradictions_per_check": round(found / PROBES, 2),
                "true_pairs": pairs,
                "candidate_recall": _recall(hits, pairs),
            }
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)
    return results


def index_stored(claims: list[tuple[Any, str, Any]], counts: dict[str, int]) -> None:
    """Store claims (id, text, features) in the contradiction index's tables in bulk, as the
    consumer would have indexed them one by one; ``counts`` (key -> claims, updated here) are
    the counts of the claims stored before, written again whole."""
    from reviews.contradictions.candidates import blocking_keys
    from reviews.contradictions.models import BlockingKey, ClaimFeatureRow, KeyCount

    rows: list[Any] = []
    postings: list[Any] = []
    for claim_id, text, claim_features in claims:
        keys = blocking_keys(claim_features)
        rows.append(
            ClaimFeatureRow(
                claim_id=claim_id,
                text=text,
                features=claim_features.to_json(),
                keys=sorted(keys),
                last_position=0,
            )
        )
        postings.extend(BlockingKey(key=k, claim_id=claim_id, weight=w) for k, w in keys.items())
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    ClaimFeatureRow.objects.bulk_create(rows, batch_size=2000)
    BlockingKey.objects.bulk_create(postings, batch_size=10000)
    KeyCount.objects.all().delete()
    KeyCount.objects.bulk_create(
        [KeyCount(key=key, claims=n) for key, n in counts.items()], batch_size=10000
    )


def make_claims(count: int, *, seed: int = 20240601) -> list[str]:
    """``count`` synthetic claim texts (the bench's generator, for tests)."""
    rng = random.Random(seed)
    return [_claim(rng) for _ in range(count)]


def run(*, quick: bool, sizes: list[int] | None = None, database: bool = True) -> dict[str, Any]:
    """Measure; returns ``{"sizes", "latency_ms", "db_latency_ms", "sweep", "database"}``.

    ``latency_ms``: one check on the in-memory index (features + candidates + detectors), by
    stored claims. ``db_latency_ms``: one claim indexed and checked through the database
    (``contradiction_index_claim`` + ``contradiction_find``: index writes, the candidate
    query, the feature rows read, the detectors; the flag appends are not timed, the synthetic
    claims contradict far more often than real ones), by stored claims; empty with
    ``database=False``. ``sweep``: every claim of the largest size checked against its
    candidates (feature extraction included), wall ``seconds`` from the start of the run
    (``features_seconds`` of them until the last features were extracted and indexed, the
    smaller sizes' latency probes included) and ``cpu_seconds`` (all processes: on a
    shared machine the wall time depends on the load, the CPU time much less), and the
    ``contradictions`` found.
    ``sizes`` overrides the default 1k/10k/100k
    (10k at most with ``quick``).
    """
    import django

    django.setup()
    from django.db import connection

    from reviews.contradictions.candidates import MemoryIndex, blocking_keys, keys_within_budget
    from reviews.contradictions.features import features_extract
    from reviews.contradictions.scoring import pair_score
    from reviews.contradictions.sweep import (
        contradictions_sweep_memory,
        features_extract_many,
        sweep_workers,
    )

    rng = random.Random(20240601)
    if sizes is None:
        sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    results: dict[str, Any] = {
        "sizes": sizes,
        "database": connection.vendor,
        "latency_ms": {},
        "db_latency_ms": {},
    }
    index = MemoryIndex()
    features: dict[str, Any] = {}
    texts: dict[str, str] = {}
    contradicting: dict[str, str] = {}
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    for size in sizes:
        pairs = {f"c{number:07d}": _claim_pair(rng) for number in range(len(features), size)}
        batch = {claim_id: pair[0] for claim_id, pair in pairs.items()}
        contradicting.update((claim_id, pair[1]) for claim_id, pair in pairs.items())
        texts.update(batch)
        for claim_id, claim_features in features_extract_many(texts=batch).items():
            features[claim_id] = claim_features
            index.add(claim_id, blocking_keys(claim_features))
        if size == sizes[-1]:
            extracted = time.perf_counter() - started
            swept = contradictions_sweep_memory(index=index, features=features)
            elapsed = time.perf_counter() - started
            results["sweep"] = {
                "claims": size,
                "workers": sweep_workers(),
                "seconds": round(elapsed, 2),
                "features_seconds": round(extracted, 2),
                "cpu_seconds": round(_cpu_seconds() - cpu_started, 2),
                "claims_per_second": round(size / elapsed),
                "pairs_compared": swept.pairs_compared,
                "contradictions": len(swept.contradictions),
            }
        timings = []
        true_pairs = hits = keys_total = keys_unread = 0
        probes = contradiction_probes(features, contradicting, size, rng)
        for probe, (target, text, true_pair) in enumerate(probes):
            began = time.perf_counter()
            probe_features = features_extract(text=text)
            probe_id = f"p{size}-{probe}"
            index.add(probe_id, blocking_keys(probe_features))
            candidates = index.candidates(probe_id)
            for other in candidates:
                if other in features:  # earlier probes are in the index too
                    pair_score(probe_features, features[other])
            timings.append((time.perf_counter() - began) * 1000)
            true_pairs += true_pair
            hits += true_pair and target in candidates
            keys = index.weights[probe_id]
            keys_total += len(keys)
            keys_unread += len(keys) - len(
                keys_within_budget({key: len(index.postings[key]) for key in keys})
            )
        results["latency_ms"][size] = {
            **latency_shares(timings),
            "true_pairs": true_pairs,
            "candidate_recall": _recall(hits, true_pairs),
            "keys_per_check": round(keys_total / PROBES, 2),
            "keys_unread_per_check": round(keys_unread / PROBES, 2),
        }
    if database:
        results["db_latency_ms"] = database_latency(features, texts, contradicting, sizes, rng)
    results["figures"] = _figures(results)
    return results


def _figures(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's rows for ``python -m bench``; the targets apply at 100,000 stored claims."""
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
        rows.append(_recall_figure("memory", size, latency))
    for size, latency in results["db_latency_ms"].items():
        at_scale = size >= 100_000
        rows.append(
            figure(
                key=f"contradiction_db_check_p95_{size}",
                name=f"contradiction check through {results['database']}, p95, "
                f"{size:,} stored claims",
                samples=[latency["p95"]],
                unit="ms",
                target="< 50 ms" if at_scale else None,
                met=latency["p95"] < 50 if at_scale else None,
                note="index writes, candidate query, feature rows, detectors",
            )
        )
        rows.append(_recall_figure(results["database"], size, latency))
    sweep = results["sweep"]
    rows.append(
        figure(
            key="contradiction_sweep_claims_per_second",
            name=f"contradiction sweep, {sweep['claims']:,} claims",
            samples=[sweep["claims_per_second"]],
            unit="claims/s",
        )
    )
    at_scale = sweep["claims"] >= 100_000
    rows.append(
        figure(
            key="contradiction_sweep_seconds",
            name=f"contradiction sweep, {sweep['claims']:,} claims, wall time",
            samples=[sweep["seconds"]],
            unit="s",
            target="< 120 s" if at_scale else None,
            met=sweep["seconds"] < 120 if at_scale else None,
        )
    )
    return rows


def _recall_figure(where: str, size: int, latency: dict[str, Any]) -> dict[str, Any]:
    from bench.common import figure

    recall = latency["candidate_recall"]
    at_scale = size >= 100_000 and recall is not None
    return figure(
        key=f"contradiction_candidate_recall_{where}_{size}",
        name=f"candidate recall ({where}), {size:,} stored claims, a third naming {COMMON_COUNTRY}",
        samples=[recall if recall is not None else 0.0],
        unit="share",
        target=f">= {RECALL_TARGET}" if at_scale else None,
        met=recall >= RECALL_TARGET if at_scale else None,
        note=f"{latency['true_pairs']} true contradicting pairs reaching the scorer or not",
    )


if __name__ == "__main__":
    import argparse
    import json

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 claims")
    parser.add_argument("--sizes", help="comma-separated claim counts, e.g. 1000,10000")
    parser.add_argument("--no-database", action="store_true", help="skip the database latency")
    arguments = parser.parse_args()
    chosen = [int(item) for item in arguments.sizes.split(",")] if arguments.sizes else None
    print(
        json.dumps(
            run(quick=arguments.quick, sizes=chosen, database=not arguments.no_database),
            indent=2,
        )
    )
