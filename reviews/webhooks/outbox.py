"""The webhooks' follower of the log: from events to delivery rows (the outbox).

The follower writes one delivery row per (endpoint, event) in the same transaction that moves
its cursor, so an event is turned into deliveries exactly once even if a worker dies; the rows
are sent after commit (``reviews.webhooks.delivery``).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.consumers import consumer_run_whole_batch, redacted_stream_ids
from ledger.models import ClaimView, Event, MatchMember
from ledger.reading import RecordedEvent
from reviews.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint, WebhookEventType
from reviews.webhooks.payloads import payload_render, payloads_rerender

CONSUMER_NAME = "webhooks"  # its follower (ledger.followers.FOLLOWERS) and cursor
COLLECT_BATCH_SIZE = 500

WEBHOOK_TYPE_BY_EVENT: dict[str, WebhookEventType] = {
    ev.EventType.CLAIM_APPROVED: WebhookEventType.CLAIM_APPROVED,
    ev.EventType.CLAIM_SIGNED_OFF: WebhookEventType.CLAIM_SIGNED_OFF,
    ev.EventType.CLAIM_PUBLISHED: WebhookEventType.CLAIM_PUBLISHED,
    ev.EventType.CLAIM_RETRACTED: WebhookEventType.CLAIM_RETRACTED,
    ev.EventType.CONTRADICTION_FLAGGED: WebhookEventType.CLAIM_FLAGGED,
    ev.EventType.CLAIM_MATCHED: WebhookEventType.CLAIM_MATCHED,
}


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
        return []  # again after the batch's new deliveries (payloads_rerender)
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
                        payload=payload_render(
                            delivery_id=delivery_id, recorded=recorded, kind=kind, claim=claim
                        ),
                        created_at=now,
                    )
                )
    payloads_rerender(claim_ids=redacted_stream_ids(batch))
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
