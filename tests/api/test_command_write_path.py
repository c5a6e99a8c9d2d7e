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
from tests.statements import Statements, appends_counted, statements_counted

LONG_HISTORY = 3000

# Every statement of one API command without Idempotency-Key, by what it does: the API key read
# with its user's organisation and roles (one query); the append's transaction (a savepoint
# here: the test's transaction turns BEGIN/COMMIT into one); under the lock the stream and
# ledger heads with the claim list row in one statement (PostgreSQL: with the lock itself,
# ``ledger_read_locked``; SQLite's write lock is the transaction's); the event and the row's
# upsert (one statement on PostgreSQL, each table's INSERT a part of it); the release. No
# savepoint of the API's, no visibility read before the lock, no read of the row for the answer.
# On the wire a request adds BEGIN and COMMIT instead of the savepoint (bench/api_commands.py).
COMMAND_STATEMENTS = {
    "sqlite": ["key", "begin", "heads and row", "write", "write", "commit"],
    "postgresql": ["key", "begin", "lock, heads and row", "write", "commit"],
}
# An assignment also reads the assignee's roles (they must review or edit), before the append's
# transaction: the lock is not held for it (workflow.CommandSpec.users_read).
ASSIGN_EXTRA = "user roles"
# With an Idempotency-Key: the key's reservation (one INSERT ... ON CONFLICT DO NOTHING) inside
# the request's transaction, so the append's transaction is a savepoint in it, and the stored
# response's UPDATE after the append.
KEYED_STATEMENTS = {
    "sqlite": [
        "key", "begin", "reserve", "begin", "heads and row", "write", "write", "commit",
        "store response", "commit",
    ],
    "postgresql": [
        "key", "begin", "reserve", "begin", "lock, heads and row", "write", "commit",
        "store response", "commit",
    ],
}  # fmt: skip

pytestmark = pytest.mark.django_db


def _kind(sql: str) -> str:
    """What one statement of a command does (the names of COMMAND_STATEMENTS)."""
    kinds = [
        ('SELECT k."id", k."prefix"', "key"),  # reviews.selectors._api_key_sql
        ("SAVEPOINT", "begin"),
        ("RELEASE SAVEPOINT", "commit"),
        ("SELECT * FROM ledger_read_locked", "lock, heads and row"),
        ("SELECT last.stream_id", "heads and row"),
        ('INSERT INTO "reviews_apiidempotentrequest"', "reserve"),
        ('UPDATE "reviews_apiidempotentrequest"', "store response"),
        ('INSERT INTO "ledger_', "write"),
        ('WITH w0 AS (INSERT INTO "ledger_', "write"),
        ('SELECT g."name", u."is_superuser"', "user roles"),  # _active_user_groups_sql
    ]
    return next((kind for prefix, kind in kinds if sql.startswith(prefix)), sql)


def _kinds(statements: Statements) -> list[str]:
    return [_kind(sql) for sql in statements.sent]


def _texts(statements: Statements) -> list[str]:
    """The SQL each statement runs: for ``ledger_read_locked``, the query it is given to run."""
    return [
        params[1] if sql.startswith("SELECT * FROM ledger_read_locked") else sql
        for sql, params in zip(statements.sent, statements.params, strict=True)
    ]


def _commanded(
    client, claim_id: str, version: int, action: str, body: dict[str, str], **headers: str
):
    return client.post(
        f"/api/v1/claims/{claim_id}/{action}/",
        body,
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
        **headers,
    )


def _commented(client, claim_id: str, version: int, **headers: str):
    return _commanded(
        client, claim_id, version, "comment", {"body": "checked against the record"}, **headers
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
    assert _kinds(on_fresh) == _kinds(on_long) == COMMAND_STATEMENTS[connection.vendor]
    touching_events = [sql for sql in _texts(on_long) if "ledger_event" in sql]
    assert len(touching_events) == 2
    assert "ORDER BY version DESC LIMIT 1" in touching_events[0]
    assert 'INSERT INTO "ledger_event"' in touching_events[1]


def test_a_stale_if_match_is_refused_and_appends_nothing(client_for, claim_in, monkeypatch):
    # given a claim at version 1
    claim = claim_in(assignee="")
    appends = appends_counted(monkeypatch)

    # when a command names another version / then 409, and nothing was planned or written
    response = _commented(client_for("pat"), claim.claim_id, 5)
    assert response.status_code == 409, response.content
    assert appends == []


def test_an_assignment_adds_only_the_read_of_the_assignees_roles(client_for, claim_in, monkeypatch):
    # given a pending claim and a client that has used its key once
    claim = claim_in(assignee="")
    client = client_for("ed")
    assert client.get(f"/api/v1/claims/{claim.claim_id}/").status_code == 200

    # when it is assigned through the API (the command make bench times)
    with statements_counted(monkeypatch) as statements:
        response = _commanded(client, claim.claim_id, 1, "assign", {"assignee": "rita"})

    # then the command's statements plus the assignee's roles, read before the lock
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == "rita"
    expected = list(COMMAND_STATEMENTS[connection.vendor])
    expected.insert(expected.index("begin"), ASSIGN_EXTRA)
    assert _kinds(statements) == expected


def test_a_keyed_command_reserves_its_key_in_one_statement(client_for, claim_in, monkeypatch):
    # given a claim and a client that has used its key once
    claim = claim_in(assignee="")
    client = client_for("pat")
    assert client.get(f"/api/v1/claims/{claim.claim_id}/").status_code == 200

    # when a command is sent with an Idempotency-Key, then sent again
    key = {"HTTP_IDEMPOTENCY_KEY": "comment-once"}
    with statements_counted(monkeypatch) as first:
        response = _commented(client, claim.claim_id, 1, **key)
    with statements_counted(monkeypatch) as again:
        replayed = _commented(client, claim.claim_id, 1, **key)

    # then the first is the command inside its reservation; the repeat finds the key taken
    # (the reservation inserts nothing), reads the stored answer and appends nothing
    assert response.status_code == replayed.status_code == 200
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json() == response.json()
    assert _kinds(first) == KEYED_STATEMENTS[connection.vendor]
    assert _kinds(again)[:3] == ["key", "begin", "reserve"]
    assert len(again) == 5  # and the read of the stored response, then the commit
