"""Slot for the claim list API benchmark (issue 8, figure 3).

To measure once the REST API (``/api/v1/claims/``) is merged: p50/p95 latency of the claim list
at 10,000 and 100,000 claims, in-process (Django test client) and from a second process against a
real WSGI server on loopback under concurrent load, and the number of queries per request at two
page sizes (it must not grow with the page size). Target: p95 under 25 ms in-process at 100,000
claims. Until the API exists this module reports itself as skipped.
"""

from __future__ import annotations

from typing import Any

from django.urls import Resolver404, resolve

CLAIM_LIST_PATH = "/api/v1/claims/"


def run(*, quick: bool) -> dict[str, Any]:
    try:
        resolve(CLAIM_LIST_PATH)
    except Resolver404:
        return {"skipped": f"no claim list API at {CLAIM_LIST_PATH} in this branch yet"}
    return {"skipped": "claim list API found; its benchmark is not written yet"}
