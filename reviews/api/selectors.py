"""What an API caller may read beyond the claims and sources themselves.

Which claims and sources an actor sees is one rule for the admin and the API
(``reviews.selectors.claims_visible``, ``sources_visible``). Anything a caller may not see
answers exactly like something that does not exist.

Seeing a claim is not seeing all of its history: another organisation's publisher (or anyone
without a role) sees only its public part (``claim_history_visible``). A contradiction flag is
visible when both of its claims are.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from ledger import events as ev
from ledger.exceptions import NotFound
from ledger.models import Checkpoint, ClaimView, ContradictionView, Source
from ledger.reading import RecordedEvent, read_stream
from reviews.actors import Actor
from reviews.roles import Role
from reviews.selectors import claims_visible, flags_with_priority, publishers_seen


def claim_history(*, claim_id: str) -> list[RecordedEvent]:
    return read_stream(claim_id)


# --- History privacy ---------------------------------------------------------------------------


class HistoryScope(enum.StrEnum):
    FULL = "full"  # every event, with its metadata
    PUBLIC = "public"  # what the public may know: recorded, the verdict, published, retracted


# The events of a claim anyone who may see the claim may also see, besides the verdict that was
# published (``claim_history_public``). Comments, evidence notes, assignments, revisions and
# review steps are the desk's internal work.
PUBLIC_EVENT_TYPES = (ev.ClaimRecorded, ev.ClaimPublished, ev.ClaimRetracted)
WITHHELD_ACTOR = "[withheld]"


@dataclasses.dataclass(frozen=True)
class ClaimHistory:
    claim_id: str
    version: int
    scope: HistoryScope
    events: list[RecordedEvent]


def claim_history_scope(*, actor: Actor | None, claim: ClaimView) -> HistoryScope:
    """Full history for staff and the claim's own organisation; public for everyone else.

    ``actor`` None is an anonymous reader (a ClaimReview consumer).
    """
    if actor is None:
        return HistoryScope.PUBLIC
    publishers = publishers_seen(actor=actor)
    if publishers is None or claim.publisher in publishers:
        return HistoryScope.FULL
    return HistoryScope.PUBLIC


def _public_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """Only who acted, and for a person only that someone did: no names, keys or request ids."""
    actor = str(metadata.get("actor", ""))
    return {"actor": WITHHELD_ACTOR if actor.startswith("user:") else actor}


def claim_history_public(events: Iterable[RecordedEvent]) -> list[RecordedEvent]:
    """The public part of a claim's history: recorded, the verdict each publication carried,
    published and retracted, with the names of the people who acted withheld.

    Draft verdicts that were replaced before publication stay internal; only the last verdict
    set before each ClaimPublished is shown.
    """
    public: list[RecordedEvent] = []
    last_verdict: RecordedEvent | None = None
    for item in events:
        if isinstance(item.event, ev.ClaimVerdictSet):
            last_verdict = item
            continue
        if not isinstance(item.event, PUBLIC_EVENT_TYPES):
            continue
        if isinstance(item.event, ev.ClaimPublished) and last_verdict is not None:
            public.append(
                dataclasses.replace(last_verdict, metadata=_public_metadata(last_verdict.metadata))
            )
            last_verdict = None
        public.append(dataclasses.replace(item, metadata=_public_metadata(item.metadata)))
    return public


def claim_history_visible(*, actor: Actor | None, claim: ClaimView) -> ClaimHistory:
    """The history of a claim the caller may see, cut to what the caller may know of it."""
    events = read_stream(str(claim.claim_id))
    scope = claim_history_scope(actor=actor, claim=claim)
    if scope == HistoryScope.PUBLIC:
        events = claim_history_public(events)
    return ClaimHistory(
        claim_id=str(claim.claim_id), version=claim.version, scope=scope, events=events
    )


def claim_past_states_visible(*, actor: Actor, claim: ClaimView) -> bool:
    """Whether the caller may see the claim as it stood before (point in time): staff and the
    claim's own organisation; another organisation's past drafts are not public."""
    return claim_history_scope(actor=actor, claim=claim) == HistoryScope.FULL


def source_for_provenance(*, source_id: Any) -> Source | None:
    """A visible claim's source, for its provenance (title, URL, capture), without its bytes."""
    if source_id is None:
        return None
    return Source.objects.defer("content", "text").filter(pk=str(source_id)).first()


# --- Contradiction flags -----------------------------------------------------------------------


def flags_visible(*, actor: Actor) -> QuerySet[ContradictionView]:
    """Flags whose two claims the caller may both see (staff: every flag), each with its
    ``priority`` (``reviews.selectors.flags_with_priority``)."""
    flags = flags_with_priority(flags=ContradictionView.objects.all())
    if actor.reads_everything:
        return flags
    claim_ids = claims_visible(actor=actor).values("claim_id")
    return flags.filter(claim_a__in=claim_ids, claim_b__in=claim_ids)


def flag_get_visible(*, actor: Actor, pair_id: Any) -> ContradictionView:
    flag = flags_visible(actor=actor).filter(pair_id=str(pair_id)).first()
    if flag is None:
        raise NotFound(f"no contradiction flag {pair_id}")
    return flag


def flag_sources(*, claims: Iterable[ClaimView]) -> dict[str, Source]:
    """The sources of some claims, by id, without their bytes or text, in one query."""
    ids = {str(claim.source_id) for claim in claims if claim.source_id is not None}
    sources = Source.objects.defer("content", "text").filter(pk__in=ids)
    return {str(source.pk): source for source in sources}


@dataclasses.dataclass(frozen=True)
class FlagDecision:
    type: str
    note: str
    actor: str
    position: int
    version: int
    recorded_at: Any


def flag_history(*, actor: Actor, flag: ContradictionView) -> list[FlagDecision]:
    """Every event of the flag's stream (flagged, confirmed, dismissed), oldest first.

    Only staff see who decided; to a publisher the deciding person is withheld.
    """
    shown_names = actor.reads_everything
    decisions = []
    for item in read_stream(str(flag.pair_id)):
        acted_by = str(item.metadata.get("actor", ""))
        if not shown_names and acted_by.startswith("user:"):
            acted_by = WITHHELD_ACTOR
        decisions.append(
            FlagDecision(
                type=item.type,
                note=str(getattr(item.event, "note", "")),
                actor=acted_by,
                position=item.position,
                version=item.version,
                recorded_at=item.recorded_at,
            )
        )
    return decisions


# --- Audit -------------------------------------------------------------------------------------

AUDIT_ROLES = (Role.AUDITOR, Role.ADMIN)


def checkpoints_all() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.all()
