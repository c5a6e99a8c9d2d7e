"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection

from ledger.db_guards import (
    install_checkpoint_guards,
    install_guards,
    redactor_install,
    remove_checkpoint_guards,
    remove_guards,
)
from ledger.events import Metadata

# A superuser's connection URL for what the application role may not do (on PostgreSQL). The
# tests use its server and user with the test database's name; .ci/run sets it.
ADMIN_DATABASE_URL = "ADMIN_DATABASE_URL"


@contextmanager
def admin_cursor() -> Iterator[Any]:
    """A cursor on the test database as the administrator of ADMIN_DATABASE_URL (autocommit)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    url = os.environ.get(ADMIN_DATABASE_URL)
    if not url:
        pytest.skip(f"needs {ADMIN_DATABASE_URL} (a superuser on the test database's server)")
    dbname = connection.settings_dict["NAME"]
    with (
        psycopg.connect(make_conninfo(**{**conninfo_to_dict(url), "dbname": dbname})) as admin,
        admin.cursor() as cursor,
    ):
        admin.autocommit = True
        yield cursor


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, with the redactor role installed where the application role could
    not install it itself (migration 0008 does when it runs as a superuser)."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
        if not superuser and os.environ.get(ADMIN_DATABASE_URL):
            with admin_cursor() as cursor:
                redactor_install(cursor)


@pytest.fixture
def metadata() -> Metadata:
    return Metadata(actor="user:tester", via="test")


@contextmanager
def append_only_guards_removed() -> Iterator[None]:
    """Drop the events' and checkpoints' triggers, as the tables' owner could, then put them
    back."""
    remove_guards(connection)
    remove_checkpoint_guards(connection)
    try:
        yield
    finally:
        install_guards(connection)
        install_checkpoint_guards(connection)


@pytest.fixture
def ledger_transactional_db(transactional_db: None) -> Iterator[None]:
    """A committed-transactions database whose events are cleared afterwards.

    The append-only triggers refuse the flush that ends a transactional test, so the events and
    checkpoints are removed with the triggers off first; truncating the then-empty tables is
    allowed.
    """
    yield
    with append_only_guards_removed(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event")
        cursor.execute("DELETE FROM ledger_checkpoint")


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
