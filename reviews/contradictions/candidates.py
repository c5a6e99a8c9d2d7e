"""Candidate generation by blocking: only claims sharing something specific are compared.

A claim is indexed under keys: its canonical entities (``e:iran``), its content words
(``w:silent``), the stance axes it takes a side on (``s:support``) and the quantities it states
(``q:count:body``). Candidates for a claim are the claims sharing the most key weight with it;
keys held by too many claims (``MAX_POSTINGS``) are skipped, as a search engine skips stopwords,
so the work per check is bounded however large the ledger grows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from reviews.contradictions.features import ClaimFeatures

MAX_POSTINGS = 2000  # a key shared by more claims than this does not block
MAX_CANDIDATES = 200  # the best-overlapping claims a check compares
MIN_SHARED_WEIGHT = 2  # one shared entity, or two shared words
ENTITY_WEIGHT = 2


def blocking_keys(features: ClaimFeatures) -> dict[str, int]:
    """Key -> weight for one claim's features."""
    keys: dict[str, int] = {}
    for entity in features.entities:
        keys[f"e:{entity}"[:200]] = ENTITY_WEIGHT
    entity_words = {word for entity in features.entities for word in entity.split()}
    for word in features.lemmas:
        if word not in entity_words and len(word) > 2:
            keys.setdefault(f"w:{word}"[:200], 1)
    for cue in features.stances:
        keys[f"s:{cue.axis}"] = 1
    for quantity in features.quantities:
        keys[f"q:{quantity.unit}:{quantity.measure}"[:200]] = 1
    return keys


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
        """The same ranking as ``rank_candidates`` (counted in C: one update per key weight)."""
        totals: Counter[str] = Counter()
        for key, weight in self.weights[claim_id].items():
            posting = self.postings.get(key)
            if posting is None or len(posting) > MAX_POSTINGS:
                continue
            for _ in range(weight):
                totals.update(posting)
        totals.pop(claim_id, None)
        return _top(totals, limit=limit)
