"""Count the SQL statements a server sends, on the wire: a relay between it and PostgreSQL.

Django's ``CaptureQueriesContext`` sees only statements sent through Django's cursors; the
event store sends most of its own through psycopg directly (``ledger/sql.py``: prepared
statements under one Sync). ``StatementCounter`` sits between a client (a gunicorn server,
``bench._server``) and PostgreSQL on 127.0.0.1, relays every byte unchanged, and counts the
frontend messages of PostgreSQL's protocol that run a statement: ``Q`` (a simple query, one
statement as Django and psycopg send them) and ``E`` (execute a bound statement), and the ones
that end a round trip: ``Q`` and ``S`` (Sync). BEGIN and COMMIT count as the statements they
are. Counts are for timing-free runs only: the relay adds a hop to every round trip.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress

# Untyped messages before the protocol starts: SSL and GSS encryption requests (the server
# answers one byte, "N" here) and the cancel request; any other code is the startup message.
_PRE_STARTUP_CODES = {80877103, 80877104, 80877102}
_STATEMENT_MESSAGES = frozenset(b"QE")
_ROUND_TRIP_MESSAGES = frozenset(b"QS")


class StatementCounter:
    """A counting relay to ``host:port``; ``port`` is where clients connect instead."""

    def __init__(self, *, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._messages: Counter[int] = Counter()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def totals(self) -> dict[str, int]:
        """Statements and round trips sent through the relay so far."""
        with self._lock:
            messages = dict(self._messages)
        return {
            "statements": sum(messages.get(kind, 0) for kind in _STATEMENT_MESSAGES),
            "round_trips": sum(messages.get(kind, 0) for kind in _ROUND_TRIP_MESSAGES),
        }

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for connection in self._sockets:
                _closed(connection)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(self._upstream)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._relay, args=(upstream, client), daemon=True).start()
            threading.Thread(target=self._count, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _relay(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            _closed(target)

    def _count(self, source: socket.socket, target: socket.socket) -> None:
        pending = b""
        started = False
        try:
            while data := source.recv(65536):
                # Counted before it is passed on: by the time an answer reaches the client,
                # the statement that asked for it is in the totals.
                pending, started = self._parsed(pending + data, started=started)
                target.sendall(data)
        except OSError:
            pass
        finally:
            _closed(target)

    def _parsed(self, pending: bytes, *, started: bool) -> tuple[bytes, bool]:
        """Count the complete messages at the start of ``pending``; return the rest."""
        offset = 0
        kinds: list[int] = []
        while True:
            if not started:
                if len(pending) - offset < 8:
                    break
                length, code = struct.unpack_from("!ii", pending, offset)
                if len(pending) - offset < length:
                    break
                offset += length
                started = code not in _PRE_STARTUP_CODES
                continue
            if len(pending) - offset < 5:
                break
            kind = pending[offset]
            (length,) = struct.unpack_from("!i", pending, offset + 1)
            if len(pending) - offset < 1 + length:
                break
            kinds.append(kind)
            offset += 1 + length
        if kinds:
            with self._lock:
                self._messages.update(kinds)
        return pending[offset:], started


def _closed(connection: socket.socket) -> None:
    """Shut a relayed connection down, then close it. ``close`` alone leaves the connection
    open while another thread is blocked reading it, and PostgreSQL then keeps the session
    (a test database could not be dropped while 5 such sessions stayed)."""
    with suppress(OSError):  # already shut, or never connected
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


@contextmanager
def statement_counter(*, host: str, port: int) -> Iterator[StatementCounter]:
    counter = StatementCounter(host=host, port=port)
    try:
        yield counter
    finally:
        counter.close()
