"""Smoke test of the contradiction benchmark: it runs and returns its documented keys.

No timing is asserted (speed belongs in ``make bench``); sizes are tiny so it runs in seconds.
"""

import random

import pytest

from bench import contradictions as bench

pytestmark = pytest.mark.django_db


def test_run_quick_returns_the_documented_keys():
    result = bench.run(quick=True, sizes=[200, 400], database=False)
    assert set(result) == {"sizes", "database", "latency_ms", "db_latency_ms", "sweep", "figures"}
    assert result["sizes"] == [200, 400]
    assert set(result["latency_ms"]) == {200, 400}
    assert all(
        set(item)
        == {
            "p50",
            "p95",
            "true_pairs",
            "candidate_recall",
            "keys_per_check",
            "keys_unread_per_check",
        }
        for item in result["latency_ms"].values()
    )
    assert all(item["true_pairs"] > 0 for item in result["latency_ms"].values())
    assert result["db_latency_ms"] == {}
    assert set(result["sweep"]) == {
        "claims",
        "workers",
        "seconds",
        "cpu_seconds",
        "claims_per_second",
        "pairs_compared",
        "features_seconds",
        "contradictions",
    }
    assert result["sweep"]["claims"] == 400
    assert result["sweep"]["pairs_compared"] > 0


def test_database_latency_checks_through_the_index_tables():
    # given the bench's synthetic claims, measured inside this test's own database
    from reviews.contradictions.features import features_extract
    from reviews.contradictions.models import ClaimFeatureRow

    rng = random.Random(1)
    pairs = {f"c{n:07d}": bench._claim_pair(rng) for n in range(150)}
    texts = {key: pair[0] for key, pair in pairs.items()}
    contradicting = {key: pair[1] for key, pair in pairs.items()}
    features = {key: features_extract(text=text) for key, text in texts.items()}
    # when
    result = bench.database_latency(
        features, texts, contradicting, [100, 150], random.Random(1), isolated=False
    )
    # then every size was measured, the probes were indexed next to the stored claims, and
    # every true contradicting pair reached the scorer
    assert set(result) == {100, 150}
    assert all(
        set(item) == {"p50", "p95", "contradictions_per_check", "true_pairs", "candidate_recall"}
        for item in result.values()
    )
    assert all(item["true_pairs"] > 0 for item in result.values())
    assert [item["candidate_recall"] for item in result.values()] == [1.0, 1.0]
    assert ClaimFeatureRow.objects.count() == 150 + 2 * bench.PROBES
