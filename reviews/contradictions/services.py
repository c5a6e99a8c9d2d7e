"""Write services of contradiction detection: index claims, flag pairs, confirm and dismiss.

Work is driven from the event log: ``contradictions_consume`` follows ClaimRecorded and
ClaimRevised with a durable cursor, indexes each claim and checks it against its candidates.
No transaction spans a batch: a claim's index rows commit on their own, its candidates are
scored outside any transaction, and its flags are appended in bounded appends of their own (on
PostgreSQL one optimistic round trip each), so the append lock is held for one append, never
for a batch (docs/adr/lock-01).
Flags go to one stream per unordered claim pair (a deterministic id) at an expected version, so a
repeated or redelivered check flags nothing twice.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Sum

from ledger import events as ev
from ledger.consumers import consumer_advance, consumer_follow
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.models import ClaimView
from ledger.store import RecordedEvent, StreamAppend, append, append_many, read_stream, read_streams
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

CONSUMER_NAME = "contradictions"
# The events whose commit nudges the consumer (ledger.store after-commit hook).
NUDGE_EVENT_TYPES = (ev.EventType.CLAIM_RECORDED, ev.EventType.CLAIM_REVISED)
NUDGE_HOOK_NAME = "contradictions.nudge"
NUDGE_TIMEOUT = 2  # seconds to reach the broker before giving up (the sweep catches up)
CONSUME_BATCH_SIZE = 200
RESCAN_BATCH_SIZE = 2000
PAIR_NAMESPACE = uuid.UUID("6f1d2c53-8d0e-4d5f-9a57-2f3c1b0a9e41")
MAX_NOTE_LENGTH = 2000
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
    others = ClaimFeatureRow.objects.filter(pk__in=candidate_ids).values_list(
        "pk", "features", "text"
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


def _handle_claim_event(recorded: RecordedEvent) -> None:
    """Index and check one claim, then move the cursor to it; each step commits on its own.

    Idempotent: the index write replaces the claim's rows, and a pair already flagged by this
    detector version is not flagged again, so an event handled again after a crash (between its
    flags' commit and the cursor move, say) repeats nothing (``consumer_follow_batch``).
    """
    event = recorded.event
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
        types=[ev.EventType.CLAIM_RECORDED, ev.EventType.CLAIM_REVISED],
        max_batches=max_batches,
    )


def contradictions_nudge_now() -> bool:
    """Ask a worker to follow the log now; False (logged) when the broker cannot be reached."""
    from reviews.tasks import contradictions_consume_task

    return task_nudge_now(
        contradictions_consume_task,
        what="the contradiction check",
        catch_up="the periodic sweep will catch up",
    )


def task_nudge_now(task: Any, *, what: str, catch_up: str) -> bool:
    """Queue ``task`` (a consumer of the log) now; False (logged, with how the work is caught
    up: ``catch_up``) when the broker cannot be reached.

    Never raises: the claim that prompted the nudge is already committed, and the consumer
    follows a durable cursor, so a lost nudge only delays the work until the next one (or the
    periodic sweep). The message is published without Celery's publish retries, so a broker
    that is down costs one refused connection, not seconds of retrying inside the caller's
    request.
    """
    try:
        if task.app.conf.task_always_eager:
            task.apply_async()  # the embedded mode: runs here, now
        else:
            with task.app.connection_for_write() as connection:
                connection.ensure_connection(
                    max_retries=1, interval_start=0, interval_step=0, timeout=NUDGE_TIMEOUT
                )
                task.apply_async(connection=connection, retry=False)
    except Exception:
        logger.warning("could not queue %s; %s", what, catch_up, exc_info=True)
        return False
    return True


def contradictions_after_commit(recorded: list[RecordedEvent]) -> None:
    """The ``ledger.store`` after-commit hook: a claim was recorded or revised, so nudge."""
    contradictions_nudge_now()


def contradictions_nudge() -> None:
    """After the current transaction commits (at once outside one), nudge the consumer.

    Recording or revising a claim already nudges through the after-commit hook registered in
    ``ContradictionsConfig.ready``; call this only to prompt a catch-up by hand.
    """
    transaction.on_commit(contradictions_nudge_now)


def contradictions_rescan(*, metadata: ev.Metadata) -> dict[str, int]:
    """Re-index every claim and check every claim against its candidates (new detector version).

    Runs in memory over the claim list, then replaces the persisted index; flags already made
    by this detector version are not repeated. Each contradicting pair the sweep reports is
    scored again here, for the flag's score and cues (the same functions of the same features).
    """
    texts: dict[str, str] = {}
    positions: dict[str, int] = {}
    claims = ClaimView.objects.values_list("claim_id", "text", "last_position")
    for uuid_value, text, position in claims.iterator(chunk_size=RESCAN_BATCH_SIZE):
        texts[str(uuid_value)] = text
        positions[str(uuid_value)] = position
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
    for claim_id, other in result.contradictions:
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


# Review decisions ----------------------------------------------------------------------------


def _decide(
    *, pair_id: str, expected_version: int, event: ev.DomainEvent, metadata: ev.Metadata
) -> int:
    recorded = read_stream(str(pair_id))
    if not recorded or recorded[0].stream_type != ev.StreamType.CONTRADICTION:
        raise NotFound(f"no contradiction flag {pair_id}")
    if expected_version != len(recorded):
        # A stale reader learns the current version (409) before any other refusal: the flag
        # may have been decided since they read it.
        raise ConcurrencyConflict(
            stream_id=str(pair_id),
            expected_version=expected_version,
            current_version=len(recorded),
        )
    if not isinstance(recorded[-1].event, ev.ContradictionFlagged):
        raise InvalidCommand("this flag was already confirmed or dismissed")
    result = append(
        stream_id=str(pair_id),
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=expected_version,
        events=[event],
        metadata=metadata,
    )
    return result.version


def decision_note_clean(note: str) -> str:
    """A reviewer's note on a decision, stripped; refused when empty or too long (flags and
    match decisions alike)."""
    cleaned = note.strip()
    if not cleaned:
        raise InvalidCommand("a note is required: say why")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise InvalidCommand(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    return cleaned


def contradiction_confirm(
    *, pair_id: str, expected_version: int, note: str, metadata: ev.Metadata
) -> int:
    """A reviewer agrees the two claims cannot both be true. Returns the new stream version."""
    return _decide(
        pair_id=pair_id,
        expected_version=expected_version,
        event=ev.ContradictionConfirmed(note=decision_note_clean(note)),
        metadata=metadata,
    )


def contradiction_dismiss(
    *, pair_id: str, expected_version: int, note: str, metadata: ev.Metadata
) -> int:
    """A reviewer finds the flag wrong; this detector version will not flag the pair again."""
    return _decide(
        pair_id=pair_id,
        expected_version=expected_version,
        event=ev.ContradictionDismissed(note=decision_note_clean(note)),
        metadata=metadata,
    )
