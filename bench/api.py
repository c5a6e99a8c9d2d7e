"""Claim list and detail API at 10,000 and 100,000 claims (quick: 1,000, 10,000).

Measured at each size, for an API key of a staff role (an editor: sees every claim) and of a
publisher (sees its organisation's claims and every published one):

- **in-process latency** of ``GET /api/v1/claims/``: p50/p95 of the first page (default page
  size) through Django's test client, i.e. the whole middleware stack, API-key authentication,
  throttling, filtering, cursor pagination and serialization, without a network; each repeat
  sends ``REQUESTS`` requests and the figure is the median over repeats of each repeat's
  percentile;
- **over HTTP, 8 clients** (quick runs: at the larger size only): gunicorn with the production
  configuration (``bench/_server.py``: ``config/gunicorn.conf.py``'s default workers, on
  127.0.0.1) serves the API and ``bench/_load.py``, another process, sends ``GET
  /api/v1/claims/`` (first page), then ``GET /api/v1/claims/{id}/`` over ``DETAIL_CLAIMS``
  claims spread over the ledger, from ``LOAD_CONCURRENCY`` threads until ``LOAD_REQUESTS``
  requests are done or ``LOAD_SECONDS`` have passed: p50/p95/p99 and requests/s;
- **DRF's checks' share** of the in-process list request: the time in authentication
  (``perform_authentication``: the API key's lookup, its user and roles), permissions and
  throttling over ``REQUESTS`` requests, divided by those requests' time;
- **queries per request** at page sizes 10, 50 and 100, and of the detail of a claim with one
  event and of a published one (``CaptureQueriesContext``): constant is the target; reported,
  not asserted.

The ledger is filled through ``claim_recording`` and ``append_many`` (1,000 claims per
transaction, seven publishers), and one claim in ``PUBLISHED_EVERY`` is taken through review to
publication with ``append_many`` so that a publisher's list mixes its own claims with published
ones. The read-model
table is analyzed after the fill (as autovacuum would after a bulk import). The per-key rate limit
is raised for the run (``LEDGER_API_RATE``) so that no request is refused; the throttle's own
bookkeeping is still timed (in the process's memory: the harness sets no ``CACHE_URL``).
Targets: p95 < 25 ms at 100,000 claims, in-process and over HTTP at 8 clients.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.views import APIView

from bench import _server
from bench._load import load, percentile
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
from ledger.models import ClaimView
from ledger.services import ClaimDraft, claim_recording
from ledger.store import StreamAppend, append_many
from reviews.models import ApiScope, Organisation
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
VISIBLE_PUBLISHER = "publisher-0"
ROLES = {"staff": (Role.EDITOR, None), "publisher": (Role.PUBLISHER, VISIBLE_PUBLISHER)}
DETAIL_CLAIMS = 500


def _callers() -> dict[str, str]:
    """One user and one read-only API key per role; returns role label -> token."""
    for number in range(PUBLISHERS):
        Organisation.objects.get_or_create(
            slug=f"publisher-{number}", defaults={"name": f"Publisher {number}"}
        )
    return {
        label: api_key_for(
            username=f"bench-{label}", role=role, scopes=[ApiScope.READ], organisation=organisation
        )
        for label, (role, organisation) in ROLES.items()
    }


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
        recorded = append_many(
            appends=[
                claim_recording(
                    draft=ClaimDraft(
                        text=corpus[(have + offset) % len(corpus)],
                        publisher=f"publisher-{(have + offset) % PUBLISHERS}",
                        entities=entities_of(corpus[(have + offset) % len(corpus)]),
                        check_worthiness={"score": "0.8", "cues": ["number", "date"]},
                    ),
                    source_text=None,
                )
                for offset in range(count)
            ],
            metadata=metadata,
        )
        published = [
            StreamAppend(
                stream_id=result.events[0].stream_id,
                stream_type=ev.StreamType.CLAIM,
                expected_version=result.version,
                events=_publication_path(have + offset),
            )
            for offset, result in enumerate(recorded)
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


# DRF's three checks before a view runs, each an APIView method.
CHECKS = {
    "authentication": "perform_authentication",
    "permissions": "check_permissions",
    "throttling": "check_throttles",
}


@contextmanager
def checks_timed() -> Iterator[dict[str, float]]:
    """Seconds spent in each of DRF's checks (``CHECKS``) while inside, summed over requests:
    the product's methods, wrapped in a timer for the benchmark only."""
    spent = dict.fromkeys(CHECKS, 0.0)
    originals = {check: getattr(APIView, method) for check, method in CHECKS.items()}

    def timed(check: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(view: APIView, request: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(view, request)
            finally:
                spent[check] += time.perf_counter() - began

        return wrapper

    for check, method in CHECKS.items():
        setattr(APIView, method, timed(check, originals[check]))
    try:
        yield spent
    finally:
        for check, method in CHECKS.items():
            setattr(APIView, method, originals[check])


def check_shares(client: Client, token: str, requests: int) -> dict[str, float]:
    """Each check's share of the first-page request's in-process time, and their total."""
    with checks_timed() as spent:
        total = sum(in_process_latencies(client, token, requests)) / 1000
    shares = {check: seconds / total for check, seconds in spent.items()}
    return {**shares, "total": sum(shares.values())}


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


def detail_queries(client: Client, token: str) -> dict[str, Any]:
    """Queries of ``GET /api/v1/claims/{id}/`` for a claim with one event and for a published
    one (seven events): the detail must not grow with a claim's history."""
    pending = ClaimView.objects.filter(publisher=VISIBLE_PUBLISHER, version=1).first()
    published = ClaimView.objects.filter(publisher=VISIBLE_PUBLISHER, version__gt=1).first()
    counts: dict[str, int] = {}
    for claim in (pending, published):
        if claim is None:
            raise RuntimeError("the fill left no pending or no published claim to read")
        with CaptureQueriesContext(connection) as captured:
            _get(client, token, f"{CLAIM_LIST_PATH}{claim.claim_id}/")
        counts[str(claim.version)] = len(captured.captured_queries)
    return {"counts": counts, "constant": len(set(counts.values())) == 1}


def detail_paths(count: int) -> list[str]:
    """Detail paths of ``count`` claims spread over the ledger, visible to both keys."""
    claims = ClaimView.objects.filter(publisher=VISIBLE_PUBLISHER).order_by("?")[:count]
    return [f"{CLAIM_LIST_PATH}{claim_id}/" for claim_id in claims.values_list("pk", flat=True)]


def _measure_size(
    size: int, tokens: dict[str, str], *, quick: bool, under_load: bool
) -> dict[str, Any]:
    client = Client()
    for token in tokens.values():
        for _ in range(WARM_UP):
            _get(client, token, CLAIM_LIST_PATH)
    result: dict[str, Any] = {
        "claims": size,
        "queries": {},
        "detail_queries": {},
        "check_shares": {},
        "in_process": {},
        "load": {},
    }
    for label, token in tokens.items():
        result["queries"][label] = queries_per_request(client, token)
        result["detail_queries"][label] = detail_queries(client, token)
        result["check_shares"][label] = check_shares(
            client, token, REQUESTS_QUICK if quick else REQUESTS
        )
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
    settings = {"DATABASE_URL": database_url(), "LEDGER_API_RATE": RATE_FOR_THE_RUN}
    workers = _server.workers(settings)
    details = detail_paths(DETAIL_CLAIMS)
    with _server.serving(settings=settings) as port:
        for label, token in tokens.items():
            for kind, paths in (("list", [CLAIM_LIST_PATH]), ("detail", details)):
                for requests, seconds in (
                    (4 * workers, 30.0),  # each worker connects
                    (
                        LOAD_REQUESTS_QUICK if quick else LOAD_REQUESTS,
                        LOAD_SECONDS_QUICK if quick else LOAD_SECONDS,
                    ),
                ):
                    report = load(
                        port=port,
                        paths=paths,
                        tokens=[token],
                        concurrency=LOAD_CONCURRENCY,
                        requests=requests,
                        seconds=seconds,
                    )
                del report["latencies_ms"]
                result["load"][f"{kind}_{label}"] = {
                    **report,
                    "seconds": round(report["seconds"], 2),
                    "server_workers": workers,
                }
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
            kind, key_label = label.split("_", 1)
            described = (
                f"GET claim {kind} over HTTP ({numbers['concurrency']} clients, "
                f"{numbers['server_workers']} gunicorn workers)"
            )
            for share in ("p50", "p95", "p99"):
                measured_figure = figure(
                    key=f"api_load_{share}_{label}_{size}",
                    name=f"{described} {share}, {key_label} key, {size:,} claims",
                    samples=[numbers[f"{share}_ms"]],
                    unit="ms",
                    note="lower is better",
                )
                if share == "p95":
                    measured_figure["target"] = f"< {TARGET_P95_MS:.0f} ms at 100,000 claims"
                    if not quick and size == largest:
                        measured_figure["met"] = measured_figure["value"] < TARGET_P95_MS
                figures.append(measured_figure)
            figures.append(
                figure(
                    key=f"api_load_throughput_{label}_{size}",
                    name=f"{described}, {key_label} key, {size:,} claims",
                    samples=[numbers["requests_per_second"]],
                    unit="requests/s",
                )
            )
        for label, shares in item["check_shares"].items():
            figures.append(
                figure(
                    key=f"api_check_share_{label}_{size}",
                    name="share of a claim list request in authentication "
                    f"{shares['authentication']:.0%}, permissions {shares['permissions']:.0%}, "
                    f"throttling {shares['throttling']:.0%}, {label} key, {size:,} claims",
                    samples=[shares["total"]],
                    unit="share",
                    note="in-process; lower is better",
                )
            )
        for label, queries in item["detail_queries"].items():
            counts = queries["counts"]
            figures.append(
                figure(
                    key=f"api_detail_queries_{label}_{size}",
                    name=f"queries per claim detail at {'/'.join(counts)} events: "
                    f"{'/'.join(str(n) for n in counts.values())}, {label} key, {size:,} claims",
                    samples=[float(n) for n in counts.values()],
                    unit="queries",
                    target="constant in history length",
                    met=queries["constant"],
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
