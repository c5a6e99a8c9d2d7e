"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def import_settings(
    *, show: str = "DATABASES['default']['ENGINE']", **environment: str
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print(s.{show})"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_embedded_default_is_sqlite():
    result = import_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_production_refuses_the_development_secret_key():
    result = import_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="claims.example.org")
    assert result.returncode != 0
    assert "refusing to start with the development key" in result.stderr


def test_production_starts_with_its_own_secret():
    result = import_settings(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="claims.example.org",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
    )
    assert result.returncode == 0, result.stderr


def test_postgresql_connections_persist_and_are_health_checked():
    result = import_settings(
        show="DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']",
        DATABASE_URL="postgres://app@db.example:5432/claims",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "60 True"


def test_a_cache_url_bounds_each_wait_on_the_cache():
    result = import_settings(
        show="CACHES['default']['OPTIONS']",
        CACHE_URL="redis://cache.example:6379/2",
        CACHE_TIMEOUT_MS="100",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'socket_connect_timeout': 0.1, 'socket_timeout': 0.1}"


def test_database_url_must_be_postgresql():
    result = import_settings(DATABASE_URL="mysql://root@localhost/db")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_deployment_checks_pass_with_production_settings():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="claims.example.org",
        DJANGO_SECRET_KEY="k3Jx9-production-secret-" + "q8Zr2vWm7tYp4nLc" * 4,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
