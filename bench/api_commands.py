"""A review command over HTTP, ``POST /api/v1/claims/{id}/assign/``, at 1, 8 and 32 clients.

What a user's integration hits: gunicorn with the production configuration (``bench._server``,
``DJANGO_DEBUG=0``, PostgreSQL, tasks sent to a broker and not run in the request), an editor's
API key with the review scope, ``If-Match: "1"`` and a JSON body, each request on a claim of its
own that is pending at version 1 (so every request is accepted, 200, and every claim's history
is as short as a new claim's). ``bench/_load.py`` sends the requests from another process:
requests/s, p50/p95/p99 of every response.

Baseline in the same run, on the same server at the same concurrency, alternating with the
commands: ``POST /bench/insert/`` (``bench._urls``, mounted only by ``bench._settings``), a DRF
view behind the same middleware, API-key authentication, permission check and throttle that
does one INSERT and COMMIT, the stack's own limit for a write. The eventsourcing library's
in-process record + assign commands/s (``bench/baselines.py``) run alternately too.

SQL statements and round trips per request are counted on the wire (``bench._wire``: a relay
between a one-worker server and PostgreSQL), over sequential requests after the worker has
connected: every statement the request sends, the event store's own psycopg statements, BEGIN
and COMMIT and Django's connection health check included, for the command and the baseline
alike.

Targets at 8 clients: >= 0.6x the baseline's requests/s, p95 < 30 ms, <= 6 statements per
command, and >= 1x the requests/s of 1 client (writers on different claims never refuse or
slow each other; any response but 200, a 409 included, fails the run). The per-key rate limit
is raised for the run so that no request is refused; the throttle's bookkeeping is still timed.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from bench import _server, baselines
from bench._load import load
from bench._urls import BASELINE_PATH, BASELINE_TABLE_CREATE
from bench.common import (
    RATE_FOR_THE_RUN,
    api_key_for,
    database_url,
    entities_of,
    figure,
    fresh_database,
    repeats,
    sentences,
)
from ledger import events as ev
from ledger.services import ClaimDraft, claim_recording
from ledger.store import append_many
from reviews.models import ApiScope
from reviews.roles import Role

CONCURRENCY = (1, 8, 32)
TARGET_CONCURRENCY = 8
REQUESTS = 400
REQUESTS_QUICK = 64
SECONDS = 20.0
SECONDS_QUICK = 4.0
CLAIMS_PER_TRANSACTION = 1000
TARGET_RATIO = 0.6
TARGET_P95_MS = 30.0
TARGET_STATEMENTS = 6
# Writers on different claims never refuse each other (every response must be 200, or the load
# run fails) and do not slow each other: 8 writers at least match 1 writer's throughput.
TARGET_WRITERS_RATIO = 1.0
BENCH_SETTINGS = "bench._settings"
EDITOR = "bench-editor"


def pending_claims(count: int, *, seed: int) -> list[str]:
    """Record ``count`` new claims (version 1, pending); return their ids."""
    metadata = ev.Metadata(actor="user:bench", via="bench")
    texts = sentences(count, seed=seed)
    claim_ids: list[str] = []
    for index in range(0, count, CLAIMS_PER_TRANSACTION):
        results = append_many(
            appends=[
                claim_recording(
                    draft=ClaimDraft(text=text, publisher="bench", entities=entities_of(text)),
                    source_text=None,
                )
                for text in texts[index : index + CLAIMS_PER_TRANSACTION]
            ],
            metadata=metadata,
        )
        claim_ids.extend(result.events[0].stream_id for result in results)
    return claim_ids


def _command_path(claim_id: str) -> str:
    return f"/api/v1/claims/{claim_id}/assign/"


BODY = json.dumps({"assignee": EDITOR}).encode()  # the baseline stores the command's body
IF_MATCH = 'If-Match: "1"'


COUNTED_REQUESTS = 10


def statements_per_request(token: str, settings: dict[str, str]) -> dict[str, dict[str, float]]:
    """Statements and round trips per command and per baseline request, counted on the wire
    (``bench._wire``) between a one-worker server and PostgreSQL, over ``COUNTED_REQUESTS``
    requests each after the worker's connection is made."""
    counted: dict[str, dict[str, float]] = {}
    with _server.serving_counted(settings=settings) as (port, counter):
        claim_paths = [
            _command_path(claim_id) for claim_id in pending_claims(2 * COUNTED_REQUESTS, seed=999)
        ]
        runs: dict[str, tuple[list[str], list[str], tuple[str, ...]]] = {
            # label: (paths to connect with, paths counted, headers)
            "command": (
                claim_paths[:COUNTED_REQUESTS],
                claim_paths[COUNTED_REQUESTS:],
                (IF_MATCH,),
            ),
            "baseline": ([BASELINE_PATH], [BASELINE_PATH], ()),
        }
        for label, (first_paths, counted_paths, headers) in runs.items():
            totals = []
            for paths in (first_paths, counted_paths):
                load(
                    port=port,
                    paths=paths,
                    tokens=[token],
                    method="POST",
                    body=BODY,
                    headers=headers,
                    concurrency=1,
                    requests=COUNTED_REQUESTS,
                    seconds=60,
                )
                totals.append(counter.totals())
            counted[label] = {
                name: (totals[1][name] - totals[0][name]) / COUNTED_REQUESTS for name in totals[1]
            }
    return counted


def _measure(
    port: int, token: str, *, concurrency: int, quick: bool, seed: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    requests = REQUESTS_QUICK if quick else REQUESTS
    seconds = SECONDS_QUICK if quick else SECONDS
    baseline = load(
        port=port,
        paths=[BASELINE_PATH],
        tokens=[token],
        method="POST",
        body=BODY,
        concurrency=concurrency,
        requests=requests,
        seconds=seconds,
    )
    claim_ids = pending_claims(requests, seed=seed)
    command = load(
        port=port,
        paths=[_command_path(claim_id) for claim_id in claim_ids],
        tokens=[token],
        method="POST",
        body=BODY,
        headers=(IF_MATCH,),
        concurrency=concurrency,
        requests=requests,
        seconds=seconds,
    )
    for report in (baseline, command):
        del report["latencies_ms"]
    return baseline, command


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_TABLE_CREATE)
    token = api_key_for(username=EDITOR, role=Role.EDITOR, scopes=[ApiScope.READ, ApiScope.REVIEW])
    settings = {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
        "LEDGER_API_RATE": RATE_FOR_THE_RUN,
    }
    statements = statements_per_request(token, settings)
    workers = _server.workers(settings)
    size = baselines.sizes(quick=quick)
    measured: dict[int, dict[str, list[dict[str, Any]]]] = {
        concurrency: {"baseline": [], "command": []} for concurrency in CONCURRENCY
    }
    eventsourcing_samples = []
    with baselines.prepared() as eventsourcing_db, _server.serving(settings=settings) as port:
        _measure(port, token, concurrency=workers, quick=True, seed=100)  # workers connect
        for attempt in range(repeats(quick=quick)):
            eventsourcing_samples.append(
                baselines.eventsourcing_commands(eventsourcing_db, size["claims"], seed=attempt)
            )
            for concurrency in CONCURRENCY:
                baseline, command = _measure(
                    port,
                    token,
                    concurrency=concurrency,
                    quick=quick,
                    seed=1000 * (attempt + 1) + concurrency,
                )
                measured[concurrency]["baseline"].append(baseline)
                measured[concurrency]["command"].append(command)
    return {
        "sizes": {
            "requests_per_run": REQUESTS_QUICK if quick else REQUESTS,
            "seconds_limit": SECONDS_QUICK if quick else SECONDS,
            "concurrency": list(CONCURRENCY),
            "server_workers": workers,
            "eventsourcing_claims": size["claims"],
        },
        "statements": statements,
        "measured": {str(concurrency): runs for concurrency, runs in measured.items()},
        "figures": _figures(measured, statements, eventsourcing_samples, workers=workers),
    }


def _figures(
    measured: dict[int, dict[str, list[dict[str, Any]]]],
    statements: dict[str, Any],
    eventsourcing_samples: list[float],
    *,
    workers: int,
) -> list[dict[str, Any]]:
    figures = [
        figure(
            key="api_commands_baseline_eventsourcing",
            name="baseline: eventsourcing record + assign, in-process (interleaved)",
            samples=eventsourcing_samples,
            unit="commands/s",
        )
    ]
    for concurrency, runs in measured.items():
        at = f"{concurrency} client{'s' if concurrency > 1 else ''}, {workers} gunicorn workers"
        baseline_key = f"api_commands_baseline_{concurrency}"
        figures.append(
            figure(
                key=baseline_key,
                name=f"baseline: POST trivial authenticated INSERT view ({at})",
                samples=[report["requests_per_second"] for report in runs["baseline"]],
                unit="requests/s",
            )
        )
        throughput = [report["requests_per_second"] for report in runs["command"]]
        targeted = concurrency == TARGET_CONCURRENCY
        figures.append(
            figure(
                key=f"api_commands_{concurrency}",
                name=f"POST /api/v1/claims/{{id}}/assign/ ({at})",
                samples=throughput,
                unit="requests/s",
                baseline=baseline_key,
                target_ratio=TARGET_RATIO if targeted else None,
            )
        )
        for share in ("p50", "p95", "p99"):
            value = figure(
                key=f"api_commands_{share}_{concurrency}",
                name=f"POST assign {share} ({at})",
                samples=[report[f"{share}_ms"] for report in runs["command"]],
                unit="ms",
                note="lower is better",
            )
            if share == "p95" and targeted:
                value["target"] = f"< {TARGET_P95_MS:.0f} ms"
                value["met"] = value["value"] < TARGET_P95_MS
            figures.append(value)
        figures.append(
            figure(
                key=f"api_commands_baseline_p95_{concurrency}",
                name=f"baseline: POST trivial INSERT view p95 ({at})",
                samples=[report["p95_ms"] for report in runs["baseline"]],
                unit="ms",
                note="lower is better",
            )
        )
        if targeted:
            figures.append(
                figure(
                    key="api_commands_writers",
                    name=(
                        f"POST assign, {concurrency} writers on claims of their own vs 1 "
                        f"writer ({workers} gunicorn workers)"
                    ),
                    samples=throughput,
                    unit="requests/s",
                    baseline="api_commands_1",
                    target_ratio=TARGET_WRITERS_RATIO,
                )
            )
            figures.append(
                figure(
                    key="api_commands_vs_eventsourcing",
                    name=f"POST assign over HTTP ({at}) vs eventsourcing in-process",
                    samples=throughput,
                    unit="requests/s",
                    baseline="api_commands_baseline_eventsourcing",
                )
            )
    command_statements = statements["command"]["statements"]
    figures += [
        figure(
            key="api_commands_statements",
            name="SQL statements per POST assign (on the wire, BEGIN/COMMIT included)",
            samples=[command_statements],
            unit="statements",
            target=f"<= {TARGET_STATEMENTS}",
            met=command_statements <= TARGET_STATEMENTS,
        ),
        figure(
            key="api_commands_round_trips",
            name="database round trips per POST assign",
            samples=[statements["command"]["round_trips"]],
            unit="round trips",
        ),
        figure(
            key="api_commands_baseline_statements",
            name="baseline: SQL statements per trivial INSERT view request (on the wire)",
            samples=[statements["baseline"]["statements"]],
            unit="statements",
        ),
    ]
    return figures
