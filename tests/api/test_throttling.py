"""The per-key rate limit counts with an atomic increment: concurrent requests are never lost."""

import threading
import time

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from reviews.api import throttling

NOW = 6_000_030.0  # half a minute into the minute numbered 100,000
ROUND_TRIP_SECONDS = 0.001
clock = {"now": NOW}  # the throttle's timer in these tests


class SlowCache(LocMemCache):
    """An in-memory cache whose every call takes a round trip, as a networked one does: time in
    which other requests run, the window where a read-then-write count loses requests."""

    def __init__(self) -> None:
        super().__init__("throttling-test", {})

    def get(self, *args, **kwargs):
        time.sleep(ROUND_TRIP_SECONDS)
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        time.sleep(ROUND_TRIP_SECONDS)
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        time.sleep(ROUND_TRIP_SECONDS)
        return super().add(*args, **kwargs)

    def incr(self, *args, **kwargs):
        time.sleep(ROUND_TRIP_SECONDS)
        return super().incr(*args, **kwargs)


@pytest.fixture
def shared_cache(monkeypatch, settings):
    settings.LEDGER_API_RATE = "50/minute"
    cache = SlowCache()
    monkeypatch.setattr(throttling.ApiKeyRateThrottle, "cache", cache)
    monkeypatch.setattr(throttling.ApiKeyRateThrottle, "timer", lambda self: clock["now"])
    monkeypatch.setattr(throttling, "LOCAL_COUNTS", throttling.LocalCounts())
    clock["now"] = NOW
    return cache


def _throttle_for(key: str) -> tuple[throttling.ApiKeyRateThrottle, Request]:
    throttle = throttling.ApiKeyRateThrottle()
    throttle.get_cache_key = lambda request, view: f"throttle:api_key:key:{key}"  # type: ignore[method-assign]
    return throttle, Request(APIRequestFactory().get("/api/v1/claims/"))


def _requests_at_once(key: str, *, threads: int, each: int) -> list[bool]:
    decisions: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def caller() -> None:
        start.wait()
        for _ in range(each):
            throttle, request = _throttle_for(key)
            allowed = throttle.allow_request(request, None)
            with lock:
                decisions.append(allowed)

    workers = [threading.Thread(target=caller) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return decisions


def test_concurrent_requests_of_one_key_are_allowed_exactly_up_to_the_rate(shared_cache):
    # when 16 clients of one key send 10 requests each at once (160 > 50)
    decisions = _requests_at_once("k1", threads=16, each=10)

    # then exactly the rate is allowed, and every request was counted
    assert decisions.count(True) == 50
    assert decisions.count(False) == 110
    assert shared_cache.get(f"throttle:api_key:key:k1:{int(NOW // 60)}") == 160


def test_concurrent_first_requests_of_a_window_create_one_counter(shared_cache):
    # when 30 requests arrive at once for a window nobody has used yet
    decisions = _requests_at_once("k2", threads=30, each=1)

    # then none is refused and none is lost
    assert decisions == [True] * 30
    assert shared_cache.get(f"throttle:api_key:key:k2:{int(NOW // 60)}") == 30


def test_a_refused_key_waits_until_its_window_ends_and_counts_again_in_the_next(shared_cache):
    # given a key that used its 50 requests
    assert _requests_at_once("k3", threads=1, each=51).count(True) == 50
    throttle, request = _throttle_for("k3")
    assert throttle.allow_request(request, None) is False

    # then it is told to come back when the minute ends, 30 s later
    assert throttle.wait() == 30.0

    # and in the next minute it has its 50 again
    clock["now"] = NOW + 30
    assert _requests_at_once("k3", threads=5, each=11).count(True) == 50


def test_keys_are_counted_apart(shared_cache):
    # when
    _requests_at_once("k4", threads=4, each=20)

    # then another key still has its whole rate
    assert _requests_at_once("k5", threads=4, each=10) == [True] * 40
