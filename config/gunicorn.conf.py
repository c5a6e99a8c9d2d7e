"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Everything a deployment changes comes from the environment (docs/operations.md):

- ``GUNICORN_BIND``: where to listen (default ``127.0.0.1:8000``; ``0.0.0.0:8000`` behind a
  proxy on another host, ``unix:/run/claims.sock``, or ``fd://N`` for a socket handed over);
- ``GUNICORN_WORKERS``: sync worker processes (default two per core plus one: a sync worker
  waits on PostgreSQL for part of each request, so more workers than cores keep the cores busy);
- ``GUNICORN_TIMEOUT``: seconds a worker may spend on one request before it is replaced
  (default 30);
- ``GUNICORN_ACCESS_LOG``: a file, or ``-`` for stdout, to log one line per request; unset (the
  default) logs none, because a line per request costs every request its write.

Errors always go to stderr. The application is loaded once in the master before the workers
fork (``preload_app``): a bad setting stops the server at start, not in each worker.
"""

import multiprocessing
import os


def _positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a positive integer, not {value!r}")
    return int(value)


bind = [os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"]
workers = _positive_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = _positive_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = timeout
# Sync workers close the client connection after each response (gunicorn's own choice: put a
# buffering proxy such as nginx in front); each worker keeps its PostgreSQL connection
# (CONN_MAX_AGE) across requests.
preload_app = True
# No control socket: its default path is one per user, so two servers on a machine would share
# it; signals manage the server (docs/operations.md: HUP rereads this file and replaces the
# workers without loading new code, since the application is preloaded; TERM stops).
control_socket_disable = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
