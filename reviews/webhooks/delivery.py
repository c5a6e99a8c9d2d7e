"""Sending a webhook delivery: signed, leased, bounded per organisation, retried with backoff.

Sending happens after commit, outside any transaction, within one total time limit
(``reviews.webhooks.http``); every try is recorded as a ``WebhookAttempt`` the publisher can
read from the moment it starts, and failures are retried with exponential backoff up to
``MAX_ATTEMPTS``. A lease with a fencing token keeps a delivery from being sent twice at once,
and an organisation gets a bounded share of the sends under way
(docs/adr/0023-bounded-sends-and-single-flight.md).

Signature: ``Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with the
Unix ``Webhook-Timestamp`` header; receivers recompute it and reject old timestamps.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import json
import logging
import time
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger.exceptions import InvalidCommand, NotFound
from ledger.followers import task_send
from reviews.actors import Actor
from reviews.models import (
    WebhookAttempt,
    WebhookAttemptOutcome,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from reviews.webhooks.endpoints import webhooks_managed_organisation
from reviews.webhooks.http import SendOutcome, send_post
from reviews.webhooks.selectors import deliveries_visible

logger = logging.getLogger(__name__)

# The Celery task that sends one delivery (``reviews.tasks.webhook_deliver``), named here so
# that a service of this module can send it without importing the tasks module that imports it.
DELIVER_TASK = "reviews.tasks.webhook_deliver"
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30  # 30 s, 1 min, 2 min, ... about an hour before the last try
SEND_TIMEOUT_SECONDS = 10  # the total time limit of one send: resolve, connect, write, read
# A worker's claim on a send: past the send's total limit, with room to record the outcome, so
# the retry sweep never sends a delivery whose send may still be under way.
LEASE = datetime.timedelta(seconds=SEND_TIMEOUT_SECONDS + 20)
DEFER_SECONDS = 2  # the wait of a delivery whose organisation has its share of sends under way
MAX_DEFER_SECONDS = 60  # ... however many of the organisation's deliveries wait with it
INTERRUPTED_ERROR = "interrupted: the worker stopped before recording an outcome"
SIGNATURE_VERSION = "v1"
SIGNATURE_TOLERANCE_SECONDS = 300


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(
        secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256
    ).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def webhook_signature_verify(
    *,
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    now: float | None = None,
    tolerance_seconds: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: recompute the signature and refuse stale timestamps (replays)."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - moment) > tolerance_seconds:
        return False
    expected = webhook_signature(secret=secret, timestamp=moment, body=body)
    return hmac.compare_digest(expected, signature)


def backoff_seconds(attempt_number: int) -> int:
    """The wait after the ``attempt_number``-th failed try: 30 s, 60 s, 120 s, ..."""
    return int(BACKOFF_BASE_SECONDS * 2 ** (attempt_number - 1))


@dataclasses.dataclass(frozen=True)
class AttemptResult:
    delivery_id: str
    status: str
    attempted: bool
    retry_in_seconds: int | None  # when to try again (a failed try, or one deferred)


@dataclasses.dataclass(frozen=True)
class _Lease:
    delivery: WebhookDelivery
    attempt: WebhookAttempt
    token: uuid.UUID


def _not_attempted(delivery: WebhookDelivery, retry_in: int | None = None) -> AttemptResult:
    return AttemptResult(
        delivery_id=str(delivery.pk),
        status=delivery.status,
        attempted=False,
        retry_in_seconds=retry_in,
    )


def _sends_in_flight(*, organisation: str, now: datetime.datetime) -> int:
    """Deliveries of ``organisation`` leased now (locks its endpoints: leases are serialized)."""
    list(
        WebhookEndpoint.objects.select_for_update()
        .filter(organisation_id=organisation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return WebhookDelivery.objects.filter(
        endpoint__organisation_id=organisation,
        status=WebhookDeliveryStatus.PENDING,
        lease_token__isnull=False,
        next_attempt_at__gt=now,
    ).count()


def _deferral_seconds(*, organisation: str, now: datetime.datetime) -> int:
    """How long a delivery of ``organisation`` waits for its turn.

    ``DEFER_SECONDS`` per round of its share among the organisation's deliveries waiting, up
    to ``MAX_DEFER_SECONDS``: a long queue of one organisation is retried about as often as
    its sends can go out, instead of every waiting delivery coming back every 2 s.
    """
    waiting = (
        WebhookDelivery.objects.filter(
            endpoint__organisation_id=organisation, status=WebhookDeliveryStatus.PENDING
        )
        .filter(Q(lease_token__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(
            Q(next_attempt_at__isnull=True)
            | Q(next_attempt_at__lte=now + datetime.timedelta(seconds=MAX_DEFER_SECONDS))
        )
        .count()
    )
    rounds = -(-waiting // settings.LEDGER_WEBHOOK_SENDS_PER_ORGANISATION)  # ceiling
    return min(MAX_DEFER_SECONDS, DEFER_SECONDS * max(1, rounds))


def _delivery_lease(delivery_id: str) -> _Lease | AttemptResult:
    """Lease a due delivery for one send and write its attempt row, or say why not."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            raise NotFound(f"no webhook delivery {delivery_id}")
        now = timezone.now()  # after the row lock: a wait for it does not shorten the lease
        due = delivery.next_attempt_at is None or delivery.next_attempt_at <= now
        if delivery.status != WebhookDeliveryStatus.PENDING or not due:
            return _not_attempted(delivery)
        # An attempt still "sending" once its lease has expired lost its worker mid-send.
        interrupted = delivery.attempts.filter(outcome=WebhookAttemptOutcome.SENDING).update(
            outcome=WebhookAttemptOutcome.INTERRUPTED, error=INTERRUPTED_ERROR
        )
        last_attempt_interrupted = interrupted > 0 and delivery.attempt_count >= MAX_ATTEMPTS
        if not delivery.endpoint.is_active or last_attempt_interrupted:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.lease_token = None
            delivery.save(update_fields=["status", "next_attempt_at", "lease_token"])
            return _not_attempted(delivery)
        organisation = delivery.endpoint.organisation_id
        if _sends_in_flight(organisation=organisation, now=now) >= (
            settings.LEDGER_WEBHOOK_SENDS_PER_ORGANISATION
        ):
            # The organisation's other sends hold its share of the workers: wait its turn.
            wait = _deferral_seconds(organisation=organisation, now=now)
            delivery.next_attempt_at = now + datetime.timedelta(seconds=wait)
            delivery.save(update_fields=["next_attempt_at"])
            return _not_attempted(delivery, retry_in=wait)
        token = uuid.uuid4()
        delivery.attempt_count += 1
        delivery.next_attempt_at = now + LEASE
        delivery.lease_token = token
        delivery.save(update_fields=["attempt_count", "next_attempt_at", "lease_token"])
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempt_count,
            attempted_at=now,
            outcome=WebhookAttemptOutcome.SENDING,
        )
    return _Lease(delivery=delivery, attempt=attempt, token=token)


def _attempt_record(lease: _Lease, outcome: SendOutcome, duration_ms: int) -> AttemptResult:
    """Record the outcome on the attempt, and on the delivery only if the lease is still ours."""
    delivery, number = lease.delivery, lease.attempt.number
    succeeded = outcome.response_status is not None and 200 <= outcome.response_status < 300
    finished = timezone.now()
    retry_in: int | None = None
    status: str
    if succeeded:
        status, delivered_at, next_attempt_at = WebhookDeliveryStatus.SUCCEEDED, finished, None
    elif number >= MAX_ATTEMPTS:
        status, delivered_at, next_attempt_at = WebhookDeliveryStatus.FAILED, None, None
    else:
        retry_in = backoff_seconds(number)
        status, delivered_at = WebhookDeliveryStatus.PENDING, None
        next_attempt_at = finished + datetime.timedelta(seconds=retry_in)
    with transaction.atomic():
        WebhookAttempt.objects.filter(pk=lease.attempt.pk).update(
            outcome=WebhookAttemptOutcome.SUCCEEDED if succeeded else WebhookAttemptOutcome.FAILED,
            attempted_at=finished,
            response_status=outcome.response_status,
            error=outcome.error,
            duration_ms=duration_ms,
        )
        held = WebhookDelivery.objects.filter(pk=delivery.pk, lease_token=lease.token).update(
            status=status,
            delivered_at=delivered_at,
            next_attempt_at=next_attempt_at,
            lease_token=None,
        )
    if not held:
        # Only a worker stalled past its lease gets here; whoever leased next owns the delivery.
        logger.warning("webhook delivery %s attempt %s outlived its lease", delivery.pk, number)
        status = WebhookDelivery.objects.values_list("status", flat=True).get(pk=delivery.pk)
        return AttemptResult(
            delivery_id=str(delivery.pk), status=status, attempted=True, retry_in_seconds=None
        )
    if not succeeded:
        logger.info("webhook delivery %s attempt %s failed: %s", delivery.pk, number, outcome.error)
    return AttemptResult(
        delivery_id=str(delivery.pk), status=status, attempted=True, retry_in_seconds=retry_in
    )


def webhook_delivery_attempt(*, delivery_id: str) -> AttemptResult:
    """Try to send one delivery now, if it is pending and due; record the attempt.

    A worker first leases the delivery (moves its next try past the send's total time limit,
    under a fresh lease token) and writes the attempt row, and commits, so a second worker
    given the same delivery does nothing and a worker killed mid-send leaves a listed attempt
    (``interrupted`` once the lease has expired). The HTTP call runs outside any transaction,
    within ``SEND_TIMEOUT_SECONDS`` in all. An organisation with
    ``LEDGER_WEBHOOK_SENDS_PER_ORGANISATION`` sends under way waits its turn
    (``_deferral_seconds``), so one organisation's slow endpoints cannot take every worker.
    """
    lease = _delivery_lease(delivery_id)
    if isinstance(lease, AttemptResult):
        return lease
    delivery, endpoint = lease.delivery, lease.delivery.endpoint
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "claims-ledger-webhooks/1",
        "Webhook-Id": str(delivery.pk),
        "Webhook-Event": delivery.event_type,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": webhook_signature(
            secret=endpoint.secret, timestamp=timestamp, body=body
        ),
    }
    started = time.monotonic()
    outcome = send_post(
        url=endpoint.url,
        body=body,
        headers=headers,
        deadline_seconds=SEND_TIMEOUT_SECONDS,
        allow_private_addresses=settings.LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    )
    duration_ms = int((time.monotonic() - started) * 1000)
    return _attempt_record(lease, outcome, duration_ms)


def webhook_delivery_redeliver(*, actor: Actor, delivery_id: str) -> WebhookDelivery:
    """Make a finished delivery of ``actor``'s organisation pending again (a publisher fixed
    their endpoint).

    NotFound for a delivery ``actor`` does not see, before PermissionDenied for one they see but
    may not change; InvalidCommand for one still pending.
    """
    if not deliveries_visible(actor=actor).filter(pk=delivery_id).exists():
        raise NotFound(f"no webhook delivery {delivery_id}")
    organisation = webhooks_managed_organisation(actor=actor)
    deliveries = WebhookDelivery.objects.filter(endpoint__organisation_id=organisation)
    with transaction.atomic():
        delivery = deliveries.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(f"no webhook delivery {delivery_id}")
        if delivery.status == WebhookDeliveryStatus.PENDING:
            raise InvalidCommand("this delivery is still pending; it will be retried")
        delivery.status = WebhookDeliveryStatus.PENDING
        delivery.next_attempt_at = None
        delivery.lease_token = None
        delivery.save(update_fields=["status", "next_attempt_at", "lease_token"])
        # Sent once the delivery is pending for all to see; a lost send waits for the sweep
        # (webhooks_retry_due), which finds every pending delivery that is due.
        transaction.on_commit(lambda: task_send(DELIVER_TASK, [(str(delivery.pk),)]))
    return delivery
