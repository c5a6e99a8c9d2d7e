"""Followers of the event log: the work that new events trigger, declared as data.

A follower reads the events of some types after its durable cursor (``ConsumerCursor``, named
after the follower) and advances it with one Celery task, named here by a string: ``ledger``
imports nothing from the apps whose tasks they are. Two things make a follower run:

- the nudge: every transaction that appends events schedules, through ``transaction.on_commit``,
  one send of the task of each follower concerned by the event types it appended
  (``followers_nudge``, called by every entry point of ``ledger.store``); a broker outage is
  logged, never raised, the command having committed;
- the sweep: one periodic task (``ledger.followers_sweep``, CELERY_BEAT_SCHEDULE) sends every
  follower's task, so a nudge lost to an outage only delays.

A follower's task runs its work through ``follower_run``: one run at a time (a lease that dies
with its worker's connection), and a run that finds another under way returns at once, the run
under way checking the log again when it ends, so nothing a nudge was for waits for the sweep.

Adding a follower is one entry in ``FOLLOWERS`` (and its task); see docs/architecture.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from ledger.events import EventType
from ledger.models import ConsumerCursor, Event

logger = logging.getLogger(__name__)

NUDGE_TIMEOUT = 2  # seconds to reach the broker before giving up (the sweep catches up)
MAX_ROUNDS_PER_RUN = 10  # bounds one task when events keep coming; the next nudge continues
# The first key of the two-key advisory locks that lease followers (ledger.consumers uses the
# same class and key, so a follower's lease and its consumer's lease are one lock).
LEASE_LOCK_CLASS = 0x1ED6


@dataclasses.dataclass(frozen=True)
class Follower:
    """``name``: its cursor's name; ``event_types``: what it reads; ``task``: the Celery task
    (by name) that advances it, taking no arguments."""

    name: str
    event_types: frozenset[str]
    task: str


# Every follower. DataRedacted is read by each follower that keeps a copy of claim text, so
# a redaction reaches its copies (docs/adr/0007-redaction.md).
FOLLOWERS: tuple[Follower, ...] = (
    Follower(
        name="contradictions",
        event_types=frozenset(
            {EventType.CLAIM_RECORDED, EventType.CLAIM_REVISED, EventType.DATA_REDACTED}
        ),
        task="reviews.tasks.contradictions_follow",
    ),
    Follower(
        name="webhooks",
        event_types=frozenset(
            {
                EventType.CLAIM_APPROVED,
                EventType.CLAIM_SIGNED_OFF,
                EventType.CLAIM_PUBLISHED,
                EventType.CLAIM_RETRACTED,
                EventType.CONTRADICTION_FLAGGED,
                EventType.CLAIM_MATCHED,
                EventType.DATA_REDACTED,
            }
        ),
        task="reviews.tasks.webhooks_follow",
    ),
    Follower(
        name="matching",
        event_types=frozenset({EventType.CLAIM_RECORDED}),
        task="reviews.tasks.matching_follow",
    ),
    Follower(
        name="idempotent-responses",
        event_types=frozenset({EventType.DATA_REDACTED}),
        task="reviews.tasks.idempotent_responses_follow",
    ),
)


def follower_named(name: str) -> Follower:
    for follower in FOLLOWERS:
        if follower.name == name:
            return follower
    raise KeyError(f"no follower {name!r} in ledger.followers.FOLLOWERS")


# --- Nudges ------------------------------------------------------------------------------------


def _sweep_seconds() -> int:
    return int(getattr(settings, "FOLLOWERS_SWEEP_SECONDS", 5))


def task_send(
    task: str,
    calls: Iterable[tuple[str, ...]] = ((),),
    *,
    expires: int | None = None,
    label: str = "",
) -> bool:
    """Send the Celery task named ``task`` once for each argument tuple of ``calls`` (default:
    once, without arguments), now, over one broker connection (run each here in the embedded
    mode); False when that failed.

    Never raises: whatever prompted the send has committed, and a periodic sweep sends again.
    The messages are published without Celery's publish retries, so a broker that is down costs
    one refused connection, not seconds of retrying inside the caller's request; they expire
    after ``expires`` seconds (None: never). By name, so that a module the task's own module
    imports can send it. A failure is logged naming ``label`` (default: the task).
    """
    app = current_app
    pending = list(calls)
    if not pending:
        return True
    if app.conf.task_always_eager:
        # The embedded mode runs the task here, now, found by name: load the apps' task
        # modules first (Celery's autodiscovery, otherwise done by a worker at start), or a
        # process that never imported them (runserver, one management command) finds none.
        app.loader.import_default_modules()
        # Every call runs, even after one that failed, as every message would be delivered.
        ran = [_task_run(app, task, args, label=label) for args in pending]
        return all(ran)
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=NUDGE_TIMEOUT
            )
            for args in pending:
                app.send_task(task, args=args, connection=broker, retry=False, expires=expires)
    except Exception:  # the broker's connection errors vary by transport
        _send_failed(label or task)
        return False
    return True


def _task_run(app: Any, task: str, args: tuple[str, ...], *, label: str) -> bool:
    """Run one call of an eager task; a failure is logged like a lost message."""
    try:
        app.tasks[task].apply(args=args)
    except Exception:
        _send_failed(label or f"{task}{args}")
        return False
    return True


def _send_failed(what: str) -> None:
    logger.warning("could not run %s now; the periodic sweep will catch up", what, exc_info=True)


def follower_send(follower: Follower) -> bool:
    """Send ``follower``'s task now (``task_send``); False when that failed. The message expires
    after one sweep interval: by then the sweep has sent the same work again."""
    return task_send(follower.task, expires=_sweep_seconds(), label=f"follower {follower.name}")


class _Nudge:
    """The followers one transaction concerns, sent once at its commit."""

    def __init__(self) -> None:
        self.followers: set[str] = set()
        self.sent = False

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True
        for follower in FOLLOWERS:
            if follower.name in self.followers:
                follower_send(follower)


# Per connection, the nudge collecting the current transaction's followers.
_NUDGES: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Nudge] = weakref.WeakKeyDictionary()


def followers_nudge(event_types: Iterable[str]) -> None:
    """After the current transaction commits (at once outside one), send the task of every
    follower reading one of ``event_types``; once per transaction, however many appends it made.

    Each append registers the nudge's ``send`` with ``transaction.on_commit`` (so a rolled-back
    savepoint drops only its own registration); the first to run sends, the others find it
    sent. A follower named by a rolled-back append alone may be nudged needlessly: a nudge is a
    hint, the follower reads the log.
    """
    appended = set(event_types)
    concerned = {follower.name for follower in FOLLOWERS if follower.event_types & appended}
    if not concerned:
        return
    wrapper = transaction.get_connection()
    nudge = _NUDGES.get(wrapper)
    if nudge is None or nudge.sent:
        nudge = _NUDGES[wrapper] = _Nudge()
    nudge.followers |= concerned
    transaction.on_commit(nudge.send)


def followers_sweep() -> int:
    """Send every follower's task (the periodic sweep); return how many were sent."""
    return sum(follower_send(follower) for follower in FOLLOWERS)


# --- Running a follower ------------------------------------------------------------------------


def lease_key(name: str) -> int:
    """A stable signed 32-bit key for a follower name (``hash()`` changes between processes)."""
    return zlib.crc32(name.encode()) - 2**31


@contextlib.contextmanager
def _lease_tried(name: str) -> Iterator[bool]:
    """Try to become the only runner of follower ``name``; yields whether this run is.

    On PostgreSQL a session-level advisory lock, released when the block ends or, if the worker
    dies, when its connection closes (no lock outlives its worker). SQLite (the embedded mode,
    one process) needs none.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LEASE_LOCK_CLASS, lease_key(name)])
        (leased,) = cursor.fetchone()
    try:
        yield bool(leased)
    finally:
        if leased:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [LEASE_LOCK_CLASS, lease_key(name)]
                )


def follower_behind(follower: Follower) -> bool:
    """Whether an event the follower reads lies after its cursor."""
    position = (
        ConsumerCursor.objects.filter(name=follower.name).values_list("position", flat=True).first()
    )
    return Event.objects.filter(
        position__gt=position or 0, type__in=sorted(follower.event_types)
    ).exists()


def follower_run(*, name: str, advance: Callable[[], int]) -> int | None:
    """Run ``advance`` (the follower's work: read after its cursor, act, move it) as the only
    run of follower ``name``; return the events it handled, or None when another run held it.

    Once ``advance`` returns and the lease is released, the log is checked again: a nudge that
    arrived meanwhile found the lease taken and left its events to this run.
    """
    follower = follower_named(name)
    total = 0
    for _ in range(MAX_ROUNDS_PER_RUN):
        with _lease_tried(name) as leased:
            if not leased:
                if total == 0:
                    logger.info("skipped follower %s: another run holds its lease", name)
                    return None
                return total
            total += advance()
        if not follower_behind(follower):
            break
    return total
