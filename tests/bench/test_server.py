"""The benchmark's server is the production one: gunicorn with config/gunicorn.conf.py."""

import http.client
import json
import os
import runpy
from pathlib import Path

import pytest

from bench._load import load
from bench._server import serving, workers

CONFIG = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


@pytest.fixture
def production_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only-" + "s" * 40)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("DJANGO_SECURE_SSL_REDIRECT", "0")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "unused.sqlite3"))


def test_serving_runs_gunicorn_with_the_production_settings(production_environment):
    # when
    with serving(settings={"GUNICORN_WORKERS": "2"}) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/api/v1/no-such-thing/")
        response = connection.getresponse()
        body = json.loads(response.read())

    # then: gunicorn answered, through the app's own not-found problem
    assert response.getheader("Server") == "gunicorn"
    assert response.status == 404
    assert body["code"] == "not_found"
    assert response.getheader("Connection") == "close"  # sync workers: one request each
    # and the server is gone afterwards
    with pytest.raises(ConnectionRefusedError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=5).connect()


def test_a_server_that_cannot_start_is_reported(production_environment, monkeypatch):
    # given: production without a secret key refuses to load the app
    monkeypatch.delenv("DJANGO_SECRET_KEY")

    # then
    with (
        pytest.raises(RuntimeError, match="gunicorn exited"),
        serving(settings={"GUNICORN_WORKERS": "1"}),
    ):
        pass


def test_the_configuration_reads_bind_workers_and_access_log_from_the_environment(monkeypatch):
    # given
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/claims.sock")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "12")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")

    # when
    settings = runpy.run_path(str(CONFIG))

    # then
    assert settings["bind"] == ["unix:/run/claims.sock"]
    assert settings["workers"] == 3
    assert settings["timeout"] == 12
    assert settings["accesslog"] == "-"
    assert settings["worker_class"] == "sync"
    assert settings["preload_app"] is True


def test_the_benchmark_reports_the_worker_count_the_configuration_starts(monkeypatch):
    # given
    monkeypatch.setenv("GUNICORN_WORKERS", "4")

    # then
    assert workers() == 4
    assert workers({"GUNICORN_WORKERS": "3"}) == 3
    assert os.environ["GUNICORN_WORKERS"] == "4"  # the environment is left as it was


def test_the_configuration_defaults_to_no_access_log_and_workers_per_core(monkeypatch):
    # given
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)

    # when
    settings = runpy.run_path(str(CONFIG))

    # then
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == 5
    assert settings["timeout"] == 30
    assert settings["accesslog"] is None


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_the_configuration_refuses_a_bad_worker_count(monkeypatch, value):
    # given
    monkeypatch.setenv("GUNICORN_WORKERS", value)

    # then
    with pytest.raises(
        SystemExit, match=f"GUNICORN_WORKERS must be a positive integer, not '{value}'"
    ):
        runpy.run_path(str(CONFIG))


def test_the_load_generator_reports_every_answer_and_refuses_unexpected_ones(
    production_environment,
):
    # given
    paths = ["/api/v1/first-missing/", "/api/v1/second-missing/"]
    with serving(settings={"GUNICORN_WORKERS": "2"}) as port:
        # when
        report = load(
            port=port,
            paths=paths,
            tokens=["not-a-key"],
            concurrency=2,
            requests=6,
            seconds=30,
            statuses=frozenset({"404"}),
        )

        # then
        assert report["requests"] == 6
        assert report["statuses"] == {"404": 6}
        assert len(report["latencies_ms"]) == 6
        assert report["p50_ms"] <= report["p95_ms"] <= report["p99_ms"]
        # and a status the caller did not expect fails the run
        with pytest.raises(RuntimeError, match="the load run had failures"):
            load(port=port, paths=paths, tokens=["x"], concurrency=1, requests=1, seconds=30)
