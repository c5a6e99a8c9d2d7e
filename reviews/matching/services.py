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
from collections.abc import Mapping, Sequence

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
    *,
    pairs: Sequence[tuple[str, str, MatchScore]],
    metadata: ev.Metadata,
    caused_by: Mapping[str, ev.Metadata] | None = None,
) -> list[str]:
    """Suggest each pair (claim, other, score) that has no match stream yet; return the pair
    ids suggested. One ``append_many``: every stream at version 0, so a pair a concurrent
    worker suggested first raises ConcurrencyConflict (the caller's task retries and skips it).
    A pair whose claim is in ``caused_by`` is recorded with that metadata (the follower's: the
    suggestion caused by that claim's record), any other with ``metadata``.
    """
    caused_by = caused_by or {}
    wanted: dict[str, tuple[list[str], MatchScore, ev.Metadata | None]] = {}
    for claim_a, claim_b, score in pairs:
        if str(claim_a) == str(claim_b):
            raise InvalidCommand("a claim cannot match itself")
        pair_id = match_pair_id(claim_a=claim_a, claim_b=claim_b)
        claims = sorted([str(claim_a), str(claim_b)])
        wanted.setdefault(pair_id, (claims, score, caused_by.get(str(claim_a))))
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
            metadata=cause,
        )
        for pair_id, (claims, score, cause) in wanted.items()
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


def matches_find(
    claims: Sequence[tuple[str, str, str | None]],
) -> dict[str, list[tuple[str, MatchScore]]]:
    """The suggestions for each claim (id, text, source id) of a batch (reads only): its
    candidates from the shared blocking index (``contradictions.indexing.candidates_sharing``),
    claims of its own source left out (an article does not repeat itself as two claims), ranked
    and cut by ``match_suggestions``. The batch's own feature rows, its candidates' sources and
    its candidates' feature rows are one query each, whatever the batch's size."""
    ids = [claim_id for claim_id, _, _ in claims]
    own = {
        str(pk): features
        for pk, features in ClaimFeatureRow.objects.filter(pk__in=ids).values_list("pk", "features")
    }
    probes = {
        claim_id: match_claim(
            text=text,
            features=ClaimFeatures.from_json(own[claim_id]) if claim_id in own else None,
        )
        for claim_id, text, _ in claims
    }
    found = {
        claim_id: candidates_sharing(
            claim_id=claim_id,
            keys=sorted(blocking_keys(probes[claim_id].features)),
            limit=MAX_CANDIDATES,
        )
        for claim_id in probes
    }
    every = sorted({other for candidate_ids in found.values() for other in candidate_ids})
    source_of = {
        str(pk): str(source) if source is not None else None
        for pk, source in ClaimView.objects.filter(pk__in=every).values_list("pk", "source_id")
    }
    # The shared index's candidates (ids only, best first), then the claims of the same source
    # left out, then the best MATCH_CANDIDATES: an article's own claims never crowd out others.
    kept = {
        claim_id: [
            other
            for other in found[claim_id]
            if source_id is None or source_of.get(other) != str(source_id)
        ][:MATCH_CANDIDATES]
        for claim_id, _, source_id in claims
    }
    stored = {
        str(pk): match_claim(text=text, features=ClaimFeatures.from_json(features))
        for pk, text, features in ClaimFeatureRow.objects.filter(
            pk__in=sorted({other for others in kept.values() for other in others})
        ).values_list("pk", "text", "features")
    }
    return {
        claim_id: match_suggestions(
            match_rank(
                probes[claim_id],
                [(other, stored[other]) for other in kept[claim_id] if other in stored],
                top=SUGGESTIONS_PER_CLAIM,
            )
        )
        for claim_id in probes
    }


def _handle_claims_recorded(batch: list[RecordedEvent]) -> None:
    """Suggest the matches of a batch's recorded claims, in one append.

    Idempotent: a pair with a stream is never suggested again, so a batch handled again after
    a crash (the cursor moves at the end of each batch, after the batch's one append) appends
    nothing; a pair two claims of the batch find is suggested once, as the first found it.
    """
    recorded_claims = {
        recorded.stream_id: recorded
        for recorded in batch
        if isinstance(recorded.event, ev.ClaimRecorded)
    }
    found = matches_find(
        [
            (claim_id, recorded.event.text, recorded.event.source_id)
            for claim_id, recorded in recorded_claims.items()
            if isinstance(recorded.event, ev.ClaimRecorded)
        ]
    )
    pairs = [
        (claim_id, other_id, score)
        for claim_id, suggestions in found.items()
        for other_id, score in suggestions
    ]
    if not pairs:
        return
    caused_by = {
        claim_id: follower_metadata(recorded=recorded_claims[claim_id], actor="worker:matching")
        for claim_id in {claim_id for claim_id, _, _ in pairs}
    }
    match_suggest_many(pairs=pairs, metadata=caused_by[pairs[0][0]], caused_by=caused_by)


def matching_consume(*, batch_size: int = CONSUME_BATCH_SIZE, max_batches: int = 0) -> int:
    """Follow the event log from the matching cursor until caught up; return events handled.

    Like the contradiction consumer (``consumer_follow_batch``): no transaction spans a batch;
    a batch's suggestions commit in one append of their own (``append_many``), then the cursor
    moves. ``max_batches`` (0: no limit) bounds one call.
    """
    return consumer_follow(
        consumer=CONSUMER_NAME,
        handle_batch=_handle_claims_recorded,
        batch_size=batch_size,
        max_batches=max_batches,
    )
