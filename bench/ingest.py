"""Bulk ingest: claims recorded per second from a synthetic corpus of article-like sentences.

Each "article" is ``ARTICLE_SENTENCES`` sentences recorded as claims in one transaction through
``claims_record_many`` (each claim its own stream, hash-chained, with its claim-list row), the
same batch size as the raw batched-insert baseline. Target: >= 0.25x raw psycopg batched inserts.
"""

from __future__ import annotations

import time
from typing import Any

from bench import baselines
from bench.common import entities_of, figure, fresh_database, repeats, sentences
from ledger import events as ev
from ledger.services import ClaimDraft, claims_record_many

ARTICLE_SENTENCES = 100
CLAIMS = 20_000
CLAIMS_QUICK = 5000


def claims_per_second(claims: int, seed: int) -> float:
    metadata = ev.Metadata(actor="user:bench", via="bench")
    corpus = sentences(claims, seed=seed)
    articles = [
        corpus[index : index + ARTICLE_SENTENCES]
        for index in range(0, len(corpus), ARTICLE_SENTENCES)
    ]
    started = time.perf_counter()
    for number, article in enumerate(articles):
        claims_record_many(
            drafts=[
                ClaimDraft(
                    text=sentence,
                    publisher=f"publisher-{number % 7}",
                    entities=entities_of(sentence),
                    check_worthiness={"score": "0.8", "cues": ["number", "date"]},
                )
                for sentence in article
            ],
            metadata=metadata,
        )
    elapsed = time.perf_counter() - started
    return claims / elapsed


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    claims = CLAIMS_QUICK if quick else CLAIMS
    batched = baselines.sizes(quick=quick)["batched_inserts"]
    samples, raw_samples = [], []
    with baselines.prepared():
        for attempt in range(repeats(quick=quick)):
            # Interleaved with its baseline, so that load from elsewhere weighs on both alike.
            raw_samples.append(
                baselines.raw_batched_inserts(batched, baselines.next_positions(batched))
            )
            samples.append(claims_per_second(claims, seed=attempt))
    return {
        "sizes": {
            "claims": claims,
            "claims_per_transaction": ARTICLE_SENTENCES,
            "baseline_inserts": batched,
        },
        "figures": [
            figure(
                key="ingest_baseline_raw_batched",
                name=f"baseline: raw {baselines.BATCH_SIZE} inserts per transaction (interleaved)",
                samples=raw_samples,
                unit="events/s",
            ),
            figure(
                key="ingest_claims",
                name=f"bulk ingest ({ARTICLE_SENTENCES} claims per transaction)",
                samples=samples,
                unit="claims/s",
                baseline="ingest_baseline_raw_batched",
                target_ratio=0.25,
            ),
        ],
    }
