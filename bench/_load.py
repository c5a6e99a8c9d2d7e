"""Load generator for the API benchmarks: a separate process, so it does not share the server's
interpreter. Standard library only.

Usage: ``python -m bench._load --port N --path P [--path P2 ...] --token T [--token T2 ...]
[--method POST --body-file F --content-type T --header 'If-Match: "1"'] --concurrency C
--requests R --seconds S``.
``C`` threads send requests (one connection each, kept alive when the server allows) until
``R`` requests are done or ``S`` seconds have passed, whichever comes first. Request number
``k`` goes to ``paths[k % len(paths)]`` with ``tokens[k % len(tokens)]``, so a list of as many
paths as requests sends each path once (a command on a claim of its own). Prints one JSON
object: latencies (ms) of every response, status counts, and the elapsed wall time.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def latency_shares(timings: list[float], *, digits: int = 2) -> dict[str, float]:
    """The median and nearest-rank p95 of ``timings``, rounded to ``digits``: the shares the
    benchmarks report of a probe's latencies."""
    return {
        "p50": round(statistics.median(timings), digits),
        "p95": round(percentile(timings, 0.95), digits),
    }


def load(
    *,
    port: int,
    paths: list[str],
    tokens: list[str],
    concurrency: int,
    requests: int,
    seconds: float,
    method: str = "GET",
    body: bytes = b"",
    content_type: str = "application/json",
    headers: tuple[str, ...] = (),
    statuses: frozenset[str] = frozenset({"200"}),
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Run this generator in its own process (from the harness); return its report with the
    summary figures added. Any error or a status outside ``statuses`` raises: a benchmark
    never reports the latency of failures."""
    command = [sys.executable, "-m", "bench._load", "--port", str(port), "--method", method]
    for path in paths:
        command += ["--path", path]
    for token in tokens:
        command += ["--token", token]
    for header in headers:
        command += ["--header", header]
    command += ["--concurrency", str(concurrency), "--requests", str(requests)]
    command += ["--seconds", str(seconds), "--timeout", str(timeout)]
    with tempfile.NamedTemporaryFile() as body_file:
        if body:
            body_file.write(body)
            body_file.flush()
            command += ["--body-file", body_file.name, "--content-type", content_type]
        completed = subprocess.run(
            command, cwd=REPOSITORY, capture_output=True, timeout=seconds + timeout + 120
        )
    if completed.returncode != 0:
        raise RuntimeError(f"the load generator failed: {completed.stderr.decode()[-2000:]}")
    report: dict[str, Any] = json.loads(completed.stdout)
    if report["error_count"] or set(report["statuses"]) - statuses or not report["latencies_ms"]:
        raise RuntimeError(
            f"the load run had failures: {report['statuses']}, {report['errors'][:3]}"
        )
    latencies = report["latencies_ms"]
    report.update(
        requests=len(latencies),
        requests_per_second=len(latencies) / report["seconds"],
        p50_ms=statistics.median(latencies),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        concurrency=concurrency,
    )
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._load")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--token", action="append", required=True)
    parser.add_argument("--method", choices=["GET", "POST"], default="GET")
    parser.add_argument("--body-file", help="the body of every request")
    parser.add_argument("--content-type", default="application/json")
    parser.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per response")
    arguments = parser.parse_args(argv)
    body = Path(arguments.body_file).read_bytes() if arguments.body_file else None
    headers = dict(header.split(": ", 1) for header in arguments.header)
    if body is not None:
        headers["Content-Type"] = arguments.content_type
    lock = threading.Lock()
    tickets = itertools.count()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    deadline = time.perf_counter() + arguments.seconds

    def client() -> None:
        connection: http.client.HTTPConnection | None = None
        while time.perf_counter() < deadline:
            with lock:
                ticket = next(tickets)
            if ticket >= arguments.requests:
                return
            path = arguments.path[ticket % len(arguments.path)]
            token = arguments.token[ticket % len(arguments.token)]
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", arguments.port, timeout=arguments.timeout
                    )
                connection.request(
                    arguments.method,
                    path,
                    body=body,
                    headers={**headers, "Authorization": f"Api-Key {token}"},
                )
                response = connection.getresponse()
                response.read()
                elapsed = (time.perf_counter() - began) * 1000
                if response.getheader("Connection", "").lower() == "close" or (
                    response.version == 10
                ):
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(repr(error))
                if connection is not None:
                    connection.close()
                connection = None
                continue
            with lock:
                latencies.append(elapsed)
                statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(arguments.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    json.dump(
        {
            "latencies_ms": latencies,
            "statuses": statuses,
            "errors": errors[:20],
            "error_count": len(errors),
            "seconds": time.perf_counter() - started,
        },
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
