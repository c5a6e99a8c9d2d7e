"""Faults around real Celery workers on Redis, against PostgreSQL: nothing lost, nothing doubled.

- A worker SIGKILLed in the middle of the contradiction task: the message was not acknowledged
  (``acks_late``), Redis hands it to the next worker, and the pair is flagged exactly once,
  whether the kill landed before or after the task's work committed.
- A worker SIGKILLed inside the webhook follower's batch (its only batch, or its second after the
  first committed): its message was not acknowledged (``acks_late``), Redis redelivers it, the
  task resumes from the cursor and each delivery is sent once.
- The broker down while claims are submitted over the API: the commands succeed, and once the
  broker is back the beat sweep catches up from the durable cursor.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from config.celery import app as celery_app
from ledger.claims import ClaimStatus
from ledger.models import ConsumerCursor, ContradictionView, Event
from ledger.services import claim_record
from ledger.verification import ledger_verify
from reviews.actor_reads import actor_for_user
from reviews.contradictions.models import ClaimFeatureRow
from reviews.contradictions.services import CONSUMER_NAME
from reviews.keys import api_key_create
from reviews.models import Membership, Organisation, WebhookDelivery
from reviews.roles import Role
from reviews.tasks import contradictions_follow, webhooks_follow
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import CONSUMER_NAME as WEBHOOKS_CONSUMER
from tests.actors import publisher_actor
from tests.api.test_webhooks import Receiver
from tests.claims import SILENT, SUPPORT, claim_brought_to
from tests.reliability.conftest import ROOT, figures_record, subprocess_environment

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.usefixtures("ledger_transactional_db"),
]

WAIT_SECONDS = 60
VISIBILITY_TIMEOUT_SECONDS = 3


def wait_for(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.2)


class Worker:
    """A ``tests.reliability.fault_worker`` process and its log file."""

    def __init__(self, log: Path, broker_url: str, *options: str, **environment: str) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.reliability.fault_worker",
                # prefork, as in production: the event loop stays free while a task runs,
                # so an early acknowledgement would really be sent (the solo pool defers it)
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                f"--logfile={log}",
                *options,
            ],
            cwd=ROOT,
            env=subprocess_environment(
                CELERY_BROKER_URL=broker_url,
                FAULT_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT_SECONDS),
                **environment,
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the pool's children die with it
        )

    def logged(self, text: str) -> bool:
        return self.log.exists() and text in self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self) -> None:
        wait_for(lambda: self.logged(" ready."), f"worker ready ({self.log})")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a lost machine would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=30)
        self.kill()  # whatever is left of its group


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(name: str, broker_url: str, *options: str, **environment: str) -> Worker:
        worker = Worker(tmp_path / f"{name}.log", broker_url, *options, **environment)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def flags_appended() -> int:
    return Event.objects.filter(type="ContradictionFlagged").count()


def cursor_position() -> int:
    cursor = ConsumerCursor.objects.filter(name=CONSUMER_NAME).first()
    return cursor.position if cursor else 0


# --- A worker killed mid-task ----------------------------------------------------------------


@pytest.mark.parametrize("stage", ["before-commit", "after-commit"])
def test_a_worker_killed_mid_task_is_redelivered_and_flags_the_pair_once(
    workers, metadata, tmp_path, stage
):
    # given two contradicting claims, an empty queue, and a worker that stalls mid-task
    broker = settings.CELERY_BROKER_URL
    celery_app.control.purge()
    claims = sorted(
        claim_record(text=text, metadata=metadata).claim_id for text in (SUPPORT, SILENT)
    )
    head = Event.objects.order_by("-position").values_list("position", flat=True)[0]
    marker = tmp_path / "stalled"
    first = workers("first", broker, FAULT_STALL=stage, FAULT_STALL_MARKER=str(marker))
    first.wait_ready()

    # when the task is sent, starts, and its worker is SIGKILLed while it stalls
    task = contradictions_follow.delay()
    wait_for(marker.exists, f"the first worker to stall {stage}")
    first.kill()

    # then the kill left the work undone (before commit) or done once (after commit)
    done_before_redelivery = flags_appended()
    assert done_before_redelivery == (1 if stage == "after-commit" else 0)
    assert cursor_position() == (head if stage == "after-commit" else 0)

    # when a second worker starts, Redis redelivers the unacknowledged message to it
    second = workers("second", broker)
    wait_for(lambda: second.logged(f"[{task.id}] succeeded"), "the redelivered task")

    # then the same task ran again and the pair is flagged exactly once
    assert second.logged(f"[{task.id}] received")
    assert flags_appended() == 1
    flag = ContradictionView.objects.get()
    assert sorted([str(flag.claim_a), str(flag.claim_b)]) == claims
    assert cursor_position() == head
    assert ledger_verify().intact
    figures_record(
        f"worker-killed-{stage}",
        faults_injected=1,
        redelivered=1,
        flags_expected=1,
        flags_appended=flags_appended(),
    )


# --- The webhook follower killed mid-batch ----------------------------------------------------


@pytest.mark.parametrize("stage", ["webhooks-mid-batch", "webhooks-second-batch"])
def test_a_webhook_follower_killed_mid_batch_is_redelivered_and_resumes_from_its_cursor(
    workers, tmp_path, settings, stage
):
    # given an endpoint of an organisation, three of its claims approved (three deliveries),
    # an empty queue, and a worker that stalls inside the webhook follower: in its one batch
    # (nothing committed), or in its second batch of one event (the first committed)
    settings.LEDGER_WEBHOOK_ALLOW_HTTP = True
    settings.LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    Organisation.objects.create(slug="daily-planet", name="Daily Planet")
    with Receiver() as receiver:
        webhook_endpoint_register(
            actor=publisher_actor(organisation="daily-planet", username="pat"),
            url=receiver.url,
            event_types=["claim.approved"],
        )
        for text in (SUPPORT, SILENT, "The treaty was signed in 1994."):
            claim_brought_to(
                ClaimStatus.APPROVED, text=text, publisher="daily-planet", assignee=None
            )
        celery_app.control.purge()  # the nudges of the setup: the test sends its own task
        approvals = list(
            Event.objects.filter(type="ClaimApproved")
            .order_by("position")
            .values_list("position", flat=True)
        )
        head = Event.objects.order_by("-position").values_list("position", flat=True)[0]
        marker = tmp_path / "stalled"
        allow = {
            "LEDGER_WEBHOOK_ALLOW_HTTP": "true",
            "LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
        }
        broker = settings.CELERY_BROKER_URL
        first = workers("first", broker, FAULT_STALL=stage, FAULT_STALL_MARKER=str(marker), **allow)
        first.wait_ready()

        # when the follower's task starts and its worker is SIGKILLed mid-batch
        task = webhooks_follow.delay()
        wait_for(marker.exists, f"the first worker to stall ({stage})")
        first.kill()

        # then only what had committed stayed: nothing, or the first batch with its cursor move
        committed = 0 if stage == "webhooks-mid-batch" else 1
        assert WebhookDelivery.objects.count() == committed
        assert webhook_cursor_position() == ([0, *approvals][committed])

        # when a second worker starts, Redis redelivers the unacknowledged follower message
        # (acks_late) to it; no sweep and no other task is sent
        second = workers("second", broker, **allow)
        wait_for(lambda: second.logged(f"[{task.id}] succeeded"), "the redelivered task")
        wait_for(lambda: len(receiver.requests) >= 3, "three webhook requests")
        time.sleep(1)  # a duplicate send, if any, would arrive now

        # then the same task ran again from the cursor, and each approval was delivered once
        assert second.logged(f"[{task.id}] received")
        delivered_ids = [json.loads(request["body"])["id"] for request in receiver.requests]
        assert len(delivered_ids) == 3
        assert sorted(delivered_ids) == sorted(
            str(pk) for pk in WebhookDelivery.objects.values_list("pk", flat=True)
        )
        assert sorted(WebhookDelivery.objects.values_list("event_position", flat=True)) == (
            approvals
        )
        assert webhook_cursor_position() == head
    figures_record(
        f"webhook-follower-killed-{stage}",
        faults_injected=1,
        redelivered=1,
        deliveries_expected=3,
        requests_received=len(delivered_ids),
    )


def webhook_cursor_position() -> int:
    cursor = ConsumerCursor.objects.filter(name=WEBHOOKS_CONSUMER).first()
    return cursor.position if cursor else 0


# --- The broker down while claims are committed ----------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """A redis-server of this test's own, on a port nobody else uses, to stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, f"redis-server on port {self.port}", seconds=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    try:
        yield server
    finally:
        server.stop()


SUBMITTED_CLAIMS = [
    SUPPORT,
    SILENT,
    "Tehran reportedly sent $100 million to Hamas in 2023, according to officials.",
    "Qatar hosted talks between the parties on 3 May 2024.",
]


def api_token() -> str:
    organisation = Organisation.objects.create(slug="daily-planet", name="Daily Planet")
    user = get_user_model().objects.create_user(username="pat", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=Role.PUBLISHER)[0])
    Membership.objects.create(user=user, organisation=organisation)
    _, token = api_key_create(
        actor=actor_for_user(user=user), name="site", scopes=["read", "submit"]
    )
    return token


def test_commands_succeed_while_the_broker_is_down_and_the_sweep_catches_up(
    workers, private_redis, tmp_path
):
    # given a worker with an embedded beat (sweep every second) on a broker of our own
    token = api_token()
    private_redis.start()
    worker = workers(
        "sweeper",
        private_redis.url,
        "--beat",
        f"--schedule={tmp_path / 'beat-schedule'}",
        FOLLOWERS_SWEEP_SECONDS="1",
    )
    worker.wait_ready()

    # when the broker goes down and a web process submits claims over the API
    private_redis.stop()
    submitted = subprocess.run(
        [sys.executable, "-m", "tests.reliability.api_submitter", token, *SUBMITTED_CLAIMS],
        cwd=ROOT,
        env=subprocess_environment(CELERY_BROKER_URL=private_redis.url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    # then every command succeeded; the failed nudges were only logged
    assert submitted.returncode == 0, submitted.stderr
    outcomes = json.loads(submitted.stdout)
    assert [outcome["status"] for outcome in outcomes] == [201] * len(SUBMITTED_CLAIMS)
    assert "the periodic sweep will catch up" in submitted.stderr
    claim_ids = {outcome["id"] for outcome in outcomes}
    head = Event.objects.order_by("-position").values_list("position", flat=True)[0]
    assert Event.objects.filter(type="ClaimRecorded").count() == len(SUBMITTED_CLAIMS)
    assert flags_appended() == 0  # nothing could reach the worker

    # when the broker comes back (empty: whatever it held is gone too)
    private_redis.start()

    # then the beat sweep follows the event log from the cursor: every claim is checked once
    wait_for(lambda: cursor_position() == head, "the sweep to catch up")
    indexed = {str(pk) for pk in ClaimFeatureRow.objects.values_list("pk", flat=True)}
    assert indexed == claim_ids
    assert flags_appended() == 1
    flag = ContradictionView.objects.get()
    assert {str(flag.claim_a), str(flag.claim_b)} == {outcomes[0]["id"], outcomes[1]["id"]}
    assert ledger_verify().intact
    figures_record(
        "broker-down",
        faults_injected=1,
        commands_attempted=len(outcomes),
        commands_accepted=sum(outcome["status"] == 201 for outcome in outcomes),
        claims_checked_after_recovery=len(indexed),
        flags_appended=flags_appended(),
    )
