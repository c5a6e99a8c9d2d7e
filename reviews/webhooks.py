"""Webhooks: publishers' endpoints, the outbox of deliveries, and signed sending with retries.

Deliveries are driven from the event log by a durable cursor (``ledger.consumers``): the
consumer writes one delivery row per (endpoint, event) in the same transaction that moves its
cursor, so an event is turned into deliveries exactly once even if a worker dies. Sending happens
after commit, outside any transaction, within one total time limit (``reviews.webhook_http``);
every try is recorded as a ``WebhookAttempt`` the publisher can read from the moment it starts,
and failures are retried with exponential backoff up to ``MAX_ATTEMPTS``. A lease with a fencing
token keeps a delivery from being sent twice at once, and an organisation gets a bounded share
of the sends under way (docs/adr/webhooks-01-bounded-sends-and-single-flight.md).

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
import secrets
import time
import urllib.parse
import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.consumers import consumer_run_whole_batch, redacted_stream_ids
from ledger.exceptions import InvalidCommand, NotFound
from ledger.followers import follower_named
from ledger.models import ClaimView, Event, MatchMember
from ledger.reading import RecordedEvent, format_timestamp, read_positions, read_streams
from reviews.claimreview import group_claimreview
from reviews.models import (
    WebhookAttempt,
    WebhookAttemptOutcome,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)
from reviews.webhook_http import SendOutcome, send_post

logger = logging.getLogger(__name__)

CONSUMER_NAME = "webhooks"  # its follower (ledger.followers.FOLLOWERS) and cursor
COLLECT_BATCH_SIZE = 500
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30  # 30 s, 1 min, 2 min, ... about an hour before the last try
SEND_TIMEOUT_SECONDS = 10  # the total time limit of one send: resolve, connect, write, read
# A worker's claim on a send: past the send's total limit, with room to record the outcome, so
# the retry sweep never sends a delivery whose send may still be under way.
LEASE = datetime.timedelta(seconds=SEND_TIMEOUT_SECONDS + 20)
DEFER_SECONDS = 2  # the wait of a delivery whose organisation has its share of sends under way
MAX_DEFER_SECONDS = 60  # ... however many of the organisation's deliveries wait with it
INTERRUPTED_ERROR = "interrupted: the worker stopped before recording an outcome"
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
    ev.EventType.CLAIM_MATCHED: WebhookEventType.CLAIM_MATCHED,
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


@dataclasses.dataclass(frozen=True)
class _Groups:
    """The match groups the events of one batch touch, read in a fixed number of queries."""

    canonical: dict[str, str]  # claim -> its group's canonical claim (claims in a group only)
    members: dict[str, list[tuple[str, int]]]  # canonical -> (member, last change position)
    published_at: dict[str, list[int]]  # published canonical -> positions of its publications

    @classmethod
    def of(cls, batch: list[RecordedEvent]) -> _Groups:
        claim_ids = {
            claim_id
            for recorded in batch
            for claim_id in (
                recorded.event.claims
                if isinstance(recorded.event, ev.ClaimMatched)
                else [recorded.stream_id]
                if isinstance(recorded.event, ev.ClaimPublished)
                else []
            )
        }
        if not claim_ids:
            return cls(canonical={}, members={}, published_at={})
        canonical = {
            str(pk): str(group)
            for pk, group in MatchMember.objects.filter(pk__in=claim_ids).values_list(
                "pk", "canonical_id"
            )
        }
        if not canonical:
            return cls(canonical={}, members={}, published_at={})
        members: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for pk, group, position in MatchMember.objects.filter(
            canonical_id__in=set(canonical.values())
        ).values_list("pk", "canonical_id", "last_position"):
            members[str(group)].append((str(pk), position))
        published = {
            str(pk)
            for pk in ClaimView.objects.filter(
                pk__in=members, status=ClaimStatus.PUBLISHED
            ).values_list("pk", flat=True)
        }
        published_at: dict[str, list[int]] = defaultdict(list)
        for stream_id, position in Event.objects.filter(
            stream_id__in=published, type=ev.EventType.CLAIM_PUBLISHED
        ).values_list("stream_id", "position"):
            published_at[stream_id].append(position)
        return cls(canonical=canonical, members=dict(members), published_at=dict(published_at))


def _targets(recorded: RecordedEvent, groups: _Groups) -> list[tuple[WebhookEventType, str]]:
    """(kind, claim id) of each notification an event makes.

    A ClaimMatched tells the publisher of each claim of the pair that joined a group whose
    canonical claim was published before it (``claim.matched``); a ClaimPublished of a group's
    canonical claim also tells the publishers of the claims already in its group. The groups
    are read when the event is collected (a claim that left the group since is not told).
    """
    kind = WEBHOOK_TYPE_BY_EVENT.get(recorded.type)
    if kind is None:  # a DataRedacted event sends nothing: its claim's payloads are rendered
        return []  # again after the batch's new deliveries (_payloads_rerender)
    event = recorded.event
    if isinstance(event, ev.ContradictionFlagged):
        return [(kind, claim_id) for claim_id in dict.fromkeys(event.claims)]
    if isinstance(event, ev.ClaimMatched):
        group = groups.canonical.get(event.claims[0], "")
        if not any(at < recorded.position for at in groups.published_at.get(group, [])):
            return []
        return [(kind, claim_id) for claim_id in event.claims if claim_id != group]
    targets = [(kind, recorded.stream_id)]
    if isinstance(event, ev.ClaimPublished) and groups.canonical.get(recorded.stream_id) == (
        recorded.stream_id
    ):
        targets.extend(
            (WebhookEventType.CLAIM_MATCHED, member)
            for member, changed_at in sorted(groups.members.get(recorded.stream_id, []))
            if member != recorded.stream_id and changed_at < recorded.position
        )
    return targets


def _payload(
    *, delivery_id: uuid.UUID, recorded: RecordedEvent, kind: str, claim: ClaimView
) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if kind == WebhookEventType.CLAIM_MATCHED:
        # The review the claim's group already has, as its ClaimReview endpoint answers.
        extra["claimreview"] = group_claimreview(
            claim_id=str(claim.claim_id), fallback_url=f"/api/v1/claims/{claim.claim_id}/"
        )
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
        "event": _payload_event(recorded),
        **extra,
    }


def _payload_event(recorded: RecordedEvent) -> dict[str, Any]:
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
    return event


def _payloads_rerender(*, claim_ids: set[str]) -> None:
    """Render the payloads of every delivery (pending or past) of these claims again, from the
    claim list and the events as they stand: a redacted text leaves every stored payload."""
    if not claim_ids:
        return
    deliveries = list(WebhookDelivery.objects.filter(claim_id__in=claim_ids))
    events = read_positions(delivery.event_position for delivery in deliveries)
    claims = {str(claim.claim_id): claim for claim in ClaimView.objects.filter(pk__in=claim_ids)}
    for delivery in deliveries:
        claim = claims.get(str(delivery.claim_id))
        recorded = events.get(delivery.event_position)
        if claim is None or recorded is None:
            continue
        delivery.payload = _payload(
            delivery_id=delivery.pk, recorded=recorded, kind=delivery.event_type, claim=claim
        )
    WebhookDelivery.objects.bulk_update(deliveries, ["payload"], batch_size=500)


def webhook_payloads_check() -> list[str]:
    """Compare every stored payload (pending or past) with the log; write nothing.

    A payload's ``event`` must equal the one rendered again from its event as it stands (a
    redacted field reads ``[redacted]``), and its claim's text must be one the claim's own
    events hold now, so a sentence erased since it was stored is a difference. (Status and
    version are the claim's when the payload was rendered, which the log does not pin down.)
    Returns one line per difference.
    """
    deliveries = list(WebhookDelivery.objects.order_by("event_position", "pk"))
    events = read_positions(delivery.event_position for delivery in deliveries)
    streams = read_streams(sorted({str(delivery.claim_id) for delivery in deliveries}))
    differences = []
    for delivery in deliveries:
        recorded = events.get(delivery.event_position)
        if recorded is None:
            differences.append(f"delivery {delivery.pk}: no event #{delivery.event_position}")
            continue
        if delivery.payload.get("event") != _payload_event(recorded):
            differences.append(
                f"delivery {delivery.pk}: its event differs from event #{recorded.position}"
            )
        texts = {
            stream_event.event.to_data().get("text")
            for stream_event in streams.get(str(delivery.claim_id), [])
        }
        if delivery.payload.get("claim", {}).get("text") not in texts:
            differences.append(
                f"delivery {delivery.pk}: its claim text is not one claim {delivery.claim_id}'s "
                "events hold (erased since?)"
            )
    return differences


def _collect_batch(batch: list[RecordedEvent], created: list[str]) -> None:
    """Write the deliveries of a batch of events: a fixed number of queries, not one per event."""
    groups = _Groups.of(batch)
    targets = {recorded.position: _targets(recorded, groups) for recorded in batch}
    claim_ids = {claim_id for found in targets.values() for _, claim_id in found}
    views = ClaimView.objects.filter(claim_id__in=claim_ids)
    claims = {str(claim.claim_id): claim for claim in views}
    endpoints_of: dict[str, list[WebhookEndpoint]] = defaultdict(list)
    publishers = {claim.publisher for claim in claims.values() if claim.publisher}
    for endpoint in WebhookEndpoint.objects.filter(
        organisation_id__in=publishers, is_active=True
    ).order_by("created_at", "pk"):
        endpoints_of[endpoint.organisation_id].append(endpoint)
    now = timezone.now()
    deliveries: list[WebhookDelivery] = []
    for recorded in batch:
        for kind, claim_id in targets[recorded.position]:
            claim = claims.get(claim_id)
            if claim is None or not claim.publisher:
                continue
            for endpoint in endpoints_of[claim.publisher]:
                # endpoints get the events of their subscribed types from their creation on
                if endpoint.created_at > recorded.recorded_at or kind not in endpoint.event_types:
                    continue
                delivery_id = uuid.uuid4()
                deliveries.append(
                    WebhookDelivery(
                        id=delivery_id,
                        endpoint=endpoint,
                        event_position=recorded.position,
                        claim_id=claim.claim_id,
                        event_type=kind,
                        payload=_payload(
                            delivery_id=delivery_id, recorded=recorded, kind=kind, claim=claim
                        ),
                        created_at=now,
                    )
                )
    _payloads_rerender(claim_ids=redacted_stream_ids(batch))
    if not deliveries:
        return
    # The cursor hands each event over once; a delivery that exists already (the cursor was
    # moved back by hand) is kept as it is, and only the rows really written are sent.
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    written = WebhookDelivery.objects.filter(pk__in=[delivery.pk for delivery in deliveries])
    in_order = written.order_by("event_position", "pk").values_list("pk", flat=True)
    created.extend(str(pk) for pk in in_order)


def webhooks_collect(*, batch_size: int = COLLECT_BATCH_SIZE) -> tuple[int, list[str]]:
    """Turn the next events after the webhook cursor into delivery rows.

    Returns how many events were read and the ids of the deliveries created (to send them once
    the transaction has committed).
    """
    created: list[str] = []
    handled = consumer_run_whole_batch(
        consumer=CONSUMER_NAME,
        handle_batch=lambda batch: _collect_batch(batch, created),
        batch_size=batch_size,
        types=sorted(follower_named(CONSUMER_NAME).event_types),
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
        delivery.lease_token = None
        delivery.save(update_fields=["status", "next_attempt_at", "lease_token"])
    return delivery
