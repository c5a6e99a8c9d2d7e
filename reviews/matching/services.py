"""Write services of claim matching: suggest pairs, and the editors' decisions on them.

Each unordered claim pair has one ``match`` stream (a deterministic id). The matcher appends
ClaimMatchSuggested to a pair's new stream only, so a pair decided once (rejected, say) is never
suggested again. Editors confirm or reject a suggestion and unmatch a matched pair
(``match_decide``), and match two claims by hand (``match_by_hand``), each at the version they
read; every service authorises its actor itself (editors and
administrators, ``MATCH_DECIDERS``) and a refusal appends nothing.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence

from ledger import events as ev
from ledger.consumers import consumer_follow, follower_metadata
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.models import ClaimView, MatchMember
from ledger.reading import RecordedEvent, read_stream, read_streams
from ledger.store import StreamAppend, append, append_many
from reviews.actors import Actor
from reviews.contradictions.candidates import MAX_CANDIDATES, blocking_keys
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.indexing import candidates_sharing
from reviews.contradictions.models import ClaimFeatureRow
from reviews.exceptions import PermissionDenied
from reviews.matching.scoring import (
    MATCH_CANDIDATES,
    SCORER_VERSION,
    SUGGESTIONS_PER_CLAIM,
    MatchScore,
    match_claim,
    match_rank,
    match_suggestions,
)
from reviews.roles import Role
from reviews.services import decision_note_clean

MATCH_NAMESPACE = uuid.UUID("5b0f7d0e-2c4a-4e8b-9d61-8a3c1f6e2b57")
MATCH_DECIDERS = frozenset({Role.EDITOR, Role.ADMIN})


def match_pair_id(*, claim_a: str, claim_b: str) -> str:
    """The stream id of an unordered claim pair: the same whichever claim comes first."""
    first, second = sorted([str(claim_a), str(claim_b)])
    return str(uuid.uuid5(MATCH_NAMESPACE, f"{first}|{second}"))


def match_suggest_many(
    *, pairs: Sequence[tuple[str, str, MatchScore]], metadata: ev.Metadata
) -> list[str]:
    """Suggest each pair (claim, other, score) that has no match stream yet; return the pair
    ids suggested. One ``append_many``: every stream at version 0, so a pair a concurrent
    worker suggested first raises ConcurrencyConflict (the caller's task retries and skips it).
    """
    wanted: dict[str, tuple[list[str], MatchScore]] = {}
    for claim_a, claim_b, score in pairs:
        if str(claim_a) == str(claim_b):
            raise InvalidCommand("a claim cannot match itself")
        pair_id = match_pair_id(claim_a=claim_a, claim_b=claim_b)
        wanted.setdefault(pair_id, (sorted([str(claim_a), str(claim_b)]), score))
    streams = read_streams(list(wanted))
    appends = [
        StreamAppend(
            stream_id=pair_id,
            stream_type=ev.StreamType.MATCH,
            expected_version=0,
            events=[
                ev.ClaimMatchSuggested(
                    claims=claims,
                    score=score.score_decimal,
                    reasons=score.reasons,
                    scorer_version=SCORER_VERSION,
                )
            ],
        )
        for pair_id, (claims, score) in wanted.items()
        if not streams[pair_id]
    ]
    if appends:
        append_many(appends=appends, metadata=metadata)
    return [item.stream_id for item in appends]


def _authorise(actor: Actor) -> None:
    if not actor.roles & MATCH_DECIDERS:
        raise PermissionDenied(
            f"{actor.username} ({actor.describe_roles()}) may not decide claim matches"
        )


def _pair_stream(pair_id: str, expected_version: int) -> list[RecordedEvent]:
    """The pair's events, at the version the actor read (else ConcurrencyConflict)."""
    recorded = read_stream(str(pair_id))
    if not recorded or recorded[0].stream_type != ev.StreamType.MATCH:
        raise NotFound(f"no claim match {pair_id}")
    if expected_version != len(recorded):
        raise ConcurrencyConflict(
            stream_id=str(pair_id),
            expected_version=expected_version,
            current_version=len(recorded),
        )
    return recorded


class MatchDecision(enum.StrEnum):
    """What an editor decides on a pair: each needs the pair in one state and records one event."""

    CONFIRM = "confirm"  # a suggestion is one claim: the two join one group
    REJECT = "reject"  # a suggestion is two claims: it is never suggested again
    UNMATCH = "unmatch"  # two matched claims are taken apart again

    @property
    def requires(self) -> type[ev.ClaimMatchSuggested | ev.ClaimMatched]:
        return ev.ClaimMatched if self is MatchDecision.UNMATCH else ev.ClaimMatchSuggested

    @property
    def records(self) -> type[ev.ClaimMatched | ev.ClaimMatchRejected | ev.ClaimUnmatched]:
        if self is MatchDecision.CONFIRM:
            return ev.ClaimMatched
        return ev.ClaimMatchRejected if self is MatchDecision.REJECT else ev.ClaimUnmatched


def match_decide(
    *,
    actor: Actor,
    pair_id: str,
    expected_version: int,
    decision: MatchDecision,
    note: str,
    metadata: ev.Metadata,
) -> int:
    """Confirm or reject a suggestion, or unmatch a matched pair, at the version the actor
    read; return the pair's new version. The one entry for the admin and the API."""
    _authorise(actor)
    recorded = _pair_stream(pair_id, expected_version)
    last = recorded[-1].event
    if not isinstance(last, decision.requires) or not isinstance(
        last, ev.ClaimMatchSuggested | ev.ClaimMatched
    ):
        raise InvalidCommand(
            f"this pair is {last.event_type.value}, not {decision.requires.event_type.value}: "
            f"nothing to {decision.value}"
        )
    result = append(
        stream_id=str(pair_id),
        stream_type=ev.StreamType.MATCH,
        expected_version=expected_version,
        events=[decision.records(claims=list(last.claims), note=decision_note_clean(note))],
        metadata=metadata,
    )
    return result.version


def match_by_hand(
    *,
    actor: Actor,
    claim_a: str,
    claim_b: str,
    expected_version: int,
    note: str,
    metadata: ev.Metadata,
) -> tuple[str, int]:
    """An editor matches two claims the matcher did not pair (or paired and was overruled):
    the pair's stream at ``expected_version`` (0 when it has none). Returns (pair id, version).
    """
    _authorise(actor)
    claim_a, claim_b = str(claim_a), str(claim_b)
    if claim_a == claim_b:
        raise InvalidCommand("a claim cannot match itself")
    found = {
        str(claim_id)
        for claim_id in ClaimView.objects.filter(pk__in=[claim_a, claim_b]).values_list(
            "pk", flat=True
        )
    }
    for claim_id in (claim_a, claim_b):
        if claim_id not in found:
            raise NotFound(f"no claim {claim_id}")
    pair_id = match_pair_id(claim_a=claim_a, claim_b=claim_b)
    recorded = read_stream(pair_id)
    if expected_version != len(recorded):
        raise ConcurrencyConflict(
            stream_id=pair_id, expected_version=expected_version, current_version=len(recorded)
        )
    if recorded and isinstance(recorded[-1].event, ev.ClaimMatched):
        raise InvalidCommand("these claims are matched already")
    if _canonical(claim_a) == _canonical(claim_b):
        raise InvalidCommand("these claims are in one group already")
    result = append(
        stream_id=pair_id,
        stream_type=ev.StreamType.MATCH,
        expected_version=expected_version,
        events=[ev.ClaimMatched(claims=sorted([claim_a, claim_b]), note=decision_note_clean(note))],
        metadata=metadata,
    )
    return pair_id, result.version


def _canonical(claim_id: str) -> str:
    member = MatchMember.objects.filter(pk=claim_id).values_list("canonical_id", flat=True).first()
    return str(member) if member is not None else claim_id


# Matching on record ----------------------------------------------------------------------------

CONSUMER_NAME = "matching"  # its follower (ledger.followers.FOLLOWERS) and cursor
# The events whose commit nudges the matching consumer (ledger.store after-commit hook).
CONSUME_BATCH_SIZE = 200


def match_find(*, claim_id: str, text: str, source_id: str | None) -> list[tuple[str, MatchScore]]:
    """The suggestions for a claim (reads only): its candidates from the shared blocking index
    (``contradictions.indexing.candidates_sharing``), claims of its own source left out (an
    article does not repeat itself as two claims), ranked and cut by ``match_suggestions``."""
    row = ClaimFeatureRow.objects.filter(pk=claim_id).only("features").first()
    claim = match_claim(
        text=text, features=ClaimFeatures.from_json(row.features) if row is not None else None
    )
    # The shared index's candidates (ids only, best first), then the claims of the same source
    # left out, then the best MATCH_CANDIDATES: an article's own claims never crowd out others.
    candidate_ids = candidates_sharing(
        claim_id=claim_id, keys=sorted(blocking_keys(claim.features)), limit=MAX_CANDIDATES
    )
    if source_id is not None:
        same_source = {
            str(pk)
            for pk in ClaimView.objects.filter(
                pk__in=candidate_ids, source_id=source_id
            ).values_list("pk", flat=True)
        }
        candidate_ids = [other for other in candidate_ids if other not in same_source]
    candidate_ids = candidate_ids[:MATCH_CANDIDATES]
    others = ClaimFeatureRow.objects.filter(pk__in=candidate_ids).values_list(
        "pk", "text", "features"
    )
    ranked = match_rank(
        claim,
        [
            (str(pk), match_claim(text=stored_text, features=ClaimFeatures.from_json(stored)))
            for pk, stored_text, stored in others
        ],
        top=SUGGESTIONS_PER_CLAIM,
    )
    return match_suggestions(ranked)


def _handle_claim_recorded(recorded: RecordedEvent) -> None:
    """Suggest the matches of one recorded claim.

    Idempotent: a pair with a stream is never suggested again, so an event handled again after
    a crash (the cursor moves at the end of each batch) appends nothing.
    """
    event = recorded.event
    if not isinstance(event, ev.ClaimRecorded):
        return
    found = match_find(claim_id=recorded.stream_id, text=event.text, source_id=event.source_id)
    if not found:
        return
    match_suggest_many(
        pairs=[(recorded.stream_id, other_id, score) for other_id, score in found],
        metadata=follower_metadata(recorded=recorded, actor="worker:matching"),
    )


def matching_consume(*, batch_size: int = CONSUME_BATCH_SIZE, max_batches: int = 0) -> int:
    """Follow the event log from the matching cursor until caught up; return events handled.

    Like the contradiction consumer (``consumer_follow_batch``): no transaction spans a batch,
    each claim's suggestions commit in an append of their own. ``max_batches`` (0: no limit)
    bounds one call.
    """
    return consumer_follow(
        consumer=CONSUMER_NAME,
        handle=_handle_claim_recorded,
        batch_size=batch_size,
        max_batches=max_batches,
    )
