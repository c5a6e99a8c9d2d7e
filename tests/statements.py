"""Counting the SQL statements a piece of code sends, on SQLite and on PostgreSQL alike.

``CaptureQueriesContext`` sees only statements sent through Django's cursors; on PostgreSQL the
ledger's hot paths send theirs on plain psycopg cursors (``ledger.sql.fast_cursor``), so there
the count is taken at psycopg's level instead: every ``execute`` and ``COPY`` is one statement
(pipelined or not).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


class Statements:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.params: list[Any] = []  # each statement's parameters (None: not kept, on SQLite)

    def __len__(self) -> int:
        return len(self.sent)


@contextmanager
def statements_counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Statements]:
    """Collect the statements sent inside the block (their SQL text, in order)."""
    counted = Statements()
    if connection.vendor != "postgresql":
        with CaptureQueriesContext(connection) as captured:
            yield counted
        counted.sent.extend(query["sql"] for query in captured.captured_queries)
        counted.params.extend(None for _ in captured.captured_queries)
        return
    import psycopg

    execute = psycopg.Cursor.execute
    copy = psycopg.Cursor.copy

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        counted.sent.append(str(query))
        counted.params.append(args[0] if args else kwargs.get("params"))
        return execute(self, query, *args, **kwargs)

    def counted_copy(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
        counted.sent.append(str(statement))
        counted.params.append(None)
        return copy(self, statement, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", counted_execute)
        patch.setattr(psycopg.Cursor, "copy", counted_copy)
        yield counted


def appends_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, the number of events of each append made (one item per append, whatever
    its size: every append chains its events once)."""
    from ledger import planning

    made: list[int] = []
    chain = planning._chain

    def counted(appends: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(sum(len(item.events) for item in appends))
        return chain(appends, *args, **kwargs)

    monkeypatch.setattr(planning, "_chain", counted)
    return made
