"""A database failover: a pooled connection the server dropped is replaced, not answered 500.

The app runs in a real one-thread server process (as a gunicorn sync worker does), so its
connection persists across requests; the test terminates that connection's backend from a
separate connection (``ADMIN_DATABASE_URL`` when set, as a non-superuser application role may
not be allowed to) and checks that every following request succeeds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.db import connection

from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_create
from reviews.roles import Role
from tests.conftest import ADMIN_DATABASE_URL
from tests.reliability.conftest import database_url, figures_record, subprocess_environment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SERVER_APPLICATION_NAME = "ledger-failover-test"  # names the server's backends in pg_stat_activity
REQUESTS_AFTER = 10
TERMINATION_WAIT_MILLISECONDS = 5000


@pytest.fixture
def server_port() -> Iterator[int]:
    environment = subprocess_environment(DJANGO_SETTINGS_MODULE="config.settings_test")
    environment["DATABASE_URL"] += f"?application_name={SERVER_APPLICATION_NAME}"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.config.wsgi_server"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield int(server.stdout.readline())
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(port: int, token: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/claims/", headers={"Authorization": f"Api-Key {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _terminate_server_backends() -> list[bool]:
    """Terminate the server's backends, waiting until they are gone; one result per backend."""
    with psycopg.connect(
        os.environ.get(ADMIN_DATABASE_URL) or database_url(), autocommit=True
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid, %s) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [
                TERMINATION_WAIT_MILLISECONDS,
                connection.settings_dict["NAME"],
                SERVER_APPLICATION_NAME,
            ],
        ).fetchall()
    return [bool(terminated) for (terminated,) in rows]


def test_requests_after_the_servers_connection_is_terminated_all_succeed(
    django_user_model, server_port
):
    # given a server answering an auditor's key with its persistent connection
    auditor = django_user_model.objects.create_user(username="audrey")
    auditor.groups.add(Group.objects.get_or_create(name=Role.AUDITOR)[0])
    _, token = api_key_create(actor=actor_for_user(user=auditor), name="failover", scopes=["read"])
    assert [_get(server_port, token) for _ in range(3)] == [200, 200, 200]

    # when the database drops that connection (as a failover or a restart does)
    assert _terminate_server_backends() == [True]

    # then the next requests reconnect and succeed: none answers 500
    statuses = [_get(server_port, token) for _ in range(REQUESTS_AFTER)]
    assert statuses == [200] * REQUESTS_AFTER
    # and the server is back on exactly one connection
    assert _terminate_server_backends() == [True]
    figures_record(
        "database-failover",
        backends_terminated=1,
        requests_after=len(statuses),
        server_errors=sum(status >= 500 for status in statuses),
    )
