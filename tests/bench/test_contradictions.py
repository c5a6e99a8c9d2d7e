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
    assert all(set(item) == {"p50", "p95"} for item in result["latency_ms"].values())
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

    texts = {f"c{n:07d}": text for n, text in enumerate(bench.make_claims(150))}
    features = {key: features_extract(text=text) for key, text in texts.items()}
    # when
    result = bench.database_latency(features, texts, [100, 150], random.Random(1), isolated=False)
    # then every size was measured and the probes were indexed next to the stored claims
    assert set(result) == {100, 150}
    assert all(set(item) == {"p50", "p95", "contradictions_per_check"} for item in result.values())
    assert ClaimFeatureRow.objects.count() == 150 + 2 * bench.PROBES
