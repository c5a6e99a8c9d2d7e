"""Erasing a claim's text where ``reviews`` keeps a copy of it, and the operations users call
(erasing a claim's text; redacting text of a source snapshot).

``claim_text_erase`` (``ledger.redaction``) removes the sentence from every event and read
model; the followers of the log remove their copies when they read its DataRedacted events:
the contradiction index (``reviews.contradictions.services``), webhook payloads
(``reviews.webhooks``) and, here, the stored responses of idempotent API requests.
"""

from __future__ import annotations

import json
from typing import Any

from ledger import events as ev
from ledger.consumers import consumer_run_whole_batch, redacted_stream_ids
from ledger.reading import RecordedEvent, read_all
from ledger.redaction import ErasureResult, claim_text_erase
from ledger.source_redaction import SourceRedaction, SourceRedactionResult, source_text_redact
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied
from reviews.models import ApiIdempotentRequest
from reviews.roles import Role

CONSUMER_NAME = "idempotent-responses"  # its follower (ledger.followers.FOLLOWERS) and cursor
BATCH_SIZE = 200
# What a replay of a purged response returns, with its first status and headers (Location
# names the resource to read again).
PURGED_BODY = {
    "detail": "This response held text that has since been erased; read the resource again.",
    "erased": True,
}


# Who may erase a claim's text through the API or the admin.
ERASER_ROLES = frozenset({Role.ADMIN, Role.DATA_PROTECTION})


def actor_may_erase_text(*, actor: Actor) -> bool:
    """The one rule for erasing: administrators and the data-protection role."""
    return actor.has_role(*ERASER_ROLES)


def erasure_authorise(*, actor: Actor) -> None:
    """Raise PermissionDenied unless ``actor_may_erase_text``: the API calls it before it reads
    the body, so a caller who may not erase learns that first."""
    if not actor_may_erase_text(actor=actor):
        raise PermissionDenied(
            "only administrators and the data-protection role erase claim text or redact sources"
        )


def claim_erase_text(
    *, actor: Actor, claim_id: str, reason: str, metadata: ev.Metadata
) -> ErasureResult:
    """A data-protection request from the API or the admin: ``erasure_authorise``, then
    ``claim_text_erase``.

    (The ``erase_claim_text`` command is the operator's own and needs no role.)"""
    erasure_authorise(actor=actor)
    return claim_text_erase(claim_id=claim_id, reason=reason, metadata=metadata)


def source_redact(
    *, actor: Actor, redaction: SourceRedaction, metadata: ev.Metadata
) -> SourceRedactionResult:
    """A data-protection request naming text of a source snapshot, from the API or the admin:
    ``erasure_authorise``, then ``source_text_redact`` (the ``redact_source`` command is the
    operator's own)."""
    erasure_authorise(actor=actor)
    return source_text_redact(redaction=redaction, metadata=metadata)


def _bodies_naming(claim_ids: set[str]) -> list[tuple[Any, str]]:
    """The stored bodies (not yet purged) that name one of ``claim_ids``: (request pk, claim)."""
    if not claim_ids:
        return []
    named: list[tuple[Any, str]] = []
    for record in ApiIdempotentRequest.objects.exclude(body=None).only("pk", "body"):
        if record.body == PURGED_BODY:
            continue
        body = json.dumps(record.body)
        named.extend((record.pk, claim_id) for claim_id in sorted(claim_ids) if claim_id in body)
    return named


def _purge(batch: list[RecordedEvent]) -> None:
    purged = {pk for pk, _ in _bodies_naming(redacted_stream_ids(batch))}
    ApiIdempotentRequest.objects.filter(pk__in=purged).update(body=PURGED_BODY)


def idempotent_responses_check() -> list[str]:
    """Every stored response body that still names a claim a DataRedacted event redacted (so
    may hold its erased text), one line each; writes nothing."""
    redactions = list(read_all(types=[ev.EventType.DATA_REDACTED]))
    return [
        f"idempotent request {pk}: its stored body names claim {claim_id}, whose text was redacted"
        for pk, claim_id in _bodies_naming(redacted_stream_ids(redactions))
    ]


def idempotent_responses_follow() -> int:
    """Purge the stored response body of every idempotent request that named a claim whose
    text a DataRedacted event removed; status and headers stay, so a retry still learns the
    outcome. Returns the events read (their batch commits with the cursor move)."""
    return consumer_run_whole_batch(
        consumer=CONSUMER_NAME,
        handle_batch=_purge,
        batch_size=BATCH_SIZE,
    )
