"""The app served by one thread, as one gunicorn sync worker serves it: one database connection
kept across requests (CONN_MAX_AGE). Prints its port on the first line, then serves until killed.

Run as ``python -m tests.config.wsgi_server`` with DATABASE_URL (and DJANGO_SETTINGS_MODULE) set.
"""

from __future__ import annotations

import os
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the test reads only the port from standard output."""


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietRequestHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
