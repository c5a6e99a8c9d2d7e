"""A full sweep: every indexed claim against its candidates, each unordered pair once.

Pure computation over an in-memory index (no database), split across processes: features are
extracted by forked workers in chunks (``features_extract_many``); the index and features are
then shared copy-on-write with forked sweep workers, each checks an interleaved slice of the
claims, and only the contradicting pairs come back, as pairs of positions. Used by
``contradictions_rescan`` and by ``bench/contradictions.py``; the decisions behind it are in
docs/adr/0011-hooks-bound-and-fitted-score.md and docs/adr/0015-exact-sweep.md.
"""

from __future__ import annotations

import array
import contextlib
import dataclasses
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from reviews.contradictions.candidates import MemoryIndex
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.scoring import pair_score, pair_score_texts

MIN_CLAIMS_TO_FORK = 5000  # below this, forking costs more than it saves
EXTRACT_CHUNK_SIZE = 1000  # claims per feature-extraction task (results are pickled back)

_Result = TypeVar("_Result")


@dataclasses.dataclass(frozen=True)
class SweepResult:
    """What a sweep found: contradicting pairs as (smaller id, larger id), in that order.

    Only the pairs travel back from the workers (pickling millions of scores with their cue
    explanations cost more than scoring them); ``contradictions_rescan`` scores each pair again
    right before flagging it, which costs microseconds next to the flag's append.
    """

    pairs_compared: int
    contradictions: list[tuple[str, str]]


# What forked workers read (set just before forking, cleared after).
_SHARED: dict[str, Any] = {}


def sweep_workers() -> int:
    """Processes for a sweep: ``CONTRADICTIONS_SWEEP_WORKERS`` or the number of cores.

    One inside a daemonic process (a Celery prefork child may not fork) and with an NLI model
    configured (an ONNX session is not safe to use across a fork).
    """
    from django.conf import settings

    from reviews.contradictions.nli import nli_backend

    configured = int(getattr(settings, "CONTRADICTIONS_SWEEP_WORKERS", 0) or 0)
    workers = configured or os.cpu_count() or 1
    if multiprocessing.current_process().daemon or nli_backend() is not None:
        return 1
    return max(1, workers)


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the garbage collector off everything that exists now (the features and the index).

    A sweep allocates millions of short-lived objects; each full collection would otherwise walk
    every object of the 100,000 claims' features again, in the parent and in each forked worker
    (where walking them also copies their pages: ``gc.freeze`` is what the Python docs advise
    before a fork). The objects are handed back to the collector afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _in_workers(
    task: Callable[[int], _Result], *, parts: int, workers: int, fork: bool
) -> list[_Result]:
    """``task(part)`` for every part, in forked processes when ``fork``; results in part order."""
    if not fork:
        return [task(part) for part in range(parts)]
    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers)
    try:
        return pool.map(task, range(parts))
    finally:
        pool.close()  # not terminate(): see ledger/verify_export.py's _results
        pool.join()


def _extract_chunk(part: int) -> list[ClaimFeatures]:
    texts: list[tuple[str, str]] = _SHARED["texts_in_order"]
    start = part * EXTRACT_CHUNK_SIZE
    return [
        features_extract(text=text, antecedent=antecedent)
        for text, antecedent in texts[start : start + EXTRACT_CHUNK_SIZE]
    ]


def features_extract_many(
    *,
    texts: Mapping[str, str],
    workers: int | None = None,
    antecedents: Mapping[str, str] | None = None,
) -> dict[str, ClaimFeatures]:
    """``features_extract`` of every text (claim id -> text), in the mapping's order, each
    with its antecedent (claim id -> name, ``antecedents.antecedent_from``) when it has one.

    Large inputs are split into chunks extracted by forked workers; the features are the same
    objects ``features_extract`` returns (pickled back whole, set views included).
    """
    workers = sweep_workers() if workers is None else max(1, workers)
    ids = list(texts)
    fork = workers > 1 and len(ids) >= MIN_CLAIMS_TO_FORK
    parts = -(-len(ids) // EXTRACT_CHUNK_SIZE)
    if fork:
        features_extract(text=texts[ids[0]])  # load the lexicon once, before the fork
    named = antecedents or {}
    _SHARED.update(texts_in_order=[(texts[claim_id], named.get(claim_id, "")) for claim_id in ids])
    try:
        chunks = _in_workers(_extract_chunk, parts=parts, workers=workers, fork=fork)
    finally:
        _SHARED.clear()
    return dict(zip(ids, (item for chunk in chunks for item in chunk), strict=True))


def _sweep_slice(part: int) -> tuple[int, array.array[int]]:
    """(pairs compared, flat positions ``[a, b, a, b, ...]`` of contradicting pairs)."""
    index: MemoryIndex = _SHARED["index"]
    features: dict[str, ClaimFeatures] = _SHARED["features"]
    texts: dict[str, str] | None = _SHARED["texts"]
    ids: list[str] = _SHARED["ids"]
    positions: dict[str, int] = _SHARED["positions"]
    parts: int = _SHARED["parts"]
    compared = 0
    found = array.array("q")
    for position in range(part, len(ids), parts):
        claim_id = ids[position]
        mine = features[claim_id]
        for other in index.candidates(claim_id):
            if other <= claim_id or other not in features:
                continue  # each unordered pair once; ids indexed without features are probes
            compared += 1
            if texts is None:
                score = pair_score(mine, features[other])
            else:
                score = pair_score_texts(
                    mine, features[other], text_a=texts[claim_id], text_b=texts[other]
                )
            if score.contradiction:
                found.append(position)
                found.append(positions[other])
    return compared, found


def contradictions_sweep_memory(
    *,
    index: MemoryIndex,
    features: dict[str, ClaimFeatures],
    texts: dict[str, str] | None = None,
    workers: int | None = None,
) -> SweepResult:
    """Check every claim of ``features`` against its candidates in ``index``.

    ``texts`` (claim id -> text) lets the optional NLI model read the pairs; without it only the
    lexical detectors run. Results are in a deterministic order whatever the number of workers.
    """
    workers = sweep_workers() if workers is None else max(1, workers)
    ids = sorted(features)
    fork = workers > 1 and len(features) >= MIN_CLAIMS_TO_FORK
    parts = workers if fork else 1
    _SHARED.update(
        index=index,
        features=features,
        texts=texts,
        ids=ids,
        positions={claim_id: position for position, claim_id in enumerate(ids)},
        parts=parts,
    )
    try:
        with _frozen_heap():
            results = _in_workers(_sweep_slice, parts=parts, workers=workers, fork=fork)
    finally:
        _SHARED.clear()
    pairs = sorted(
        (flat[offset], flat[offset + 1]) for _, flat in results for offset in range(0, len(flat), 2)
    )
    return SweepResult(
        pairs_compared=sum(compared for compared, _ in results),
        contradictions=[(ids[first], ids[second]) for first, second in pairs],
    )
