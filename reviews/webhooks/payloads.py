"""What a webhook delivery's body says: the claim as it stands and the event that caused it.

Rendered when the delivery is collected and again, for every delivery of a claim, after a
redaction of its events (``payloads_rerender``), so a redacted text leaves every stored payload;
``webhook_payloads_check`` compares the stored payloads with the log.
"""

from __future__ import annotations

import uuid
from typing import Any

from ledger import events as ev
from ledger.models import ClaimView
from ledger.reading import RecordedEvent, format_timestamp, read_positions, read_streams
from reviews.claimreview import group_claimreview
from reviews.models import WebhookDelivery, WebhookEventType


def payload_render(
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


def payloads_rerender(*, claim_ids: set[str]) -> None:
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
        delivery.payload = payload_render(
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
