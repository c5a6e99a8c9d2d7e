"""Rate limits per API key (per user for session callers, per address for anonymous ones).

The counts live in the shared cache (``CACHE_URL``) so every process sees them. The cache is not
a store of record: when it cannot be reached, the API keeps answering and each process counts in
its own memory (the same rate, per process) until the shared cache answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from reviews.actors import Actor

logger = logging.getLogger(__name__)

# What a cache that cannot be reached raises (Django's Redis backend lets redis-py's errors out).
SHARED_CACHE_ERRORS = (RedisError, OSError)
# After a failure, a process counts locally this long before trying the shared cache again: an
# outage costs each process one failed attempt (and one warning) per interval, not per request.
SHARED_CACHE_RETRY_SECONDS = 30.0


class LocalCounts:
    """This process's counts, used while the shared cache is unreachable."""

    def __init__(self) -> None:
        self.cache = LocMemCache("throttle-local-counts", {})
        self._lock = threading.Lock()
        self._shared_retry_at = 0.0

    def shared_cache_usable(self) -> bool:
        return time.monotonic() >= self._shared_retry_at

    def shared_cache_failed(self, error: Exception) -> None:
        with self._lock:
            if not self.shared_cache_usable():
                return  # another thread of this process already switched and warned
            self._shared_retry_at = time.monotonic() + SHARED_CACHE_RETRY_SECONDS
        logger.warning(
            "API throttling: the shared cache is unreachable (%s: %s); counting per process "
            "for the next %.0f s",
            type(error).__name__,
            error,
            SHARED_CACHE_RETRY_SECONDS,
        )


LOCAL_COUNTS = LocalCounts()


class ApiKeyRateThrottle(SimpleRateThrottle):
    """``LEDGER_API_RATE`` (e.g. ``600/minute``) for each key; read per request.

    Fails open to per-process counts when the shared cache is down (see the module docstring).
    """

    scope = "api_key"

    def get_rate(self) -> str:
        return str(settings.LEDGER_API_RATE)

    def allow_request(self, request: Request, view: Any) -> bool:
        if LOCAL_COUNTS.shared_cache_usable():
            try:
                return super().allow_request(request, view)
            except SHARED_CACHE_ERRORS as error:
                LOCAL_COUNTS.shared_cache_failed(error)
        self.cache = LOCAL_COUNTS.cache
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, Actor) and request.auth.api_key_id is not None:
            ident = f"key:{request.auth.api_key_id}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"
