"""Timestamps read back from PostgreSQL through the compiled loader (``ledger.sql``).

Django's own timestamptz loader parses in Python; ``use_compiled_timestamptz_loader`` swaps in
one that hands each value to psycopg's compiled loader on a UTC session. What comes back must be
exactly what Django's loader gives: the same instant, to the microsecond, in
``datetime.timezone.utc``.
"""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from ledger.sql import _utc_timestamptz_loader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

INSTANTS = [
    "2026-11-25 15:28:25.901072+00",
    "1999-12-31 23:59:59.999999+00",
    "2024-02-29 12:00:00+00",
    "2026-03-29 01:30:00+02",  # another offset: the same instant, read back in UTC
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def _read_back(literals: list[str]) -> list[datetime.datetime]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT value::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(value, n) "
            "ORDER BY n",
            [literals],
        )
        return [row[0] for row in cursor.fetchall()]


def test_connections_use_the_compiled_loader() -> None:
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text format
    assert loader is _utc_timestamptz_loader()


def test_it_reads_what_djangos_own_loader_reads() -> None:
    connection.ensure_connection()
    fast = _read_back(INSTANTS)
    adapters = connection.connection.adapters
    try:
        register_tzloader(datetime.UTC, connection.connection)  # Django's loader
        slow = _read_back(INSTANTS)
    finally:
        adapters.register_loader("timestamptz", _utc_timestamptz_loader())
    assert fast == slow
    assert [value.tzinfo for value in fast] == [datetime.UTC] * len(INSTANTS)
    assert [value.isoformat() for value in fast] == [value.isoformat() for value in slow]
    assert fast[3] == datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC)


def test_another_session_time_zone_loads_as_django_does() -> None:
    """On a session that is not UTC, the compiled loader would answer in that zone: the
    loader falls back to Django's behaviour (the instant, labelled as Django labels it)."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Europe/Paris'")
    try:
        fast = _read_back(INSTANTS[:4])
        register_tzloader(datetime.UTC, connection.connection)
        slow = _read_back(INSTANTS[:4])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        connection.connection.adapters.register_loader("timestamptz", _utc_timestamptz_loader())
    assert [value.isoformat() for value in fast] == [value.isoformat() for value in slow]
