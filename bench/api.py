"""Claim list API (``GET /api/v1/claims/``) at 10,000 and 100,000 claims (quick: 1,000, 10,000).

Three things are measured at each size, for an API key of a staff role (an editor: sees every
claim) and of a publisher (sees its organisation's claims and every published one):

- **in-process latency**: p50/p95 of the first page (default page size) through Django's test
  client, i.e. the whole middleware stack, API-key authentication, throttling, filtering, cursor
  pagination and serialization, without a network; each repeat sends ``REQUESTS`` requests and
  the figure is the median over repeats of each repeat's percentile;
- **under concurrent load from a second process** (quick runs: at the larger size only):
  ``bench/_server.py`` (a pre-forking ``wsgiref`` server, one worker per core, on 127.0.0.1)
  serves the API and ``bench/_load.py``, another process, sends the same request from
  ``LOAD_CONCURRENCY`` threads until it has sent ``LOAD_REQUESTS`` requests or
  ``LOAD_SECONDS`` have passed: p50/p95 latency and requests/s;
- **queries per request** at page sizes 10, 50 and 100 (``CaptureQueriesContext``): they must not
  grow with the page size (no N+1); reported, not asserted.

The ledger is filled through ``claims_record_many`` (1,000 claims per transaction, seven
publishers), and one claim in ``PUBLISHED_EVERY`` is taken through review to publication with
``append_many`` so that a publisher's list mixes its own claims with published ones. The read-model
table is analyzed after the fill (as autovacuum would after a bulk import). The per-key rate limit
is raised for the run (``LEDGER_API_RATE``) so that no request is refused; the throttle's own
bookkeeping is still timed. Target: p95 < 25 ms in-process at 100,000 claims.
"""

from __future__ import annotations

import json
import os
import select
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.common import entities_of, figure, fresh_database, repeats, sentences
from ledger import events as ev
from ledger.models import ClaimView
from ledger.services import ClaimDraft, claims_record_many
from ledger.store import StreamAppend, append_many
from reviews.keys import api_key_create
from reviews.models import ApiScope, Membership, Organisation
from reviews.roles import Role

CLAIM_LIST_PATH = "/api/v1/claims/"
SIZES = (10_000, 100_000)
SIZES_QUICK = (1_000, 10_000)
CLAIMS_PER_TRANSACTION = 1000
PUBLISHERS = 7
PUBLISHED_EVERY = 20
REQUESTS = 100
REQUESTS_QUICK = 30
WARM_UP = 10
PAGE_SIZES = (10, 50, 100)
LOAD_CONCURRENCY = 8
LOAD_REQUESTS = 1500
LOAD_REQUESTS_QUICK = 200
LOAD_SECONDS = 20.0
LOAD_SECONDS_QUICK = 3.0
TARGET_P95_MS = 25.0
RATE_FOR_THE_RUN = "1000000/minute"
REPOSITORY = Path(__file__).resolve().parent.parent
ROLES = {"staff": (Role.EDITOR, None), "publisher": (Role.PUBLISHER, "publisher-0")}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def _callers() -> dict[str, str]:
    """One user and one read-only API key per role; returns role label -> token."""
    for number in range(PUBLISHERS):
        Organisation.objects.get_or_create(
            slug=f"publisher-{number}", defaults={"name": f"Publisher {number}"}
        )
    tokens = {}
    for label, (role, organisation) in ROLES.items():
        user = get_user_model().objects.create_user(username=f"bench-{label}", is_staff=True)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if organisation:
            Membership.objects.create(user=user, organisation_id=organisation)
        _, tokens[label] = api_key_create(user=user, name=f"bench {label}", scopes=[ApiScope.READ])
    return tokens


def _publication_path(number: int) -> list[ev.DomainEvent]:
    return [
        ev.ClaimAssigned(assignee="bench-reviewer"),
        ev.ClaimReviewStarted(),
        ev.ClaimVerdictSet(rating=number % 5, rating_name="Mostly true", explanation="Checked."),
        ev.ClaimApproved(),
        ev.ClaimSignedOff(),
        ev.ClaimPublished(url=f"https://checks.example/{number}"),
    ]


def fill(up_to: int) -> float:
    """Record claims until the list holds ``up_to``; return the seconds it took."""
    metadata = ev.Metadata(actor="user:bench", via="bench")
    started = time.perf_counter()
    have = ClaimView.objects.count()
    corpus = sentences(10_000, seed=3)
    while have < up_to:
        count = min(CLAIMS_PER_TRANSACTION, up_to - have)
        states = claims_record_many(
            drafts=[
                ClaimDraft(
                    text=corpus[(have + offset) % len(corpus)],
                    publisher=f"publisher-{(have + offset) % PUBLISHERS}",
                    entities=entities_of(corpus[(have + offset) % len(corpus)]),
                    check_worthiness={"score": "0.8", "cues": ["number", "date"]},
                )
                for offset in range(count)
            ],
            metadata=metadata,
        )
        published = [
            StreamAppend(
                stream_id=state.claim_id,
                stream_type=ev.StreamType.CLAIM,
                expected_version=state.version,
                events=_publication_path(have + offset),
            )
            for offset, state in enumerate(states)
            if (have + offset) % PUBLISHED_EVERY == 0
        ]
        if published:
            append_many(appends=published, metadata=metadata)
        have += count
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_claimview")
        cursor.execute("ANALYZE ledger_event")
    return time.perf_counter() - started


def _get(client: Client, token: str, path: str) -> Any:
    response = client.get(path, headers={"Authorization": f"Api-Key {token}"})
    if response.status_code != 200:
        raise RuntimeError(
            f"GET {path} answered {response.status_code}: {response.content[:300]!r}"
        )
    return response


def in_process_latencies(client: Client, token: str, requests: int) -> list[float]:
    """Milliseconds of each of ``requests`` first-page requests through the test client."""
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        _get(client, token, CLAIM_LIST_PATH)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def queries_per_request(client: Client, token: str) -> dict[str, Any]:
    """Queries of one request at each page size (and the SQL at the largest)."""
    counts: dict[str, int] = {}
    statements: list[str] = []
    for page_size in PAGE_SIZES:
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, token, f"{CLAIM_LIST_PATH}?page_size={page_size}")
        if len(response.json()["results"]) != page_size:
            raise RuntimeError(f"page_size={page_size} returned another number of claims")
        counts[str(page_size)] = len(captured.captured_queries)
        statements = [query["sql"] for query in captured.captured_queries]
    return {"counts": counts, "constant": len(set(counts.values())) == 1, "sql": statements}


def _database_url() -> str:
    base = os.environ["DATABASE_URL"]
    return urlunsplit(urlsplit(base)._replace(path="/" + connection.settings_dict["NAME"]))


def _start_server(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_DEBUG": "0",
        "LEDGER_API_RATE": RATE_FOR_THE_RUN,
    }
    env.pop("CELERY_BROKER_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "bench._server", "--workers", str(workers)],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert server.stdout is not None
    ready, _, _ = select.select([server.stdout], [], [], 60)
    line = server.stdout.readline().decode() if ready else ""
    if not line.startswith("PORT "):
        _stop_server(server)
        raise RuntimeError(f"the benchmark WSGI server did not start: {line!r}")
    return server, int(line.split()[1])


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the server and its workers
        server.wait()


def load(port: int, token: str, *, requests: int, seconds: float) -> dict[str, Any]:
    """Run the load generator in its own process; return its report."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench._load",
            "--port",
            str(port),
            "--path",
            CLAIM_LIST_PATH,
            "--token",
            token,
            "--concurrency",
            str(LOAD_CONCURRENCY),
            "--requests",
            str(requests),
            "--seconds",
            str(seconds),
        ],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
        timeout=seconds + 120,
    )
    report: dict[str, Any] = json.loads(completed.stdout)
    if report["error_count"] or set(report["statuses"]) - {"200"}:
        raise RuntimeError(
            f"the load run had failures: {report['statuses']}, {report['errors'][:3]}"
        )
    return report


def _measure_size(
    size: int, tokens: dict[str, str], *, quick: bool, under_load: bool
) -> dict[str, Any]:
    client = Client()
    for token in tokens.values():
        for _ in range(WARM_UP):
            _get(client, token, CLAIM_LIST_PATH)
    result: dict[str, Any] = {"claims": size, "queries": {}, "in_process": {}, "load": {}}
    for label, token in tokens.items():
        result["queries"][label] = queries_per_request(client, token)
    samples: dict[str, dict[str, list[float]]] = {
        label: {"p50": [], "p95": [], "all": []} for label in tokens
    }
    for _ in range(repeats(quick=quick)):
        for label, token in tokens.items():  # roles alternate, so drifting load hits both
            timings = in_process_latencies(client, token, REQUESTS_QUICK if quick else REQUESTS)
            samples[label]["p50"].append(statistics.median(timings))
            samples[label]["p95"].append(percentile(timings, 0.95))
            samples[label]["all"].extend(timings)
    for label in tokens:
        result["in_process"][label] = {
            "p50_samples": samples[label]["p50"],
            "p95_samples": samples[label]["p95"],
            "p50_all": statistics.median(samples[label]["all"]),
            "p95_all": percentile(samples[label]["all"], 0.95),
            "requests": len(samples[label]["all"]),
        }
    if not under_load:
        return result
    workers = os.cpu_count() or 1
    server, port = _start_server(workers)
    try:
        for label, token in tokens.items():
            load(port, token, requests=4 * workers, seconds=30)  # each worker connects
            report = load(
                port,
                token,
                requests=LOAD_REQUESTS_QUICK if quick else LOAD_REQUESTS,
                seconds=LOAD_SECONDS_QUICK if quick else LOAD_SECONDS,
            )
            latencies = report["latencies_ms"]
            result["load"][label] = {
                "requests": len(latencies),
                "seconds": round(report["seconds"], 2),
                "requests_per_second": len(latencies) / report["seconds"],
                "p50_ms": statistics.median(latencies),
                "p95_ms": percentile(latencies, 0.95),
                "concurrency": LOAD_CONCURRENCY,
                "server_workers": workers,
            }
    finally:
        _stop_server(server)
    return result


def _figures(measured: list[dict[str, Any]], *, quick: bool) -> list[dict[str, Any]]:
    figures = []
    largest = max(item["claims"] for item in measured)
    for item in measured:
        size = item["claims"]
        for label, numbers in item["in_process"].items():
            figures.append(
                figure(
                    key=f"api_in_process_p50_{label}_{size}",
                    name=f"claim list in-process p50, {label} key, {size:,} claims",
                    samples=numbers["p50_samples"],
                    unit="ms",
                    note="lower is better",
                )
            )
            p95 = figure(
                key=f"api_in_process_p95_{label}_{size}",
                name=f"claim list in-process p95, {label} key, {size:,} claims",
                samples=numbers["p95_samples"],
                unit="ms",
                target=f"< {TARGET_P95_MS:.0f} ms at 100,000 claims",
                note="lower is better",
            )
            if not quick and size == largest:
                p95["met"] = p95["value"] < TARGET_P95_MS
            figures.append(p95)
        for label, numbers in item["load"].items():
            for share in ("p50", "p95"):
                figures.append(
                    figure(
                        key=f"api_load_{share}_{label}_{size}",
                        name=f"claim list under load ({numbers['concurrency']} clients, "
                        f"{numbers['server_workers']} workers) {share}, {label} key, "
                        f"{size:,} claims",
                        samples=[numbers[f"{share}_ms"]],
                        unit="ms",
                        note="lower is better",
                    )
                )
            figures.append(
                figure(
                    key=f"api_load_throughput_{label}_{size}",
                    name=f"claim list under load, {label} key, {size:,} claims",
                    samples=[numbers["requests_per_second"]],
                    unit="requests/s",
                )
            )
        for label, queries in item["queries"].items():
            counts = queries["counts"]
            figures.append(
                figure(
                    key=f"api_queries_{label}_{size}",
                    name=f"queries per request at page size "
                    f"{'/'.join(counts)}: {'/'.join(str(n) for n in counts.values())}, "
                    f"{label} key, {size:,} claims",
                    samples=[float(n) for n in counts.values()],
                    unit="queries",
                    target="constant in page size",
                    met=queries["constant"],
                )
            )
    return figures


def run(*, quick: bool) -> dict[str, Any]:
    fresh_database()
    sizes = SIZES_QUICK if quick else SIZES
    measured = []
    fill_seconds = {}
    with override_settings(LEDGER_API_RATE=RATE_FOR_THE_RUN):
        tokens = _callers()
        for size in sizes:
            fill_seconds[str(size)] = round(fill(size), 1)
            # Quick runs load the server at the largest size only, to stay under two minutes.
            under_load = not quick or size == sizes[-1]
            measured.append(_measure_size(size, tokens, quick=quick, under_load=under_load))
    return {
        "sizes": {
            "claims": list(sizes),
            "requests_per_repeat": REQUESTS_QUICK if quick else REQUESTS,
            "load_requests": LOAD_REQUESTS_QUICK if quick else LOAD_REQUESTS,
            "load_seconds_limit": LOAD_SECONDS_QUICK if quick else LOAD_SECONDS,
            "load_concurrency": LOAD_CONCURRENCY,
        },
        "fill_seconds": fill_seconds,
        "measured": measured,
        "figures": _figures(measured, quick=quick),
    }
