"""Secrets: API keys are never logged nor stored in clear; secrets come from the environment."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from rest_framework.test import APIClient

from reviews.tokens import PREFIX_LENGTH
from tests.reliability.conftest import ROOT

pytestmark = pytest.mark.django_db


class Everything(logging.Handler):
    """Keeps every record of every logger, formatted as a handler would write it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def stored_text() -> str:
    """Every value of every row of every table of the project, as text."""
    chunks = []
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            chunks.append(repr(row))
    return "\n".join(chunks)


def test_api_keys_are_never_logged_nor_stored_in_clear(people, captured_logs):
    # given a key created by the command and one created over the API from a session
    out = io.StringIO()
    call_command("create_api_key", "pat", "--name", "site", "--scopes", "read,submit", stdout=out)
    command_token = out.getvalue().splitlines()[-1]
    session = APIClient(raise_request_exception=False)
    session.force_login(people["pat"])
    created = session.post("/api/v1/keys/", {"name": "cms", "scopes": ["read"]}, format="json")
    api_token = created.json()["token"]

    # when both are used, well and badly (a wrong scheme, a revoked key, a typo)
    for token in (command_token, api_token):
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
        assert client.get("/api/v1/claims/").status_code == 200
        client.post("/api/v1/claims/", {"text": 7}, format="json")  # a 400, logged by Django
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}x")
        assert client.get("/api/v1/claims/").status_code == 401
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/claims/").status_code == 401
    call_command("revoke_api_key", command_token[:12], stdout=io.StringIO())
    revoked = APIClient(raise_request_exception=False)
    revoked.credentials(HTTP_AUTHORIZATION=f"Api-Key {command_token}")
    assert revoked.get("/api/v1/claims/").status_code == 401

    # then no log line holds a token (nor its secret part), and no table holds one in clear
    logs = "\n".join(captured_logs.lines)
    assert captured_logs.lines, "the requests above log something (4xx warnings at least)"
    stored = stored_text()
    for token in (command_token, api_token):
        secret_part = token[PREFIX_LENGTH:]  # the stored prefix only tells keys apart
        assert len(secret_part) >= 32
        assert secret_part not in logs
        assert secret_part not in stored


def test_settings_take_their_secrets_from_the_environment():
    # given secrets set only in the environment
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="claims.example.org",
        DJANGO_SECRET_KEY="env-only-secret-" + "z" * 40,
        DATABASE_URL="postgres://ledger:env-only-password@db.example.org:5432/ledger",
        CELERY_BROKER_URL="redis://:env-only-broker@redis.example.org:6379/0",
    )

    # when the settings are imported
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.SECRET_KEY); "
            "print(s.DATABASES['default']['PASSWORD']); print(s.CELERY_BROKER_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    # then each is the environment's
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "env-only-secret-" + "z" * 40,
        "env-only-password",
        "redis://:env-only-broker@redis.example.org:6379/0",
    ]


SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS key id": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "credentials in a URL": re.compile(r"\b(?:postgres|redis|amqp)s?://[^\s:/@]+:[^\s@/]+@"),
    "hard-coded secret setting": re.compile(
        r"^(?:SECRET_KEY|[A-Z_]*PASSWORD|[A-Z_]*TOKEN)\s*=\s*[\"'][^\"']+[\"']", re.MULTILINE
    ),
}


def test_no_secret_is_committed_in_the_product_code():
    # given every tracked file outside the tests
    files = subprocess.run(
        ["git", "ls-files", "--", ".", ":(exclude)tests/**"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = []

    # when each is searched for secret-looking literals
    for name in files:
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        found += [(name, kind) for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]

    # then there is none but the demo accounts' password, printed by ``setup_demo`` for a
    # newcomer and refused when DJANGO_DEBUG=0
    assert len(files) > 50
    assert found == [("reviews/management/commands/setup_demo.py", "hard-coded secret setting")]
