"""Writes while contradictions are checked: how long a batch holds the append lock, and what
a claim command waits meanwhile (issue 17, item 1).

A ledger of similar numeric claims ("The bombing in Kabul killed N people.": every pair is a
numeric contradiction, the worst case for the flags one batch appends) is recorded, then one
consumer batch (``contradictions_consume``, 200 claims: one batch) runs on a thread of its own
while another thread issues a claim command every ``COMMAND_INTERVAL`` seconds on a fixed
schedule. A third connection polls ``pg_locks`` for the append lock (``APPEND_LOCK_KEY``) and
records each stretch during which the consumer's backend held it.

Figures: the longest and the total append-lock hold of the batch, the batch's seconds, and the
p50/p95 latency of the commands issued while it ran, measured from each command's scheduled
start (so a command queued behind a blocked one counts its wait), next to the same commands'
latency with no batch running. Only the product's services are called, so the module also runs
unchanged against an older tree ("before" figures: see docs/performance.md section 7).

    DATABASE_URL=postgres://... python -m bench --only contradiction_writes [--quick]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection

from bench._load import latency_shares
from bench.common import figure, fresh_database, raw_connection
from ledger import events as ev
from ledger.models import Event
from ledger.planning import APPEND_LOCK_KEY
from ledger.services import claim_record
from reviews.contradictions.services import CONSUME_BATCH_SIZE, contradictions_consume

CLAIMS = CONSUME_BATCH_SIZE  # one whole batch
CLAIMS_QUICK = 60
COMMAND_INTERVAL = 0.1  # seconds between scheduled commands
IDLE_COMMANDS = 50
POLL_INTERVAL = 0.0005  # seconds between reads of pg_locks
METADATA = ev.Metadata(actor="user:bench", via="bench")


def similar_claims(count: int) -> list[str]:
    """``count`` claims stating different death tolls of one event: every pair contradicts."""
    return [f"The bombing in Kabul killed {10 + number} people." for number in range(count)]


def _command(number: int) -> None:
    """Record a claim that contradicts none of the others (its own name, no number)."""
    name = "".join(chr(ord("a") + int(digit)) for digit in str(number)).capitalize()
    claim_record(text=f"The {name} museum in Oslo opened a new wing.", metadata=METADATA)


class LockWatch:
    """Polls pg_locks from its own connection: the stretches a backend held the append lock."""

    def __init__(self) -> None:
        self.holds: list[float] = []
        self.polls = 0
        self._stop = threading.Event()
        self._backend: int | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self, backend: int) -> None:
        self._backend = backend
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        query = (
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = 0 AND objid = %s AND objsubid = 1"
        )
        held_since: float | None = None
        with raw_connection() as watcher:
            watcher.autocommit = True
            while not self._stop.is_set():
                holders = {row[0] for row in watcher.execute(query, [APPEND_LOCK_KEY])}
                now = time.perf_counter()
                self.polls += 1
                if self._backend in holders:
                    held_since = now if held_since is None else held_since
                elif held_since is not None:
                    self.holds.append(now - held_since)
                    held_since = None
                time.sleep(POLL_INTERVAL)
            if held_since is not None:
                self.holds.append(time.perf_counter() - held_since)


def _on_thread(target: Callable[[], Any], outcome: dict[str, Any]) -> threading.Thread:
    def run() -> None:
        try:
            outcome["result"] = target()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def commands_on_schedule(*, finished: Callable[[], float | None], first_number: int) -> list[float]:
    """Latencies (s) of the commands scheduled every ``COMMAND_INTERVAL`` until the moment
    ``finished()`` returns (None while the batch runs), each from its scheduled start.

    A command blocked behind the batch delays the ones after it; they are still issued, late,
    and count their wait (no coordinated omission).
    """
    latencies: list[float] = []
    started = time.perf_counter()
    number = 0
    while True:
        scheduled = started + number * COMMAND_INTERVAL
        end = finished()
        if number and end is not None and scheduled > end:
            return latencies
        time.sleep(max(0.0, scheduled - time.perf_counter()))
        _command(first_number + number)
        latencies.append(time.perf_counter() - scheduled)
        number += 1


def measure(claims: int) -> dict[str, Any]:
    """One batch over ``claims`` similar claims, with commands issued meanwhile."""
    fresh_database()
    idle_end = time.perf_counter() + IDLE_COMMANDS * COMMAND_INTERVAL
    idle = commands_on_schedule(finished=lambda: idle_end, first_number=0)
    contradictions_consume()  # those claims are checked now: the measured batch is the next one
    for text in similar_claims(claims):
        claim_record(text=text, metadata=METADATA)
    flags_before = Event.objects.filter(type="ContradictionFlagged").count()
    connection.close()

    backend: dict[str, int] = {}
    seconds: list[float] = []
    ended: list[float] = []
    ready, watching = threading.Event(), threading.Event()
    watch = LockWatch()

    def consume() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend["pid"] = cursor.fetchone()[0]
        ready.set()
        watching.wait()
        began = time.perf_counter()
        handled = contradictions_consume(batch_size=CONSUME_BATCH_SIZE, max_batches=1)
        ended.append(time.perf_counter())
        seconds.append(ended[0] - began)
        return handled

    consumed: dict[str, Any] = {}
    consumer = _on_thread(consume, consumed)
    ready.wait()
    watch.start(backend["pid"])
    watching.set()
    during = commands_on_schedule(finished=lambda: ended[0] if ended else None, first_number=10**6)
    consumer.join()
    watch.stop()
    connection.close()
    return {
        "claims": claims,
        "handled": consumed.get("result"),
        "flags": Event.objects.filter(type="ContradictionFlagged").count() - flags_before,
        "batch_seconds": round(seconds[0], 2),
        "lock_max_hold_ms": round(max(watch.holds, default=0.0) * 1000, 1),
        "lock_total_hold_ms": round(sum(watch.holds) * 1000, 1),
        "lock_holds": len(watch.holds),
        "lock_polls": watch.polls,
        "commands_during_batch": len(during),
        "command_ms_during_batch": {
            **latency_shares([seconds * 1000 for seconds in during], digits=1),
            "max": round(max(during) * 1000, 1),
        },
        "command_ms_idle": latency_shares([seconds * 1000 for seconds in idle], digits=1),
    }


def run(*, quick: bool) -> dict[str, Any]:
    result = measure(CLAIMS_QUICK if quick else CLAIMS)
    claims = result["claims"]
    during, idle = result["command_ms_during_batch"], result["command_ms_idle"]
    result["figures"] = [
        figure(
            key="contradiction_batch_lock_max_hold_ms",
            name=f"append lock, longest hold by a contradiction batch of {claims} similar claims",
            samples=[result["lock_max_hold_ms"]],
            unit="ms",
            note=f"{result['flags']:,} flags; pg_locks polled every {POLL_INTERVAL * 1000} ms",
        ),
        figure(
            key="contradiction_batch_lock_total_hold_ms",
            name=f"append lock, total hold by that batch ({result['lock_holds']} holds seen)",
            samples=[result["lock_total_hold_ms"]],
            unit="ms",
        ),
        figure(
            key="contradiction_batch_seconds",
            name=f"contradiction batch of {claims} similar claims",
            samples=[result["batch_seconds"]],
            unit="s",
        ),
    ]
    for share in ("p50", "p95"):
        result["figures"].append(
            figure(
                key=f"claim_command_{share}_during_contradiction_batch",
                name=f"claim command {share} while the batch runs "
                f"({result['commands_during_batch']} commands)",
                samples=[during[share]],
                unit="ms",
                note=f"with no batch running: {idle[share]} ms",
            )
        )
    return result
