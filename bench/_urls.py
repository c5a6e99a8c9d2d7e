"""The product's URLs plus the HTTP benchmarks' baseline, ``POST /bench/insert/``.

The baseline is the stack's own limit for a write: the same server, middleware, API-key
authentication, permission check and throttle as every API command, then one INSERT and its
COMMIT, and a small JSON answer. Mounted only by ``bench._settings``.
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler500
from config.urls import urlpatterns as product_urlpatterns

BASELINE_PATH = "/bench/insert/"
BASELINE_TABLE = "bench_http_insert"
BASELINE_TABLE_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {BASELINE_TABLE} (id bigserial PRIMARY KEY, "
    "actor text NOT NULL, body jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())"
)


class BaselineInsertView(APIView):
    """Authenticated (the API's default classes), then one INSERT and COMMIT."""

    def post(self, request: Request) -> Response:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {BASELINE_TABLE} (actor, body) VALUES (%s, %s)",
                [str(request.user.pk), json.dumps(request.data)],
            )
        return Response({"inserted": True})


urlpatterns = [
    path(BASELINE_PATH.lstrip("/"), BaselineInsertView.as_view()),
    *product_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
