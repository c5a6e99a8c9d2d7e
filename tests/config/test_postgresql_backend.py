"""The PostgreSQL backend's health check asks the server only when the connection is in doubt.

The end-to-end case, a connection the server dropped being replaced before the next request, is
``test_database_failover``.
"""

from __future__ import annotations

import select

import pytest
from django.db import connection

from tests.ledger.test_faults import terminate_own_backend
from tests.statements import statements_counted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_idle_open_connection_is_usable_without_a_statement(monkeypatch):
    # given an open connection outside any transaction
    connection.ensure_connection()

    # when it is checked / then it is usable, and nothing was sent to the server
    with statements_counted(monkeypatch) as sent:
        assert connection.is_usable()
    assert sent.sent == []


def test_a_connection_the_server_closed_is_unusable():
    # given an open connection whose backend the server then terminates
    connection.ensure_connection()
    terminate_own_backend()
    socket = connection.connection.pgconn.socket
    assert select.select([socket], [], [], 5)[0]  # the server's notice or end of stream arrived

    # when it is checked / then it is not usable
    assert not connection.is_usable()
    connection.close()
