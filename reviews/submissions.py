"""Submitting claims and sources: who may submit for which publisher, then the ledger records.

Publishers submit for their own organisation; editors and administrators for any existing one
(or none: the desk's own work). Auditors and reviewers submit nothing. Each service decides this
itself, so every caller (the API, a script) gets the same answer; refusals store nothing.
"""

from __future__ import annotations

import datetime

from ledger import events as ev
from ledger.claims import ClaimState
from ledger.exceptions import InvalidCommand
from ledger.ingestion import IngestResult, source_ingest
from ledger.services import claim_record
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied
from reviews.models import Organisation
from reviews.roles import Role
from reviews.selectors import source_get_visible

SUBMITTING_ROLES = frozenset({Role.PUBLISHER, Role.EDITOR, Role.ADMIN})


def submission_publisher(*, actor: Actor, requested: str | None, what: str) -> str:
    """The organisation a submission by ``actor`` is recorded for (``what``: for messages)."""
    if not actor.has_role(*SUBMITTING_ROLES):
        raise PermissionDenied(f"your role cannot submit {what}")
    if actor.has_role(Role.EDITOR, Role.ADMIN):
        slug = requested or actor.organisation or ""
        if slug and not Organisation.objects.filter(slug=slug).exists():
            raise InvalidCommand(f"no publisher organisation {slug!r}")
        return slug
    if not actor.organisation:
        raise PermissionDenied("submitting needs membership of a publisher organisation")
    if requested and requested != actor.organisation:
        raise PermissionDenied("publishers submit for their own organisation only")
    return actor.organisation


def claim_submit(
    *,
    actor: Actor,
    text: str,
    metadata: ev.Metadata,
    source_id: str | None = None,
    selector: ev.TextSelector | None = None,
    publisher: str | None = None,
    idempotency_key: str | None = None,
) -> ClaimState:
    """Record one claim submitted by ``actor``, anchored in a source they may see, if any."""
    recorded_for = submission_publisher(actor=actor, requested=publisher, what="claims")
    if source_id is not None:
        source_get_visible(actor=actor, source_id=source_id)
    return claim_record(
        text=text,
        metadata=metadata,
        source_id=source_id,
        selector=selector,
        publisher=recorded_for,
        idempotency_key=idempotency_key,
    )


def source_submit(
    *,
    actor: Actor,
    content: bytes,
    metadata: ev.Metadata,
    media_type: str | None = None,
    url: str = "",
    title: str = "",
    publisher: str | None = None,
    published_at: str | datetime.datetime | None = None,
) -> IngestResult:
    """Ingest an article submitted by ``actor`` (``ledger.ingestion.source_ingest``)."""
    return source_ingest(
        content=content,
        metadata=metadata,
        media_type=media_type,
        url=url,
        title=title,
        publisher=submission_publisher(actor=actor, requested=publisher, what="sources"),
        published_at=published_at,
    )
