"""CPU time of contradiction pair scoring over the bench's synthetic candidate pairs.

Usage::

    python -m bench._pair_scoring [--claims 20000] [--passes 4]

No database. It generates ``--claims`` claims with ``bench/contradictions.py``'s generator,
extracts their features, indexes them in memory and collects every candidate pair once (each
unordered pair, as the sweep compares them); then it scores every pair with ``pair_score``
``--passes`` times and prints the best pass's CPU microseconds per pair (``time.process_time``:
what the shared machine's load changes least) with the pairs and contradictions found. To compare
two versions, run it from each tree in turn, alternating, a few times.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._pair_scoring")
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--passes", type=int, default=4)
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from bench.contradictions import make_claims
    from reviews.contradictions.candidates import MemoryIndex, blocking_keys
    from reviews.contradictions.scoring import pair_score
    from reviews.contradictions.sweep import features_extract_many

    texts = {f"c{number:07d}": text for number, text in enumerate(make_claims(arguments.claims))}
    features = features_extract_many(texts=texts)
    index = MemoryIndex()
    for claim_id, claim_features in features.items():
        index.add(claim_id, blocking_keys(claim_features))
    pairs = [
        (features[claim_id], features[other])
        for claim_id in sorted(features)
        for other in index.candidates(claim_id)
        if other > claim_id
    ]
    gc.freeze()  # as the sweep does
    best = float("inf")
    contradictions = 0
    for _ in range(arguments.passes):
        started = time.process_time()
        contradictions = sum(pair_score(a, b).contradiction for a, b in pairs)
        best = min(best, time.process_time() - started)
    print(
        f"{best / len(pairs) * 1e6:.2f} CPU-µs per pair (best of {arguments.passes} passes) over "
        f"{len(pairs):,} candidate pairs of {arguments.claims:,} claims; "
        f"{contradictions:,} contradictions"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
