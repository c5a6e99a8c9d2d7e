"""Finding and flagging contradictions: score an indexed claim against its candidates, and
append ContradictionFlagged to the pair's stream unless this detector version flagged it before.

Flags go to one stream per unordered claim pair (a deterministic id) at an expected version, so
a repeated or redelivered check flags nothing twice. The candidates are scored outside any
transaction and the flags appended in bounded appends of their own, so the append lock is held
for one append, never for a batch (docs/adr/0025-contradiction-flags-outside-the-batch.md).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.models import ClaimView
from ledger.reading import RecordedEvent, read_streams
from ledger.store import StreamAppend, append_many
from reviews.contradictions.candidates import MAX_CANDIDATES
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.indexing import candidates_sharing
from reviews.contradictions.models import ClaimFeatureRow
from reviews.contradictions.scoring import PairScore, detector_version, pair_score_texts

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
