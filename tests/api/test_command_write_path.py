"""An API command reads its claim once, whatever the claim's history, and writes one append.

The claim's state is the claim list row read under the append lock with the stream's version
(``ledger.services.claim_command``): a claim with 3,000 events costs the same statements as one
with a single event, and the claim's events are never read back.
"""

from __future__ import annotations

import pytest
from django.db import connection

from ledger import events as ev
from ledger.store import append
from tests.claims import SYSTEM
from tests.statements import appends_counted, statements_counted

LONG_HISTORY = 3000
# The API key read with its roles (one query); the claim's visibility check; the idempotency
# transaction's and the append's savepoints; under the lock (PostgreSQL: the lock itself) the
# stream and ledger heads and the claim list row; the event insert and the row upsert; the
# savepoints' releases. The response is the state the command returned: the row is not read again.
COMMAND_STATEMENTS = {"sqlite": 10, "postgresql": 11}

pytestmark = pytest.mark.django_db


def _commented(client, claim_id: str, version: int):
    return client.post(
        f"/api/v1/claims/{claim_id}/comment/",
        {"body": "checked against the record"},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )


def test_a_command_costs_the_same_statements_after_3000_events(client_for, claim_in, monkeypatch):
    # given a claim with one event and one with a history of 3,000
    fresh = claim_in(assignee="")
    long = claim_in(assignee="")
    append(
        stream_id=long.claim_id,
        stream_type=ev.StreamType.CLAIM,
        expected_version=1,
        events=[ev.ClaimCommented(body=f"note {n}") for n in range(LONG_HISTORY - 1)],
        metadata=SYSTEM,
    )
    client = client_for("pat")
    assert client.get(f"/api/v1/claims/{fresh.claim_id}/").status_code == 200  # the key's
    appends = appends_counted(monkeypatch)  # first use is recorded once, not on each request

    # when each is commented on through the API
    with statements_counted(monkeypatch) as on_fresh:
        fresh_response = _commented(client, fresh.claim_id, 1)
    with statements_counted(monkeypatch) as on_long:
        long_response = _commented(client, long.claim_id, LONG_HISTORY)

    # then both succeed with one append of one event, in the same statements, and neither reads
    # the claim's events (only the head probe and the insert touch the events table)
    assert (fresh_response.status_code, long_response.status_code) == (200, 200)
    assert fresh_response.json()["version"] == 2
    assert long_response.json()["version"] == LONG_HISTORY + 1
    assert appends == [1, 1]
    # and the answer, built from the state the command returned, is what a read now shows
    assert long_response.json() == client.get(f"/api/v1/claims/{long.claim_id}/").json()
    assert len(on_fresh) == len(on_long) == COMMAND_STATEMENTS[connection.vendor], on_long.sent
    touching_events = [sql for sql in on_long.sent if "ledger_event" in sql]
    assert len(touching_events) == 2
    assert "ORDER BY version DESC LIMIT 1" in touching_events[0]
    assert touching_events[1].startswith("INSERT INTO")


def test_a_stale_if_match_is_refused_and_appends_nothing(client_for, claim_in, monkeypatch):
    # given a claim at version 1
    claim = claim_in(assignee="")
    appends = appends_counted(monkeypatch)

    # when a command names another version / then 409, and nothing was planned or written
    response = _commented(client_for("pat"), claim.claim_id, 5)
    assert response.status_code == 409, response.content
    assert appends == []
