"""Ingest at the product's entry points, for a 5 KB and a 100 KB article (quick: 5 and 25 KB).

- ``POST /api/v1/sources/`` (``text/plain``) through gunicorn (``bench._server``, production
  settings) by a publisher's API key, one request at a time;
- ``manage.py ingest FILE --publisher P`` as a user runs it: a new process each time (start-up,
  settings and the ingest), with the server's environment (PostgreSQL, tasks sent to a broker);
- ``source_ingest`` in-process, split into extraction (``source_decode`` + ``claims_extract``,
  what ingest computes before it opens its transaction) and storage (the rest of the call:
  the transaction that stores the source and records its claims), timed on the same article.

Every ingest gets an article of its own (synthetic article-like sentences in paragraphs, new
bytes each time, so none is answered from the stored copy). Figures: articles/s and claims/s
per entry point and size, the extraction/storage split, storage's claims/s against raw psycopg
batched inserts (``baselines.raw_batched_inserts``) run alternately in the same run (target >=
0.25x), and SQL statements and round trips per ``POST /api/v1/sources/``, counted on the wire
(``bench._wire``) for both sizes: constant in the number of claims is the target.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import _server, baselines
from bench._load import load
from bench.common import (
    RATE_FOR_THE_RUN,
    api_key_for,
    database_url,
    figure,
    fresh_database,
    repeats,
    sentences,
)
from ledger import events as ev
from ledger.extraction import claims_extract
from ledger.ingestion import source_decode, source_ingest
from reviews.models import ApiScope, Organisation
from reviews.roles import Role

SIZES = {"5kb": 5 * 1024, "100kb": 100 * 1024}
SIZES_QUICK = {"5kb": 5 * 1024, "25kb": 25 * 1024}  # quick runs stay under two minutes
SENTENCES_PER_PARAGRAPH = 5
PUBLISHER = "bench-news"
SOURCES_PATH = "/api/v1/sources/"
REPOSITORY = Path(__file__).resolve().parent.parent
# Statements are counted, not timed: one ingest per size, through the relay (slower than
# without: a worker may take longer than production's GUNICORN_TIMEOUT, raised for that run).
COUNTED_INGESTS = 1
COUNTING_TIMEOUT_SECONDS = 600
# The timed runs keep production's GUNICORN_TIMEOUT (30 s): an ingest that takes longer is
# killed by gunicorn and fails the module, as it would fail the user's request.
RESPONSE_TIMEOUT_SECONDS = 120.0
TARGET_STORAGE_RATIO = 0.25


class Articles:
    """New article bodies of about ``size`` bytes: never the same bytes twice in a run."""

    def __init__(self) -> None:
        self._seed = 0

    def next(self, size: int) -> bytes:
        self._seed += 1
        paragraphs: list[str] = []
        length = 0
        corpus = sentences(size // 40, seed=self._seed)
        for index in range(0, len(corpus), SENTENCES_PER_PARAGRAPH):
            paragraph = " ".join(corpus[index : index + SENTENCES_PER_PARAGRAPH])
            if length + len(paragraph) + 2 > size:
                break
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        return "\n\n".join(paragraphs).encode()


def _publisher_token() -> str:
    Organisation.objects.get_or_create(slug=PUBLISHER, defaults={"name": "Bench News"})
    return api_key_for(
        username="bench-publisher",
        role=Role.PUBLISHER,
        scopes=[ApiScope.SUBMIT],
        organisation=PUBLISHER,
    )


def in_process(article: bytes) -> dict[str, float]:
    """Seconds of extraction and of storage for one article, and its claims."""
    started = time.perf_counter()
    _, text = source_decode(content=article, filename="", media_type="text/plain")
    claims = len(claims_extract(text).claims)
    extraction = time.perf_counter() - started
    started = time.perf_counter()
    result = source_ingest(
        content=article,
        metadata=ev.Metadata(actor="user:bench", via="bench"),
        media_type="text/plain",
        publisher=PUBLISHER,
    )
    total = time.perf_counter() - started
    if not result.created or len(result.claims) != claims:
        raise RuntimeError("the in-process ingest stored another number of claims")
    # source_ingest extracts again before its transaction: the rest of the call is storage.
    return {"claims": claims, "extraction": extraction, "storage": total - extraction}


def over_http(
    port: int, token: str, articles: list[bytes], *, timeout: float = RESPONSE_TIMEOUT_SECONDS
) -> float:
    """Seconds to POST each article in turn (1 client); every answer must be 201 Created."""
    seconds = 0.0
    for article in articles:  # the load generator sends one body: one run per article
        report = _post(port, token, article, clients=1, requests=1, timeout=timeout)
        seconds += report["seconds"]
    return seconds


def _connect_workers(port: int, token: str, article: bytes, settings: dict[str, str]) -> None:
    """Post one article from as many clients as the server has workers, a few times each, so
    that every worker has connected to PostgreSQL before anything is timed (the first stores
    it; the others are answered with the stored source, 200)."""
    workers = _server.workers(settings)
    _post(port, token, article, clients=workers, requests=4 * workers, repeats_allowed=True)


def _post(
    port: int,
    token: str,
    article: bytes,
    *,
    clients: int,
    requests: int,
    timeout: float = RESPONSE_TIMEOUT_SECONDS,
    repeats_allowed: bool = False,
) -> dict[str, Any]:
    """``requests`` POSTs of ``article`` from ``clients`` clients (``bench._load``): each must
    store it (201), or may answer with the stored copy (200) when ``repeats_allowed``."""
    return load(
        port=port,
        paths=[SOURCES_PATH],
        tokens=[token],
        method="POST",
        body=article,
        content_type="text/plain",
        concurrency=clients,
        requests=requests,
        seconds=timeout,
        timeout=timeout,
        statuses=frozenset({"200", "201"} if repeats_allowed else {"201"}),
    )


def with_the_command(article: bytes, environment: dict[str, str]) -> float:
    """Wall seconds of ``manage.py ingest`` in a new process."""
    with tempfile.NamedTemporaryFile(suffix=".txt") as file:
        file.write(article)
        file.flush()
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "ingest", file.name, "--publisher", PUBLISHER],
            cwd=REPOSITORY,
            env=environment,
            check=True,
            capture_output=True,
            timeout=600,
        )
        return time.perf_counter() - started


def statements_per_ingest(
    token: str, settings: dict[str, str], articles: Articles, sizes: dict[str, int]
) -> dict[str, dict[str, float]]:
    """Statements and round trips per ``POST /api/v1/sources/`` at each size, on the wire."""
    counted: dict[str, dict[str, float]] = {}
    with _server.serving_counted(settings=settings, timeout_seconds=COUNTING_TIMEOUT_SECONDS) as (
        port,
        counter,
    ):
        over_http(port, token, [articles.next(SIZES["5kb"])])  # the worker connects
        for label, size in sizes.items():
            before = counter.totals()
            over_http(
                port,
                token,
                [articles.next(size) for _ in range(COUNTED_INGESTS)],
                timeout=COUNTING_TIMEOUT_SECONDS,
            )
            after = counter.totals()
            counted[label] = {
                name: (after[name] - before[name]) / COUNTED_INGESTS for name in after
            }
    return counted


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    token = _publisher_token()
    articles = Articles()
    settings = {"DATABASE_URL": database_url(), "LEDGER_API_RATE": RATE_FOR_THE_RUN}
    command_environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": _server.BROKER_URL,
    }
    sizes = SIZES_QUICK if quick else SIZES
    statements = statements_per_ingest(token, settings, articles, sizes)
    batched = baselines.sizes(quick=quick)["batched_inserts"]
    samples: dict[str, dict[str, list[float]]] = {
        label: {"claims": [], "extraction": [], "storage": [], "http": [], "command": []}
        for label in sizes
    }
    raw_samples = []
    with baselines.prepared(), _server.serving(settings=settings) as port:
        _connect_workers(port, token, articles.next(SIZES["5kb"]), settings)
        for _ in range(repeats(quick=quick)):
            raw_samples.append(
                baselines.raw_batched_inserts(batched, baselines.next_positions(batched))
            )
            for label, size in sizes.items():
                split = in_process(articles.next(size))
                for part in ("claims", "extraction", "storage"):
                    samples[label][part].append(split[part])
                samples[label]["http"].append(over_http(port, token, [articles.next(size)]))
                samples[label]["command"].append(
                    with_the_command(articles.next(size), command_environment)
                )
    return {
        "sizes": {"article_bytes": sizes, "baseline_inserts": batched},
        "statements": statements,
        "samples": samples,
        "figures": _figures(samples, raw_samples, statements),
    }


def _figures(
    samples: dict[str, dict[str, list[float]]],
    raw_samples: list[float],
    statements: dict[str, dict[str, float]],
) -> list[dict[str, Any]]:
    figures = [
        figure(
            key="ingest_baseline_raw_batched",
            name=f"baseline: raw {baselines.BATCH_SIZE} inserts per transaction (interleaved)",
            samples=raw_samples,
            unit="events/s",
        )
    ]
    for label, parts in samples.items():
        claims = parts["claims"]
        size = label.replace("kb", " KB")
        for entry, name in (("http", "POST /api/v1/sources/"), ("command", "manage.py ingest")):
            figures += [
                figure(
                    key=f"ingest_{entry}_articles_{label}",
                    name=f"{name}, {size} article",
                    samples=[1 / seconds for seconds in parts[entry]],
                    unit="articles/s",
                ),
                figure(
                    key=f"ingest_{entry}_claims_{label}",
                    name=f"{name}, {size} article ({claims[0]:.0f} claims)",
                    samples=[
                        count / seconds for count, seconds in zip(claims, parts[entry], strict=True)
                    ],
                    unit="claims/s",
                ),
            ]
        figures += [
            figure(
                key=f"ingest_extraction_share_{label}",
                name=f"extraction's share of an in-process ingest, {size} article",
                samples=[
                    extraction / (extraction + storage)
                    for extraction, storage in zip(
                        parts["extraction"], parts["storage"], strict=True
                    )
                ],
                unit="share",
            ),
            figure(
                key=f"ingest_storage_claims_{label}",
                name=f"storage of an ingest ({size} article, one transaction) vs raw batched",
                samples=[
                    count / seconds for count, seconds in zip(claims, parts["storage"], strict=True)
                ],
                unit="claims/s",
                baseline="ingest_baseline_raw_batched",
                target_ratio=TARGET_STORAGE_RATIO,
            ),
            figure(
                key=f"ingest_statements_{label}",
                name=f"SQL statements per POST /api/v1/sources/ ({size} article, on the wire)",
                samples=[statements[label]["statements"]],
                unit="statements",
                target="constant in the number of claims",
                met=len({counts["statements"] for counts in statements.values()}) == 1,
            ),
            figure(
                key=f"ingest_round_trips_{label}",
                name=f"database round trips per POST /api/v1/sources/ ({size} article)",
                samples=[statements[label]["round_trips"]],
                unit="round trips",
            ),
        ]
    return figures
