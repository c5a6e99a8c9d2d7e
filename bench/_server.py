"""A small pre-forking WSGI server for the API benchmark (stdlib ``wsgiref``, no extra package).

Usage: ``python -m bench._server --workers N``. It binds 127.0.0.1 on a free port, prints
``PORT <n>`` on stdout, and forks ``N`` worker processes that accept on the shared socket, each
serving one request at a time with its own database connection (like gunicorn's sync workers).
Settings come from the environment (``DATABASE_URL``, ``DJANGO_DEBUG=0``...), as for production.
It runs until terminated (SIGTERM stops the workers too).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class QuietHandler(WSGIRequestHandler):
    """No access log: writing a line per request to stderr would be timed too."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._server")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()  # loads settings and apps before forking
    server = WSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(application)
    # Non-blocking accept: every worker wakes on a connection, one gets it, the others go on.
    server.socket.setblocking(False)
    print(f"PORT {server.server_address[1]}", flush=True)
    children = []
    for _ in range(arguments.workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                server.serve_forever(poll_interval=0.5)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_: Any) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        for child in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child, 0)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
