"""The benchmark harness: discovery order and ratios against baselines (no timing here)."""

from typing import Any

from bench.__main__ import _attach_ratios, _modules
from bench._load import percentile
from bench.common import figure
from bench.contradictions import _figures as contradiction_figures


def test_baselines_run_first_and_every_module_with_run_is_found():
    # when
    names = _modules(None)

    # then
    assert names[0] == "baselines"
    assert {
        "commands",
        "ingest",
        "projections",
        "api",
        "api_commands",
        "exports",
        "contradictions",
    } <= set(names)
    assert not {"common", "_server", "_load", "_wire", "_settings", "_urls"} & set(names)


def test_only_keeps_the_baselines():
    assert _modules(["ingest"]) == ["baselines", "ingest"]


def test_a_figure_is_divided_by_its_baseline_and_checked_against_its_target():
    # given
    results: dict[str, dict[str, Any]] = {
        "baselines": {
            "figures": [figure(key="raw", name="raw", samples=[90, 100, 300], unit="/s")]
        },
        "ingest": {
            "figures": [
                figure(
                    key="ours",
                    name="ours",
                    samples=[20, 30, 40],
                    unit="/s",
                    baseline="raw",
                    target_ratio=0.2,
                ),
                figure(
                    key="slow",
                    name="slow",
                    samples=[10, 10],
                    unit="/s",
                    baseline="raw",
                    target_ratio=0.25,
                ),
            ]
        },
        "other": {"skipped": "not here"},
    }

    # when
    figures = _attach_ratios(results)

    # then
    by_key = {item["key"]: item for item in figures}
    assert by_key["ours"]["value"] == 30
    assert by_key["ours"]["baseline_value"] == 100
    assert by_key["ours"]["paired_ratios"] == [20 / 90, 30 / 100, 40 / 300]
    # alternating samples: the median of the pairs' ratios, not the ratio of the medians
    assert by_key["ours"]["ratio"] == 20 / 90
    assert by_key["ours"]["ratio_of_medians"] == 0.3
    assert by_key["ours"]["met"] is True
    assert "paired_ratios" not in by_key["slow"]  # not one sample per baseline sample
    assert by_key["slow"]["ratio"] == 0.1
    assert by_key["slow"]["met"] is False
    assert "ratio" not in by_key["raw"]


def test_percentiles_are_nearest_rank():
    # given
    values = [float(n) for n in range(100, 0, -1)]

    # then
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.95) == 7.0


def test_contradiction_results_become_table_figures():
    # given
    recall = {"true_pairs": 140, "candidate_recall": 0.99}
    results = {
        "database": "postgresql",
        "latency_ms": {1000: {"p50": 0.5, "p95": 1.5, **recall}},
        "db_latency_ms": {100_000: {"p50": 20.0, "p95": 51.0, **recall}},
        "sweep": {"claims": 100_000, "seconds": 119.0, "claims_per_second": 840},
    }

    # when
    figures = {item["key"]: item for item in contradiction_figures(results)}

    # then
    assert figures["contradiction_check_p50_1000"]["value"] == 0.5
    assert figures["contradiction_check_p95_1000"]["value"] == 1.5
    assert figures["contradiction_sweep_claims_per_second"]["value"] == 840
    assert figures["contradiction_sweep_claims_per_second"]["unit"] == "claims/s"
    # and the targets apply at 100,000 claims only
    assert figures["contradiction_candidate_recall_memory_1000"]["met"] is None
    assert figures["contradiction_candidate_recall_postgresql_100000"]["value"] == 0.99
    assert figures["contradiction_candidate_recall_postgresql_100000"]["met"] is True
    assert figures["contradiction_db_check_p95_100000"]["met"] is False
    assert figures["contradiction_sweep_seconds"]["met"] is True
