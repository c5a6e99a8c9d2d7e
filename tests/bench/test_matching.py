"""Smoke test of the matching benchmark: its parts run through the follower task and count
what they did. No timing is asserted (speed belongs in ``make bench``); sizes are tiny."""

import random

import pytest

from bench import matching as bench
from ledger.models import MatchView

pytestmark = pytest.mark.django_db


def test_latency_probes_run_the_matching_task_and_repeats_are_suggested():
    # given a few hundred synthetic claims in the candidate index
    stored = bench._store(300)
    # when ten claims are recorded and matched one at a time, every other one a repeat
    result = bench.latency(stored, 10, random.Random(3))
    # then each probe was timed, and each repeat suggested with a stored claim (their ids are
    # uuid(int=1...)): five repeats, five suggestions at least, each of a probe and a stored one
    assert set(result) == {"probes", "p50", "p95", "suggestions"}
    assert result["probes"] == 10
    assert result["suggestions"] == MatchView.objects.count() >= 5
    for row in MatchView.objects.all():
        stored_side = [claim.int <= 300 for claim in (row.claim_a, row.claim_b)]
        assert sorted(stored_side) == [False, True]


def test_ingest_pairs_suggest_every_repeated_claim_of_the_seed_article():
    result = bench.ingest_pairs(1)
    assert len(result["off"]) == len(result["on"]) == 1
    assert set(result["parts_median_seconds"]) == {"ingest", "contradictions", "matching"}
    # each ingest after the first repeats the seed's claims: each one is suggested once
    assert result["claims_per_ingest"] > 50
    assert result["suggestions_per_ingest"] == result["claims_per_ingest"]
