"""Candidate generation by blocking: only claims sharing something specific are compared.

A claim is indexed under keys: its canonical entities (``e:iran``), its content words
(``w:silent``), the stance axes it takes a side on (``s:support``), the quantities it states
(``q:count:body``), and each entity compounded with each of the others (``e:iran&w:silent``:
what the claim says of that entity). Candidates for a claim are the claims sharing the most key
weight with it. A check reads its keys rarest first while the postings read stay within
``POSTINGS_BUDGET``, so the work per check is bounded however large the ledger grows; a common
key left unread (an entity a third of the ledger names) still blocks through its compounds,
which are as rare as what is said of it (docs/adr/candidates-01).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.text import lemma

POSTINGS_BUDGET = 3_000  # postings one check reads at most (rarest keys first; ADR 0024)
MAX_CANDIDATES = 200  # the best-overlapping claims a check compares
MIN_SHARED_WEIGHT = 2  # one shared entity, or two shared words
ENTITY_WEIGHT = 2
COMPOUND_WEIGHT = 2  # an entity and something said of it: at least as telling as the entity
MAX_KEY_LENGTH = 200


def blocking_keys(features: ClaimFeatures) -> dict[str, int]:
    """Key -> weight for one claim's features."""
    entity_keys = [f"e:{entity}"[:MAX_KEY_LENGTH] for entity in features.entities]
    topic_keys: dict[str, int] = {}
    entity_words = {word for entity in features.entities for word in entity.split()}
    for word in features.lemmas:
        if word not in entity_words and len(word) > 2:
            topic_keys.setdefault(f"w:{word}"[:MAX_KEY_LENGTH], 1)
    for cue in features.stances:
        topic_keys[f"s:{cue.axis}"] = 1
    for quantity in features.quantities:
        topic_keys[f"q:{quantity.unit}:{quantity.measure}"[:MAX_KEY_LENGTH]] = 1
    keys = dict.fromkeys(entity_keys, ENTITY_WEIGHT)
    keys.update(topic_keys)
    for entity_key in entity_keys:
        for topic_key in topic_keys:
            keys[f"{entity_key}&{topic_key}"[:MAX_KEY_LENGTH]] = COMPOUND_WEIGHT
    # The words of a name are keys too, not compounded: a claim naming "Judd Nelson" meets one
    # where the same words were not read as a name (a title-case headline).
    for word in sorted(entity_words):
        if len(word) > 2:
            keys.setdefault(f"w:{lemma(word)}"[:MAX_KEY_LENGTH], 1)
    return keys


def keys_within_budget(counts: Mapping[str, int]) -> list[str]:
    """The keys a check reads (key -> claims holding it): rarest first (ties by key), while
    the postings read stay within ``POSTINGS_BUDGET``; the commonest are left unread."""
    chosen: list[str] = []
    read = 0
    for key, count in sorted(counts.items(), key=lambda item: (item[1], item[0])):
        read += count
        if read > POSTINGS_BUDGET:
            break
        chosen.append(key)
    return chosen


def rank_candidates(shared: Iterable[tuple[str, int]], *, limit: int) -> list[str]:
    """Claim ids by total shared weight (ties by id, for determinism), above the minimum."""
    totals: Counter[str] = Counter()
    for claim_id, weight in shared:
        totals[claim_id] += weight
    return _top(totals, limit=limit)


def _top(totals: Counter[str], *, limit: int) -> list[str]:
    """The ``limit`` best (weight descending, id ascending), without sorting every claim:
    the weight of the limit-th best is found by sorting plain integers (in C) first."""
    cutoff = MIN_SHARED_WEIGHT
    if len(totals) > limit:
        weights = sorted(totals.values(), reverse=True)
        cutoff = max(cutoff, weights[limit - 1])
    eligible = [(-weight, claim_id) for claim_id, weight in totals.items() if weight >= cutoff]
    eligible.sort()
    return [claim_id for _, claim_id in eligible[:limit]]


class MemoryIndex:
    """The same inverted index in memory, for full re-scans and benchmarks."""

    def __init__(self) -> None:
        self.postings: dict[str, list[str]] = defaultdict(list)
        self.weights: dict[str, dict[str, int]] = {}

    def add(self, claim_id: str, keys: dict[str, int]) -> None:
        self.weights[claim_id] = keys
        for key in keys:
            self.postings[key].append(claim_id)

    def candidates(self, claim_id: str, *, limit: int = MAX_CANDIDATES) -> list[str]:
        """The same keys and ranking as the database's (counted in C: one update per weight)."""
        return self.candidates_of_keys(self.weights[claim_id], exclude=claim_id, limit=limit)

    def candidates_of_keys(
        self, keys: Mapping[str, int], *, exclude: str = "", limit: int = MAX_CANDIDATES
    ) -> list[str]:
        """The indexed claims sharing the most weight with a claim of ``keys`` (indexed or
        not), ``exclude`` left out: what a claim not yet stored would be compared with."""
        counts = {
            key: len(posting) for key in keys if (posting := self.postings.get(key)) is not None
        }
        totals: Counter[str] = Counter()
        for key in keys_within_budget(counts):
            posting = self.postings[key]
            for _ in range(keys[key]):
                totals.update(posting)
        totals.pop(exclude, None)
        return _top(totals, limit=limit)
