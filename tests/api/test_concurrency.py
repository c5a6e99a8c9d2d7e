"""Concurrent API requests on PostgreSQL: retries racing each other, reviewers racing each other."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from ledger.claims import ClaimStatus
from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_create
from tests.api.conftest import event_count
from tests.threads import race

ROUNDS = 5


@pytest.mark.postgres
@pytest.mark.usefixtures("ledger_transactional_db")
def test_two_copies_of_a_request_racing_append_once(people, claim_in):
    # given
    _, token = api_key_create(
        actor=actor_for_user(user=people["rita"]), name="k", scopes=["read", "review"]
    )
    for round_number in range(ROUNDS):
        claim = claim_in(ClaimStatus.IN_REVIEW)
        before = event_count()

        def send(claim_id: str = claim.claim_id, key: str = f"race-{round_number}") -> Any:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
            return client.post(
                f"/api/v1/claims/{claim_id}/comment/",
                {"body": "same comment"},
                format="json",
                HTTP_IF_MATCH='"4"',
                HTTP_IDEMPOTENCY_KEY=key,
            )

        # when
        first, second = race([send, send])

        # then both get the one response, and one event was appended
        assert (first.status_code, second.status_code) == (200, 200)
        assert first.json() == second.json()
        assert event_count() == before + 1
        assert sorted(r.has_header("Idempotent-Replayed") for r in (first, second)) == [
            False,
            True,
        ]


@pytest.mark.postgres
@pytest.mark.usefixtures("ledger_transactional_db")
def test_two_reviewers_acting_on_one_version_one_wins_one_gets_409(people, claim_in):
    _, rita = api_key_create(
        actor=actor_for_user(user=people["rita"]), name="r", scopes=["read", "review"]
    )
    _, ed = api_key_create(
        actor=actor_for_user(user=people["ed"]), name="e", scopes=["read", "review"]
    )
    for _ in range(ROUNDS):
        claim = claim_in(ClaimStatus.IN_REVIEW)
        before = event_count()

        def act(token: str, claim_id: str = claim.claim_id) -> Any:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
            return client.post(
                f"/api/v1/claims/{claim_id}/comment/",
                {"body": f"from {token[:8]}"},
                format="json",
                HTTP_IF_MATCH='"4"',
            )

        results = race([lambda: act(rita), lambda: act(ed)])

        assert sorted(r.status_code for r in results) == [200, 409]
        loser = next(r for r in results if r.status_code == 409)
        assert loser.json()["current_version"] == 5
        assert event_count() == before + 1
