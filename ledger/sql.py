"""Low-level cursors for the event store's and projections' hot paths."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def fast_cursor() -> Iterator[Any]:
    """A cursor on Django's connection (same transaction) for prepared, repeated statements.

    On PostgreSQL it binds parameters on the server (Django's cursors interpolate them into the
    SQL text on the client, which costs more than the insert itself for 1,000-parameter
    multi-row statements) and lets psycopg prepare statements that repeat. Database errors are
    translated to Django's exceptions as with ``connection.cursor()``.
    """
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


@contextmanager
def pipeline() -> Iterator[None]:
    """Send the statements issued inside to PostgreSQL together, without waiting for each.

    Results are read when a cursor's rows are fetched (which waits for everything sent so far),
    so issuing every statement before fetching any makes the lot one network round trip. On
    SQLite this does nothing. Errors surface at the first fetch or at the end of the block.
    """
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
