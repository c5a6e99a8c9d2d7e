"""Benchmark: ingesting one very long line is linear in its length (issue 17, item 6).

A scraped page can arrive as one line (its paragraphs joined by spaces): sentence splitting and
classification used to copy the text per sentence and answered a 4.9 MB one-line upload after
136 s. Here the seed article's text, flattened to one line, is repeated to 1, 2 and 4 MB and each
document is ingested through ``source_ingest`` (what ``POST /api/v1/sources/`` and
``manage.py ingest`` call): decode, extract, store the snapshot, record its claims. Repeated
sentences are skipped as duplicates, as they would be in the product, so the time is the
extraction's, not the append path's (measured by ``ingest``).

The sizes are ingested in turn within each repeat, so load from elsewhere weighs on all of them
alike; the ratio figure is the median of the per-repeat ratios 4 MB / 1 MB. Target: <= 4.5
(linear, with some allowance for memory effects). ``quick=True`` uses 0.25, 0.5 and 1 MB.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from bench.common import figure, fresh_database, repeats
from ledger import events as ev
from ledger.ingestion import source_ingest

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "iran-palestine-article.txt"
MEGABYTE = 1024 * 1024
SIZES_MB = (1, 2, 4)
SIZES_MB_QUICK = (0.25, 0.5, 1)
TARGET_RATIO = 4.5  # largest size over smallest, for 4x the bytes


def one_line(size: int, *, label: str) -> bytes:
    """``size`` bytes on one line: a unique label, then the seed's text with its line breaks
    turned into spaces, repeated (whole sentences, cut at a space)."""
    flattened = " ".join(SEED.read_text(encoding="utf-8").split()) + " "
    head = f"Benchmark document {label}. "
    repeated = (flattened * (size // len(flattened) + 1))[: size - len(head)]
    return (head + repeated[: repeated.rfind(" ")]).encode()


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    sizes = SIZES_MB_QUICK if quick else SIZES_MB
    metadata = ev.Metadata(actor="user:bench", via="bench")
    seconds: dict[float, list[float]] = {size: [] for size in sizes}
    claims: dict[float, int] = {}
    for attempt in range(repeats(quick=quick)):
        for size in sizes:
            content = one_line(int(size * MEGABYTE), label=f"{attempt}-{size}")
            started = time.perf_counter()
            result = source_ingest(content=content, metadata=metadata, filename="line.txt")
            seconds[size].append(time.perf_counter() - started)
            claims[size] = len(result.claims)
    smallest, largest = sizes[0], sizes[-1]
    ratios = [big / small for small, big in zip(seconds[smallest], seconds[largest], strict=True)]
    ratio = statistics.median(ratios)
    return {
        "sizes": {"megabytes": list(sizes), "claims_recorded": claims},
        "figures": [
            *(
                figure(
                    key=f"long_line_ingest_{size}mb",
                    name=f"ingest one {size} MB line (source_ingest)",
                    samples=seconds[size],
                    unit="s",
                )
                for size in sizes
            ),
            figure(
                key="long_line_ingest_ratio",
                name=f"time ratio {largest} MB / {smallest} MB (per repeat)",
                samples=ratios,
                unit="x",
                target=f"<= {TARGET_RATIO}",
                met=ratio <= TARGET_RATIO,
            ),
        ],
    }
