"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from ledger.db_guards import install_guards, remove_guards
from ledger.events import Metadata


@pytest.fixture
def metadata() -> Metadata:
    return Metadata(actor="user:tester", via="test")


@contextmanager
def append_only_guards_removed() -> Iterator[None]:
    """Drop the events table's triggers, as a database superuser could, then put them back."""
    remove_guards(connection)
    try:
        yield
    finally:
        install_guards(connection)


@pytest.fixture
def ledger_transactional_db(transactional_db: None) -> Iterator[None]:
    """A committed-transactions database whose events are cleared afterwards.

    The append-only triggers refuse the flush that ends a transactional test, so the events are
    removed with the triggers off first; truncating the then-empty table is allowed.
    """
    yield
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip PostgreSQL-only tests on SQLite and broker tests without a broker.

    ``make test`` runs the suite twice in CI (SQLite, then PostgreSQL with a Redis broker), so
    every test runs in one of the two passes.
    """
    from django.conf import settings

    on_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgresql:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "broker" in item.keywords and not settings.CELERY_BROKER_URL:
            item.add_marker(pytest.mark.skip(reason="needs a broker (set CELERY_BROKER_URL)"))
