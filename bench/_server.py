"""The production server for benchmarks: gunicorn with ``config/gunicorn.conf.py``.

``serving(...)`` starts ``gunicorn -c config/gunicorn.conf.py config.wsgi`` (the command
docs/operations.md gives for production) on a socket of 127.0.0.1 that it binds first to a free
port and hands over (``GUNICORN_BIND=fd://N``), waits until a request is answered, yields the
port, and stops the server (SIGTERM, then SIGKILL of its process group) on the way out. The
environment is this process's (``DATABASE_URL``, ``DJANGO_DEBUG=0``...) with ``settings`` on top;
``CELERY_BROKER_URL`` is kombu's in-memory broker (``BROKER_URL``), so a request sends its tasks
as production does and no worker runs them (they are not in the request's time), and
``GUNICORN_ACCESS_LOG`` is removed.
"""

from __future__ import annotations

import http.client
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench import _wire

REPOSITORY = Path(__file__).resolve().parent.parent
CONFIG = "config/gunicorn.conf.py"
START_SECONDS = 60.0
BROKER_URL = "memory://"


def _environment(settings: dict[str, str] | None) -> dict[str, str]:
    env = {**os.environ, **(settings or {})}
    env["CELERY_BROKER_URL"] = BROKER_URL
    env.pop("GUNICORN_ACCESS_LOG", None)  # no line per request in the timings
    return env


def workers(settings: dict[str, str] | None = None) -> int:
    """How many workers ``serving(settings=...)`` starts: the configuration's own answer."""
    saved = os.environ.copy()
    os.environ.update(_environment(settings))
    try:
        return int(runpy.run_path(str(REPOSITORY / CONFIG))["workers"])
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def serving(*, settings: dict[str, str] | None = None) -> Iterator[int]:
    """Serve the app as production does (``GUNICORN_WORKERS`` in ``settings`` or the
    environment, else the configuration's default); yield the port."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=256)
    port = listener.getsockname()[1]
    env = {**_environment(settings), "GUNICORN_BIND": f"fd://{listener.fileno()}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", CONFIG, "config.wsgi"],
        cwd=REPOSITORY,
        env=env,
        pass_fds=[listener.fileno()],
        start_new_session=True,
    )
    listener.close()  # gunicorn holds its own copy
    try:
        _wait_until_answering(server, port)
        yield port
    finally:
        _stop(server)


@contextmanager
def serving_counted(
    *, settings: dict[str, str], timeout_seconds: int | None = None
) -> Iterator[tuple[int, _wire.StatementCounter]]:
    """One worker whose PostgreSQL connection runs through a statement counter
    (``bench._wire``); yield its port and the counter. For counting, not timing.
    ``timeout_seconds`` raises GUNICORN_TIMEOUT for requests slowed down by the relay."""
    from bench.common import connection_params, relayed_database_url

    params = connection_params()
    with _wire.statement_counter(host=params["host"], port=params["port"]) as counter:
        relayed = {
            **settings,
            "DATABASE_URL": relayed_database_url(settings["DATABASE_URL"], counter.port),
            "GUNICORN_WORKERS": "1",
        }
        if timeout_seconds is not None:
            relayed["GUNICORN_TIMEOUT"] = str(timeout_seconds)
        with serving(settings=relayed) as port:
            yield port, counter


def _wait_until_answering(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before serving")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/api/v1/")  # a 404 problem: no database, no auth
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within {START_SECONDS:.0f} s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # graceful: workers finish their request
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the master and its workers
        server.wait()
