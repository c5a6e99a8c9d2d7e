"""A Celery worker for the fault tests: the product's app and tasks, with an optional stall.

Usage: python -m tests.reliability.fault_worker [celery worker options...]

Environment (all optional):
- ``FAULT_STALL``: ``before-commit`` stalls in the contradiction consumer right before it appends
  a claim's flags (its index rows committed, the flags and the cursor move not);
  ``after-commit`` stalls after the consumer's work committed but before the task returns, so
  before its message is acknowledged; ``webhooks-mid-batch`` stalls in the webhook follower once
  a batch's deliveries are written but before they commit with the cursor move;
  ``webhooks-second-batch`` collects one event per batch and stalls inside the second batch (the
  first committed with its cursor move). Each time the
  worker writes ``FAULT_STALL_MARKER`` and sleeps, waiting for the test's SIGKILL.
- ``FAULT_SLOW_DISPATCH``: seconds each webhook dispatch's collect takes (a backlog); each
  call appends ``start <monotonic>`` and ``end <monotonic>`` lines to ``FAULT_DISPATCH_MARKER``.
- ``FAULT_VISIBILITY_TIMEOUT``: seconds after which Redis hands an unacknowledged message to
  another worker (Redis's default is one hour); the restore sweep then runs every second.

The stall is patched in here, in the test's worker process, so the product has no test-only path.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import django

STALL_SECONDS = 3600


def _stall(marker: Path, stage: str) -> None:
    marker.write_text(stage, encoding="utf-8")
    time.sleep(STALL_SECONDS)


def install_stall(stage: str, marker: Path) -> None:
    from reviews.contradictions import flagging, services

    if stage == "before-commit":
        flag = flagging.contradiction_flag_many

        def stall_then_flag(**kwargs: Any) -> Any:
            _stall(marker, stage)
            return flag(**kwargs)

        flagging.contradiction_flag_many = stall_then_flag
    elif stage == "after-commit":
        consume = services.contradictions_consume

        def consume_then_stall(**kwargs: Any) -> int:
            handled = consume(**kwargs)
            _stall(marker, stage)
            return handled

        services.contradictions_consume = consume_then_stall
    elif stage == "webhooks-mid-batch":
        from reviews.webhooks import outbox

        collect_batch = outbox._collect_batch

        def collect_then_stall(batch: Any, created: list[str]) -> None:
            collect_batch(batch, created)  # the batch's deliveries written, not committed
            _stall(marker, stage)

        outbox._collect_batch = collect_then_stall
    elif stage == "webhooks-second-batch":
        import functools
        from unittest import mock

        from reviews import tasks as review_tasks
        from reviews.webhooks import outbox

        # Batches of one event, and a stall inside the second batch: the first batch's
        # delivery and cursor move have committed (and its send is enqueued), the second's not.
        one_event = functools.partial(outbox.webhooks_collect, batch_size=1)
        mock.patch.object(review_tasks, "webhooks_collect", one_event).start()
        collect_batch = outbox._collect_batch
        batches = []

        def collect_then_stall_in_second(batch: Any, created: list[str]) -> None:
            collect_batch(batch, created)
            batches.append(batch)
            if len(batches) == 2:
                _stall(marker, stage)

        outbox._collect_batch = collect_then_stall_in_second
    else:
        raise SystemExit(f"unknown FAULT_STALL {stage!r}")


def install_slow_dispatch(seconds: float, marker: Path) -> None:
    from unittest import mock

    from reviews import tasks as review_tasks
    from reviews.webhooks.outbox import webhooks_collect as collect

    def slow_collect(**kwargs: Any) -> tuple[int, list[str]]:
        with marker.open("a", encoding="utf-8") as log:
            log.write(f"start {time.monotonic()}\n")
        time.sleep(seconds)
        result = collect(**kwargs)
        with marker.open("a", encoding="utf-8") as log:
            log.write(f"end {time.monotonic()}\n")
        return result

    mock.patch.object(review_tasks, "webhooks_collect", slow_collect).start()


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    from config.celery import app

    visibility = os.environ.get("FAULT_VISIBILITY_TIMEOUT")
    if visibility:
        app.conf.broker_transport_options = {
            "visibility_timeout": int(visibility),
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    stage = os.environ.get("FAULT_STALL", "")
    if stage:
        install_stall(stage, Path(os.environ["FAULT_STALL_MARKER"]))
    slow_dispatch = os.environ.get("FAULT_SLOW_DISPATCH", "")
    if slow_dispatch:
        install_slow_dispatch(float(slow_dispatch), Path(os.environ["FAULT_DISPATCH_MARKER"]))
    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
