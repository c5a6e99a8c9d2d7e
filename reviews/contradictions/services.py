"""Write services of contradiction detection: index claims and flag pairs.

The desk's decisions on flags (confirm, dismiss) are ``reviews.services.contradiction_decide``,
which authorises the decider.

Work is driven from the event log: ``contradictions_consume`` follows ClaimRecorded and
ClaimRevised with a durable cursor, indexes each claim and checks it against its candidates;
on DataRedacted it re-derives the claim's index rows from the redacted read model (a claim
whose text was erased leaves the index).
No transaction spans a batch: a claim's index rows commit on their own, its candidates are
scored outside any transaction, and its flags are appended in bounded appends of their own (on
PostgreSQL one optimistic round trip each), so the append lock is held for one append, never
for a batch (docs/adr/0025-contradiction-flags-outside-the-batch.md).
Flags go to one stream per unordered claim pair (a deterministic id) at an expected version, so a
repeated or redelivered check flags nothing twice.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ledger import events as ev
from ledger.consumers import consumer_advance, consumer_follow
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.followers import follower_named
from ledger.models import ClaimView
from ledger.reading import RecordedEvent, read_streams
from ledger.store import StreamAppend, append_many
from reviews.contradictions.candidates import (
    MAX_CANDIDATES,
    MemoryIndex,
    blocking_keys,
    keys_within_budget,
    rank_candidates,
)
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.models import BlockingKey, ClaimFeatureRow, KeyCount
from reviews.contradictions.nli import nli_backend
from reviews.contradictions.scoring import (
    PairScore,
    detector_version,
    pair_score_texts,
)
from reviews.contradictions.sweep import contradictions_sweep_memory, features_extract_many

logger = logging.getLogger(__name__)

CONSUMER_NAME = "contradictions"  # its follower (ledger.followers.FOLLOWERS) and cursor
CONSUME_BATCH_SIZE = 200
RESCAN_BATCH_SIZE = 2000
PAIR_NAMESPACE = uuid.UUID("6f1d2c53-8d0e-4d5f-9a57-2f3c1b0a9e41")
FLAG_ATTEMPTS = 3  # reads of the pair streams before a flag append gives up on conflicts
FLAGS_PER_APPEND = 20  # flags appended together: bounds how long one append holds the lock


@dataclasses.dataclass(frozen=True)
class Flag:
    pair_id: str
    claims: list[str]
    score: PairScore


def contradiction_pair_id(*, claim_a: str, claim_b: str) -> str:
    """The stream id of an unordered claim pair: the same whichever claim comes first."""
    first, second = sorted([str(claim_a), str(claim_b)])
    return str(uuid.uuid5(PAIR_NAMESPACE, f"{first}|{second}"))


# Indexing ------------------------------------------------------------------------------------


def contradiction_index_claim(*, claim_id: str, text: str, position: int) -> ClaimFeatures:
    """Store a claim's features and (re)index it under its blocking keys (atomic, idempotent)."""
    features = features_extract(text=text)
    keys = blocking_keys(features)
    with transaction.atomic():
        _index_write(claim_id=claim_id, text=text, position=position, features=features, keys=keys)
    return features


def _index_write(
    *, claim_id: str, text: str, position: int, features: ClaimFeatures, keys: dict[str, int]
) -> None:
    existing = ClaimFeatureRow.objects.filter(pk=claim_id).first()
    old_keys: set[str] = set(existing.keys) if existing is not None else set()
    removed, added = old_keys - keys.keys(), keys.keys() - old_keys
    if removed:
        BlockingKey.objects.filter(claim_id=claim_id, key__in=removed).delete()
        _count(removed, -1)
    if added:
        BlockingKey.objects.bulk_create(
            [BlockingKey(key=key, claim_id=claim_id, weight=keys[key]) for key in sorted(added)],
            ignore_conflicts=True,
        )
        _count(added, +1)
    ClaimFeatureRow.objects.update_or_create(
        pk=claim_id,
        defaults={
            "text": text,
            "features": features.to_json(),
            "keys": sorted(keys),
            "last_position": position,
        },
    )


def _count(keys: Iterable[str], change: int) -> None:
    from django.db.models import F

    keys = sorted(keys)
    KeyCount.objects.bulk_create(
        [KeyCount(key=key, claims=0) for key in keys], ignore_conflicts=True
    )
    KeyCount.objects.filter(key__in=keys).update(claims=F("claims") + change)


def contradiction_candidates(*, claim_id: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Stored claims sharing the most blocking-key weight with ``claim_id`` (never all pairs):
    its keys are read rarest first within ``POSTINGS_BUDGET`` (``keys_within_budget``)."""
    row = ClaimFeatureRow.objects.filter(pk=claim_id).only("keys").first()
    if row is None:
        raise NotFound(f"claim {claim_id} is not indexed yet")
    return candidates_sharing(claim_id=claim_id, keys=row.keys, limit=limit)


def candidates_sharing(*, claim_id: str, keys: list[str], limit: int) -> list[str]:
    """``contradiction_candidates`` of a claim whose row (and so its keys) is already read."""
    usable = keys_within_budget(
        dict(KeyCount.objects.filter(key__in=keys).values_list("key", "claims"))
    )
    shared = (
        BlockingKey.objects.filter(key__in=usable)
        .exclude(claim_id=claim_id)
        .values("claim_id")
        .annotate(total=Sum("weight"))
        .filter(total__gte=2)
        .order_by("-total", "claim_id")[:limit]
        .values_list("claim_id", "total")
    )
    return rank_candidates(((str(other), total) for other, total in shared), limit=limit)


# Flagging ------------------------------------------------------------------------------------


def _already_decided(recorded: list[RecordedEvent], version: str) -> bool:
    """Flagged by this detector version before (whatever was decided), so not again."""
    return any(
        isinstance(item.event, ev.ContradictionFlagged) and item.event.detector_version == version
        for item in recorded
    )


def contradiction_flag(
    *,
    claim_a: str,
    claim_b: str,
    score: PairScore,
    metadata: ev.Metadata,
    version: str | None = None,
) -> Flag | None:
    """Append ContradictionFlagged for a pair unless this detector version flagged it before.

    Returns None when nothing was appended (already flagged, or a concurrent worker won).
    A pair dismissed under this detector version is therefore never flagged again by it.
    """
    flags = contradiction_flag_many(
        pairs=[(claim_a, claim_b, score)], metadata=metadata, version=version
    )
    return flags[0] if flags else None


def contradiction_flag_many(
    *,
    pairs: Sequence[tuple[str, str, PairScore]],
    metadata: ev.Metadata,
    version: str | None = None,
) -> list[Flag]:
    """Flag every pair (claim, other, score) this detector version has not flagged.

    ``FLAGS_PER_APPEND`` pairs per ``append_many``, each stream at the version just read, so the
    append lock is held for one append of a bounded size at a time, and other writers get it in
    between. When another writer appended to one of the streams in between (a concurrent worker
    flagged the pair, a reviewer decided it), those streams are read again and only what is
    still unflagged is appended; after ``FLAG_ATTEMPTS`` reads the conflict is raised (the task
    retries). Each append commits on its own (outside a transaction): a crash in between leaves
    some flags, and the pairs are skipped when the claim is checked again. Returns the flags
    appended.
    """
    if any(str(claim_a) == str(claim_b) for claim_a, claim_b, _ in pairs):
        raise InvalidCommand("a claim cannot contradict itself")
    version = version or detector_version()
    flags: list[Flag] = []
    for start in range(0, len(pairs), FLAGS_PER_APPEND):
        flags.extend(_flag_append(pairs[start : start + FLAGS_PER_APPEND], metadata, version))
    return flags


def _flag_append(
    pairs: Sequence[tuple[str, str, PairScore]], metadata: ev.Metadata, version: str
) -> list[Flag]:
    attempts = 1
    while True:
        appends, flags = _unflagged(pairs, version)
        if not appends:
            return []
        try:
            append_many(appends=appends, metadata=metadata)
        except ConcurrencyConflict:
            if attempts >= FLAG_ATTEMPTS:
                raise
            attempts += 1
            continue
        return flags


def _unflagged(
    pairs: Sequence[tuple[str, str, PairScore]], version: str
) -> tuple[list[StreamAppend], list[Flag]]:
    """The appends (and their flags) for the pairs not yet flagged by ``version``, each once."""
    appends: list[StreamAppend] = []
    flags: list[Flag] = []
    pair_ids = [contradiction_pair_id(claim_a=a, claim_b=b) for a, b, _ in pairs]
    streams = read_streams(pair_ids)  # one query for the chunk, not one per pair
    for (claim_a, claim_b, score), pair_id in zip(pairs, pair_ids, strict=True):
        if any(flag.pair_id == pair_id for flag in flags):
            continue
        recorded = streams[pair_id]
        if _already_decided(recorded, version):
            continue
        claims = sorted([str(claim_a), str(claim_b)])
        if claims[0] != str(claim_a):
            score = score.swapped()  # the cues name the first stored claim's words as A's
        appends.append(
            StreamAppend(
                stream_id=pair_id,
                stream_type=ev.StreamType.CONTRADICTION,
                expected_version=len(recorded),
                events=[
                    ev.ContradictionFlagged(
                        claims=claims,
                        score=score.score_decimal,
                        cues=score.explanations,
                        detector_version=version,
                        cue_kinds=[cue.kind for cue in score.cues],
                    )
                ],
            )
        )
        flags.append(Flag(pair_id=pair_id, claims=claims, score=score))
    return appends, flags


def contradiction_find(*, claim_id: str) -> list[tuple[str, PairScore]]:
    """The indexed claim's candidates that contradict it, with their scores (reads only)."""
    row = ClaimFeatureRow.objects.filter(pk=claim_id).first()
    if row is None:
        raise NotFound(f"claim {claim_id} is not indexed yet")
    features = ClaimFeatures.from_json(row.features)
    candidate_ids = candidates_sharing(claim_id=claim_id, keys=row.keys, limit=MAX_CANDIDATES)
    others = (
        _check_worthy_first(ClaimFeatureRow.objects.filter(pk__in=candidate_ids))
        .values_list("pk", "features", "text")
        .order_by("-check_worthy", "pk")
    )
    found = []
    # At most MAX_CANDIDATES rows: fetched with the query, not through a server-side cursor
    # (on PostgreSQL ``iterator()`` declares one WITH HOLD and fetches it in more round trips).
    for other_id, other_features, other_text in others:
        score = pair_score_texts(
            features, ClaimFeatures.from_json(other_features), text_a=row.text, text_b=other_text
        )
        if score.contradiction:
            found.append((str(other_id), score))
    return found


def _check_worthy_first(rows: QuerySet[ClaimFeatureRow]) -> QuerySet[ClaimFeatureRow]:
    """``rows`` annotated with their claim's ``check_worthy``, for ordering check-worthy claims
    first: a check compares them first and their flags are appended first (each append commits
    on its own), so a check cut short has flagged the pairs the desk reads first. The pairs
    found are the same in any order (docs/checkworthiness.md)."""
    worthy = ClaimView.objects.filter(claim_id=OuterRef("pk")).values("check_worthy")[:1]
    return rows.annotate(check_worthy=Coalesce(Subquery(worthy), Value(False)))


def contradiction_check_claim(*, claim_id: str, metadata: ev.Metadata) -> list[Flag]:
    """Compare an indexed claim with its candidates and flag every contradiction found.

    The candidates are scored first, outside any transaction; the flags are then appended
    ``FLAGS_PER_APPEND`` at a time (``contradiction_flag_many``), so the append lock is held
    only while one such append commits.
    """
    found = contradiction_find(claim_id=claim_id)
    if not found:
        return []
    return contradiction_flag_many(
        pairs=[(claim_id, other_id, score) for other_id, score in found], metadata=metadata
    )


def contradiction_unindex_claim(*, claim_id: str) -> None:
    """Remove a claim from the index: its features, its text and its blocking keys (atomic)."""
    with transaction.atomic():
        row = ClaimFeatureRow.objects.filter(pk=claim_id).first()
        if row is None:
            return
        BlockingKey.objects.filter(claim_id=claim_id).delete()
        _count(row.keys, -1)
        row.delete()


def _handle_redaction(event: ev.DataRedacted) -> None:
    """Re-derive an indexed claim's rows from its read model, which the redaction rebuilt: an
    erased text leaves the index; a redaction of another field re-indexes the current text."""
    claim = ClaimView.objects.filter(claim_id=event.stream_id).only("text", "last_position")
    current = claim.first() if ClaimFeatureRow.objects.filter(pk=event.stream_id).exists() else None
    if current is None:
        return
    if ev.REDACTED in current.text:
        contradiction_unindex_claim(claim_id=event.stream_id)
    else:
        contradiction_index_claim(
            claim_id=event.stream_id, text=current.text, position=current.last_position
        )


def _handle_claim_event(recorded: RecordedEvent) -> None:
    """Index and check one claim, then move the cursor to it; each step commits on its own.

    Idempotent: the index write replaces the claim's rows, and a pair already flagged by this
    detector version is not flagged again, so an event handled again after a crash (between its
    flags' commit and the cursor move, say) repeats nothing (``consumer_follow_batch``).
    """
    event = recorded.event
    if isinstance(event, ev.DataRedacted):
        _handle_redaction(event)
        return
    if not isinstance(event, ev.ClaimRecorded | ev.ClaimRevised):
        return
    contradiction_index_claim(
        claim_id=recorded.stream_id, text=event.text, position=recorded.position
    )
    flags = contradiction_check_claim(
        claim_id=recorded.stream_id,
        metadata=ev.Metadata(
            actor="worker:contradictions",
            via="worker",
            correlation_id=str(recorded.metadata.get("correlation_id") or uuid.uuid4()),
            causation_id=str(recorded.position),
        ),
    )
    if flags:
        consumer_advance(consumer=CONSUMER_NAME, position=recorded.position)


def contradictions_consume(*, batch_size: int = CONSUME_BATCH_SIZE, max_batches: int = 0) -> int:
    """Follow the event log from the durable cursor until caught up; return events handled.

    No transaction spans a batch (``consumer_follow_batch``): each claim is indexed, scored and
    flagged in short transactions of its own, the cursor following each claim that flagged
    anything, and a crash mid-batch handles the events after the cursor again without flagging
    anything twice. ``max_batches`` (0: no limit) bounds one
    call, so a task never runs for ever behind a busy ledger.
    """
    return consumer_follow(
        consumer=CONSUMER_NAME,
        handle=_handle_claim_event,
        batch_size=batch_size,
        types=sorted(follower_named(CONSUMER_NAME).event_types),
        max_batches=max_batches,
    )


def _index_from_claims() -> tuple[
    MemoryIndex,
    list[ClaimFeatureRow],
    list[BlockingKey],
    dict[str, str],
    dict[str, ClaimFeatures],
    set[str],
]:
    """The contradiction index as the claim list derives it, in memory: every claim whose text
    is not redacted, with its features, blocking keys and postings; and the check-worthy ones."""
    texts: dict[str, str] = {}
    positions: dict[str, int] = {}
    check_worthy: set[str] = set()
    claims = ClaimView.objects.values_list("claim_id", "text", "last_position", "check_worthy")
    for uuid_value, text, position, worthy in claims.iterator(chunk_size=RESCAN_BATCH_SIZE):
        if ev.REDACTED in text:
            continue  # an erased text leaves the index (_handle_redaction)
        texts[str(uuid_value)] = text
        positions[str(uuid_value)] = position
        if worthy:
            check_worthy.add(str(uuid_value))
    features = features_extract_many(texts=texts)
    index = MemoryIndex()
    rows: list[ClaimFeatureRow] = []
    postings: list[BlockingKey] = []
    for key, claim_features in features.items():
        keys = blocking_keys(claim_features)
        index.add(key, keys)
        rows.append(
            ClaimFeatureRow(
                claim_id=key,
                text=texts[key],
                features=claim_features.to_json(),
                keys=sorted(keys),
                last_position=positions[key],
            )
        )
        postings.extend(BlockingKey(key=k, claim_id=key, weight=w) for k, w in keys.items())
    return index, rows, postings, texts, features, check_worthy


def contradiction_index_check() -> list[str]:
    """Rebuild the contradiction index from the claim list in memory and compare it with the
    stored one; return the differences (empty: they agree). Reads only.

    Meaningful once the follower has caught up (``follower_behind``): a claim it has not read
    yet is reported missing. Positions are not compared (the index keeps the position of the
    text it read, the claim list that of the claim's last event).
    """
    index, rows, postings, _texts, _features, _check_worthy = _index_from_claims()
    expected = {str(row.claim_id): (row.text, row.features, row.keys) for row in rows}
    stored = {
        str(claim_id): (text, features, keys)
        for claim_id, text, features, keys in ClaimFeatureRow.objects.values_list(
            "claim_id", "text", "features", "keys"
        )
    }
    differences = [
        f"claim {claim_id}: " + ("missing" if claim_id not in stored else "stored, not derived")
        for claim_id in sorted(set(expected) ^ set(stored))
    ]
    differences += [
        f"claim {claim_id}: its stored features or keys differ"
        for claim_id in sorted(set(expected) & set(stored))
        if json.dumps(expected[claim_id], sort_keys=True)
        != json.dumps(stored[claim_id], sort_keys=True)
    ]
    expected_postings = {(item.key, str(item.claim_id), item.weight) for item in postings}
    stored_postings = {
        (key, str(claim_id), weight)
        for key, claim_id, weight in BlockingKey.objects.values_list("key", "claim_id", "weight")
    }
    if expected_postings != stored_postings:
        differences.append(
            f"blocking keys: {len(expected_postings - stored_postings)} missing, "
            f"{len(stored_postings - expected_postings)} not derived"
        )
    expected_counts = {key: len(ids) for key, ids in index.postings.items()}
    stored_counts = dict(KeyCount.objects.exclude(claims=0).values_list("key", "claims"))
    if expected_counts != stored_counts:
        differences.append("key counts differ")
    return differences


def contradictions_rescan(*, metadata: ev.Metadata) -> dict[str, int]:
    """Re-index every claim and check every claim against its candidates (new detector version).

    Runs in memory over the claim list, then replaces the persisted index; flags already made
    by this detector version are not repeated. Each contradicting pair the sweep reports is
    scored again here, for the flag's score and cues (the same functions of the same features).
    """
    index, rows, postings, texts, features, check_worthy = _index_from_claims()
    with transaction.atomic():
        BlockingKey.objects.all().delete()
        KeyCount.objects.all().delete()
        ClaimFeatureRow.objects.all().delete()
        ClaimFeatureRow.objects.bulk_create(rows, batch_size=RESCAN_BATCH_SIZE)
        BlockingKey.objects.bulk_create(postings, batch_size=RESCAN_BATCH_SIZE * 5)
        KeyCount.objects.bulk_create(
            [KeyCount(key=key, claims=len(ids)) for key, ids in index.postings.items()],
            batch_size=RESCAN_BATCH_SIZE * 5,
        )
    # The NLI model, when one is configured, reads the texts; the lexical detectors need not.
    model_texts = texts if nli_backend() is not None else None
    result = contradictions_sweep_memory(index=index, features=features, texts=model_texts)
    flagged = 0
    # Pairs with a check-worthy claim are flagged first (as a check compares them first).
    ordered = sorted(
        result.contradictions,
        key=lambda pair: not (pair[0] in check_worthy or pair[1] in check_worthy),
    )
    for claim_id, other in ordered:
        score = pair_score_texts(
            features[claim_id], features[other], text_a=texts[claim_id], text_b=texts[other]
        )
        if contradiction_flag(claim_a=claim_id, claim_b=other, score=score, metadata=metadata):
            flagged += 1
    return {
        "claims": len(features),
        "pairs_compared": result.pairs_compared,
        "flagged": flagged,
    }
