"""Django's PostgreSQL backend with a health check that costs no round trip when the
connection is evidently fine.

With ``CONN_HEALTH_CHECKS`` Django checks a reused connection before each request's first
query by sending ``SELECT 1``: one round trip per request, whatever the request does.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether the connection can still be used, asking the server only when in doubt.

        A connection the server has closed (a restart, a failover, an idle timeout,
        ``pg_terminate_backend``) has something waiting on its socket: the end of the stream,
        or the FATAL notice sent before it. A connection that is open, outside any transaction
        and has nothing to read is as it was left, and is usable; any other is checked as
        Django does, with ``SELECT 1``.
        """
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if (
            pgconn.status == pq.ConnStatus.OK
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
        ):
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN)
            if not poller.poll(0):
                return True
        return bool(super().is_usable())
