"""Webhooks: publishers' endpoints, the outbox of deliveries, and signed sending with retries.

Deliveries are driven from the event log by a durable cursor (``ledger.consumers``): the
consumer writes one delivery row per (endpoint, event) in the same transaction that moves its
cursor, so an event is turned into deliveries exactly once even if a worker dies. Sending happens
after commit, outside any transaction; every try is recorded as a ``WebhookAttempt`` the
publisher can read, and failures are retried with exponential backoff up to ``MAX_ATTEMPTS``.

Signature: ``Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` with the
Unix ``Webhook-Timestamp`` header; receivers recompute it and reject old timestamps.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger import events as ev
from ledger.consumers import consumer_run_batch
from ledger.exceptions import InvalidCommand, NotFound
from ledger.models import ClaimView
from ledger.store import RecordedEvent, format_timestamp
from reviews.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)

logger = logging.getLogger(__name__)

CONSUMER_NAME = "webhooks"
COLLECT_BATCH_SIZE = 500
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30  # 30 s, 1 min, 2 min, ... about an hour before the last try
SEND_TIMEOUT_SECONDS = 10
LEASE = datetime.timedelta(seconds=SEND_TIMEOUT_SECONDS * 3)  # a worker's claim on a send
MAX_ENDPOINTS_PER_ORGANISATION = 20
SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
SIGNATURE_TOLERANCE_SECONDS = 300

WEBHOOK_TYPE_BY_EVENT: dict[str, WebhookEventType] = {
    ev.EventType.CLAIM_APPROVED: WebhookEventType.CLAIM_APPROVED,
    ev.EventType.CLAIM_SIGNED_OFF: WebhookEventType.CLAIM_SIGNED_OFF,
    ev.EventType.CLAIM_PUBLISHED: WebhookEventType.CLAIM_PUBLISHED,
    ev.EventType.CLAIM_RETRACTED: WebhookEventType.CLAIM_RETRACTED,
    ev.EventType.CONTRADICTION_FLAGGED: WebhookEventType.CLAIM_FLAGGED,
}


# --- Endpoints -----------------------------------------------------------------------------


_url_validator = URLValidator(schemes=["http", "https"])


def _check_url(url: str) -> str:
    url = url.strip()
    try:
        _url_validator(url)
    except ValidationError as error:
        raise InvalidCommand(f"{url!r} is not a valid http(s) URL") from error
    parts = urllib.parse.urlsplit(url)
    allowed = {"https", "http"} if settings.LEDGER_WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise InvalidCommand(f"a webhook URL must use {' or '.join(sorted(allowed))}")
    if not parts.hostname:
        raise InvalidCommand("a webhook URL needs a host")
    if parts.username or parts.password:
        raise InvalidCommand("a webhook URL cannot carry credentials; verify the signature")
    return url


def webhook_endpoint_register(
    *,
    organisation: str,
    url: str,
    event_types: list[str],
    description: str = "",
    actor: str,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint of ``organisation``; return it and its signing secret (shown once)."""
    if not event_types:
        raise InvalidCommand("choose at least one event type")
    unknown = sorted(set(event_types) - set(WebhookEventType.values))
    if unknown:
        raise InvalidCommand(f"unknown event type(s): {', '.join(unknown)}")
    url = _check_url(url)
    with transaction.atomic():
        active = WebhookEndpoint.objects.filter(organisation_id=organisation, is_active=True)
        if active.count() >= MAX_ENDPOINTS_PER_ORGANISATION:
            raise InvalidCommand(
                f"an organisation can have at most {MAX_ENDPOINTS_PER_ORGANISATION} endpoints"
            )
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        endpoint = WebhookEndpoint.objects.create(
            organisation_id=organisation,
            url=url,
            event_types=sorted(set(event_types)),
            secret=secret,
            description=description.strip(),
            created_by=actor,
        )
    return endpoint, secret


def webhook_endpoint_deactivate(*, organisation: str | None, endpoint_id: str) -> WebhookEndpoint:
    """Stop sending to an endpoint (its deliveries stay readable). ``None``: any organisation."""
    endpoints = WebhookEndpoint.objects.all()
    if organisation is not None:
        endpoints = endpoints.filter(organisation_id=organisation)
    endpoint = endpoints.filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
    return endpoint


# --- The outbox: from events to delivery rows ----------------------------------------------


def _claims_of(recorded: RecordedEvent) -> list[str]:
    if isinstance(recorded.event, ev.ContradictionFlagged):
        return list(dict.fromkeys(recorded.event.claims))
    return [recorded.stream_id]


def _payload(
    *, delivery_id: uuid.UUID, recorded: RecordedEvent, kind: str, claim: ClaimView
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "position": recorded.position,
        "type": recorded.type,
        "version": recorded.version,
        "recorded_at": format_timestamp(recorded.recorded_at),
    }
    if isinstance(recorded.event, ev.ContradictionFlagged):
        # The other claim may belong to another organisation: only the flag itself is sent.
        event["contradiction_id"] = recorded.stream_id
        event["score"] = recorded.event.score
        event["cues"] = recorded.event.cues
    else:
        event["data"] = recorded.event.to_data()
    return {
        "id": str(delivery_id),
        "type": kind,
        "claim": {
            "id": str(claim.claim_id),
            "status": claim.status,
            "version": claim.version,
            "text": claim.text,
            "publisher": claim.publisher,
        },
        "event": event,
    }


def _collect_event(recorded: RecordedEvent, created: list[str]) -> None:
    kind = WEBHOOK_TYPE_BY_EVENT[recorded.type]
    claims = ClaimView.objects.filter(claim_id__in=_claims_of(recorded))
    for claim in claims:
        if not claim.publisher:
            continue
        endpoints = WebhookEndpoint.objects.filter(
            organisation_id=claim.publisher,
            is_active=True,
            created_at__lte=recorded.recorded_at,  # endpoints get events from their creation on
        )
        for endpoint in endpoints:
            if kind not in endpoint.event_types:
                continue
            delivery_id = uuid.uuid4()
            delivery, was_created = WebhookDelivery.objects.get_or_create(
                endpoint=endpoint,
                event_position=recorded.position,
                claim_id=claim.claim_id,
                defaults={
                    "id": delivery_id,
                    "event_type": kind,
                    "payload": _payload(
                        delivery_id=delivery_id, recorded=recorded, kind=kind, claim=claim
                    ),
                    "created_at": timezone.now(),
                },
            )
            if was_created:
                created.append(str(delivery.pk))


def webhooks_collect(*, batch_size: int = COLLECT_BATCH_SIZE) -> tuple[int, list[str]]:
    """Turn the next events after the webhook cursor into delivery rows.

    Returns how many events were read and the ids of the deliveries created (to send them once
    the transaction has committed).
    """
    created: list[str] = []
    handled = consumer_run_batch(
        consumer=CONSUMER_NAME,
        handle=lambda recorded: _collect_event(recorded, created),
        batch_size=batch_size,
        types=list(WEBHOOK_TYPE_BY_EVENT),
    )
    return handled, created


def webhook_deliveries_due(*, limit: int) -> list[str]:
    """Pending deliveries whose next try is due (a lost task message is picked up here)."""
    now = timezone.now()
    rows = (
        WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [str(pk) for pk in rows]


# --- Signing and sending -------------------------------------------------------------------


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead past the address check: it counts as a failed attempt."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _address_refusal(url: str) -> str:
    if settings.LEDGER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return ""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as error:
        return f"cannot resolve {host}: {error}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"refused: {host} resolves to a non-public address"
    return ""


@dataclasses.dataclass(frozen=True)
class SendOutcome:
    response_status: int | None
    error: str


def _send(*, url: str, body: bytes, headers: dict[str, str]) -> SendOutcome:
    refusal = _address_refusal(url)
    if refusal:
        return SendOutcome(response_status=None, error=refusal)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=SEND_TIMEOUT_SECONDS) as response:
            return SendOutcome(response_status=response.status, error="")
    except urllib.error.HTTPError as error:
        return SendOutcome(response_status=error.code, error=f"HTTP {error.code}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return SendOutcome(response_status=None, error=str(reason)[:500])


def backoff_seconds(attempt_number: int) -> int:
    """The wait after the ``attempt_number``-th failed try: 30 s, 60 s, 120 s, ..."""
    return int(BACKOFF_BASE_SECONDS * 2 ** (attempt_number - 1))


@dataclasses.dataclass(frozen=True)
class AttemptResult:
    delivery_id: str
    status: str
    attempted: bool
    retry_in_seconds: int | None


def webhook_delivery_attempt(*, delivery_id: str) -> AttemptResult:
    """Try to send one delivery now, if it is pending and due; record the attempt.

    A worker first leases the delivery (moves its next try past the send timeout) and commits,
    so a second worker given the same delivery does nothing; the HTTP call runs outside any
    transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            raise NotFound(f"no webhook delivery {delivery_id}")
        due = delivery.next_attempt_at is None or delivery.next_attempt_at <= now
        if delivery.status != WebhookDeliveryStatus.PENDING or not due:
            return AttemptResult(
                delivery_id=delivery_id,
                status=delivery.status,
                attempted=False,
                retry_in_seconds=None,
            )
        if not delivery.endpoint.is_active:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.save(update_fields=["status"])
            return AttemptResult(
                delivery_id=delivery_id,
                status=delivery.status,
                attempted=False,
                retry_in_seconds=None,
            )
        delivery.attempt_count += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempt_count", "next_attempt_at"])
        number = delivery.attempt_count
    endpoint = delivery.endpoint
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
    outcome = _send(url=endpoint.url, body=body, headers=headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    succeeded = outcome.response_status is not None and 200 <= outcome.response_status < 300
    finished = timezone.now()
    retry_in: int | None = None
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            attempted_at=finished,
            response_status=outcome.response_status,
            error=outcome.error,
            duration_ms=duration_ms,
        )
        if succeeded:
            delivery.status = WebhookDeliveryStatus.SUCCEEDED
            delivery.delivered_at = finished
            delivery.next_attempt_at = None
        elif number >= MAX_ATTEMPTS:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            retry_in = backoff_seconds(number)
            delivery.next_attempt_at = finished + datetime.timedelta(seconds=retry_in)
        delivery.save(update_fields=["status", "delivered_at", "next_attempt_at"])
    if not succeeded:
        logger.info("webhook delivery %s attempt %s failed: %s", delivery.pk, number, outcome.error)
    return AttemptResult(
        delivery_id=delivery_id,
        status=delivery.status,
        attempted=True,
        retry_in_seconds=retry_in,
    )


def webhook_delivery_redeliver(*, organisation: str | None, delivery_id: str) -> WebhookDelivery:
    """Make a finished delivery pending again (a publisher fixed their endpoint)."""
    deliveries = WebhookDelivery.objects.all()
    if organisation is not None:
        deliveries = deliveries.filter(endpoint__organisation_id=organisation)
    with transaction.atomic():
        delivery = deliveries.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(f"no webhook delivery {delivery_id}")
        if delivery.status == WebhookDeliveryStatus.PENDING:
            raise InvalidCommand("this delivery is still pending; it will be retried")
        delivery.status = WebhookDeliveryStatus.PENDING
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "next_attempt_at"])
    return delivery
