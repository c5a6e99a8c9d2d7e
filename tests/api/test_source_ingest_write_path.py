"""``POST /api/v1/sources/`` ingests through the bulk path: one append, fixed statements."""

from __future__ import annotations

import pathlib

import pytest
from django.db import connection

from ledger.models import ClaimView, Event
from tests.statements import appends_counted, statements_counted

SEED = (
    pathlib.Path(__file__).resolve().parents[2] / "fixtures/iran-palestine-article.txt"
).read_bytes()
SEED_CLAIMS = 86
# The ingest's INGEST_STATEMENTS (tests/ledger/test_ingest_write_path.py) plus the request's
# own: the API key read with its roles (one query) and its last use, and the view's read of the
# stored source. Without an Idempotency-Key there is no transaction (and so no savepoint)
# around the ingest's own.
REQUEST_STATEMENTS = {"sqlite": 14, "postgresql": 13}

pytestmark = pytest.mark.django_db


def test_posting_the_seed_records_it_in_one_append(client_for, monkeypatch):
    # given a publisher's client
    client = client_for("pat")
    appends = appends_counted(monkeypatch)

    # when the seed is posted
    with statements_counted(monkeypatch) as statements:
        response = client.post("/api/v1/sources/", SEED, content_type="text/plain")

    # then the source's event and every claim were one append, in a fixed number of statements
    assert response.status_code == 201, response.content
    assert len(response.json()["claims"]) == SEED_CLAIMS
    assert ClaimView.objects.count() == SEED_CLAIMS
    assert Event.objects.count() == SEED_CLAIMS + 1
    assert appends == [SEED_CLAIMS + 1]
    assert len(statements) == REQUEST_STATEMENTS[connection.vendor], statements.sent
