"""A full sweep: every indexed claim against its candidates, each unordered pair once.

Pure computation over an in-memory index (no database), split across processes: the index and
features are built once, the worker processes are forked and share them copy-on-write, each
checks an interleaved slice of the claims, and only the contradictions found come back. Used by
``contradictions_rescan`` and by ``bench/contradictions.py``.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from typing import Any

from reviews.contradictions.candidates import MemoryIndex
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.scoring import PairScore, pair_score, pair_score_texts

MIN_CLAIMS_TO_FORK = 5000  # below this, forking costs more than it saves


@dataclasses.dataclass(frozen=True)
class SweepResult:
    pairs_compared: int
    contradictions: list[tuple[str, str, PairScore]]  # (smaller id, larger id, score)


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


def _sweep_slice(part: int, parts: int) -> SweepResult:
    index: MemoryIndex = _SHARED["index"]
    features: dict[str, ClaimFeatures] = _SHARED["features"]
    texts: dict[str, str] | None = _SHARED["texts"]
    ids: list[str] = _SHARED["ids"]
    compared = 0
    found: list[tuple[str, str, PairScore]] = []
    for claim_id in ids[part::parts]:
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
                found.append((claim_id, other, score))
    return SweepResult(pairs_compared=compared, contradictions=found)


def _run_part(arguments: tuple[int, int]) -> SweepResult:
    return _sweep_slice(*arguments)


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
    from django.db import connections

    workers = sweep_workers() if workers is None else max(1, workers)
    _SHARED.update(index=index, features=features, texts=texts, ids=sorted(features))
    try:
        if workers == 1 or len(features) < MIN_CLAIMS_TO_FORK:
            results = [_sweep_slice(0, 1)]
        else:
            connections.close_all()  # a forked child must not share the parent's connection
            context = multiprocessing.get_context("fork")
            with context.Pool(workers) as pool:
                results = pool.map(_run_part, [(part, workers) for part in range(workers)])
    finally:
        _SHARED.clear()
    found = sorted(
        (item for result in results for item in result.contradictions),
        key=lambda item: (item[0], item[1]),
    )
    return SweepResult(
        pairs_compared=sum(result.pairs_compared for result in results), contradictions=found
    )
