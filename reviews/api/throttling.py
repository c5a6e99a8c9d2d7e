"""Rate limits per API key (per user for session callers, per address for anonymous ones).

The counts live in the shared cache (``CACHE_URL``) so every process sees them. The cache is not
a store of record: when it cannot be reached, the API keeps answering and each process counts in
its own memory (the same rate, per process) until the shared cache answers again.

A rate of N per period is counted in fixed windows of one period (``key:window number``): each
request increments its window's counter in the cache, an atomic increment (Redis ``INCR``, a
locked one in memory), and is allowed while the count is at most N. Concurrent requests of one
key are never lost to a read-modify-write race, whatever the number of processes. A window
lives in the cache a little longer than its period; across a window's boundary a key may send
up to N at the end of one and N at the start of the next.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import BaseCache
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
# A window's counter outlives its period by this much, so it never expires while in use.
WINDOW_GRACE_SECONDS = 5


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


def _counted(cache: BaseCache, window_key: str, *, lifetime: int) -> int:
    """This request's number in its window: the window's counter after an atomic increment."""
    try:
        return int(cache.incr(window_key))
    except ValueError:  # the window's first request (or its counter was evicted)
        # add() creates the counter only where none exists: of two first requests at once, one
        # creates it and the other increments it.
        if cache.add(window_key, 1, timeout=lifetime):
            return 1
        return int(cache.incr(window_key))


class ApiKeyRateThrottle(SimpleRateThrottle):
    """``LEDGER_API_RATE`` (e.g. ``600/minute``) for each key; read per request.

    Counts in fixed windows with an atomic increment, and fails open to per-process counts when
    the shared cache is down (see the module docstring).
    """

    scope = "api_key"
    num_requests: int | None  # set by SimpleRateThrottle.__init__ from the rate
    duration: int | None
    window_end = 0.0

    def get_rate(self) -> str:
        return str(settings.LEDGER_API_RATE)

    def allow_request(self, request: Request, view: Any) -> bool:
        key = self.get_cache_key(request, view)
        limit, period = self.num_requests, self.duration
        if key is None or limit is None or period is None:
            return True
        self.now = self.timer()
        window = int(self.now // period)
        self.window_end = float((window + 1) * period)
        window_key = f"{key}:{window}"
        lifetime = period + WINDOW_GRACE_SECONDS
        if LOCAL_COUNTS.shared_cache_usable():
            try:
                return _counted(self.cache, window_key, lifetime=lifetime) <= limit
            except SHARED_CACHE_ERRORS as error:
                LOCAL_COUNTS.shared_cache_failed(error)
        return _counted(LOCAL_COUNTS.cache, window_key, lifetime=lifetime) <= limit

    def wait(self) -> float:
        """Seconds until this key's window ends (the Retry-After of a refused request)."""
        return max(self.window_end - self.now, 1.0)

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, Actor) and request.auth.api_key_id is not None:
            ident = f"key:{request.auth.api_key_id}"
        elif request.user is not None and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return f"throttle:{self.scope}:{ident}"
