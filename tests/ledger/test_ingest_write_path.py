"""Ingesting through the ``ingest`` command takes the bulk path: one append, fixed statements.

A return to one append per claim, or to one read of the source per claim, fails here.
"""

from __future__ import annotations

import pathlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from ledger.models import ClaimView, Event
from tests.statements import Statements, appends_counted, statements_counted

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "fixtures"
SEED_PATH = FIXTURES / "iran-palestine-article.txt"
SEED_CLAIMS = 86
# The ingest's savepoint, the source lookup and insert, then the append's own savepoint, the
# lock (PostgreSQL only) and the read of the stream heads, the events' and claim rows' writes
# (one COPY each on PostgreSQL, two INSERTs each on SQLite), and the two savepoint releases
# (the test's transaction turns ingest's BEGIN/COMMIT into a savepoint). The lock is taken
# once: the unique source row, not a lock, settles concurrent ingests of the same bytes.
INGEST_STATEMENTS = {"sqlite": 11, "postgresql": 10}
# Ingesting the same bytes again: the savepoint, the lookup, the source's stream and its
# claims' streams, the release; no lock.
REPEAT_STATEMENTS = 5

# The seed's 87 events and 86 claim rows take two INSERTs each on SQLite, one on a small article;
# on PostgreSQL a COPY each, where a small article's go as one statement (ledger.sql.send).
EXTRA_INSERT_BATCHES = {"sqlite": 2, "postgresql": 1}

pytestmark = pytest.mark.django_db


def _ingest(path: pathlib.Path, publisher: str = "demo-news") -> None:
    call_command("ingest", str(path), "--publisher", publisher, stdout=StringIO())


def _writes(statements: Statements) -> int:
    return sum(1 for sql in statements.sent if sql.startswith(("INSERT", "COPY", "WITH")))


def test_the_ingest_command_records_the_seed_in_one_append(monkeypatch):
    # given the seed article
    appends = appends_counted(monkeypatch)

    # when it is ingested through the command
    with statements_counted(monkeypatch) as statements:
        _ingest(SEED_PATH)

    # then the source's event and every claim were one append, in a fixed number of statements
    assert ClaimView.objects.count() == SEED_CLAIMS
    assert Event.objects.count() == SEED_CLAIMS + 1
    assert appends == [SEED_CLAIMS + 1]
    assert len(statements) == INGEST_STATEMENTS[connection.vendor], statements.sent


def test_statements_per_ingest_do_not_grow_with_the_claims(monkeypatch, tmp_path):
    # given an article with two claims
    small = tmp_path / "small.txt"
    small.write_text(
        "Iran's parliament approved the budget on 3 May 2024, officials said.\n\n"
        "Egypt's foreign ministry said on Tuesday that 12 aid trucks crossed into Gaza.\n"
    )
    appends = appends_counted(monkeypatch)

    # when it and the seed are ingested
    with statements_counted(monkeypatch) as for_small:
        _ingest(small)
    with statements_counted(monkeypatch) as for_seed:
        _ingest(SEED_PATH)

    # then one append each, and the seed's only extra statements are its writes' batches
    # (SQLite's limit of 999 parameters per statement; PostgreSQL COPYs each table once)
    assert appends == [3, SEED_CLAIMS + 1]
    assert len(for_small) - _writes(for_small) == len(for_seed) - _writes(for_seed)
    assert _writes(for_seed) - _writes(for_small) == EXTRA_INSERT_BATCHES[connection.vendor]


def test_ingesting_the_same_bytes_again_reads_its_claims_in_one_query(monkeypatch, settings):
    # given the seed, ingested once
    _ingest(SEED_PATH)
    appends = appends_counted(monkeypatch)

    # when it is ingested again
    with statements_counted(monkeypatch) as statements:
        _ingest(SEED_PATH)

    # then nothing is appended and the stored claims are read together, not one by one
    assert appends == []
    assert Event.objects.count() == SEED_CLAIMS + 1
    assert len(statements) == REPEAT_STATEMENTS, statements.sent
