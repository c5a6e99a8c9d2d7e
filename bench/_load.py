"""Load generator for the API benchmark: a separate process, so it does not share the server's
interpreter. Standard library only.

Usage: ``python -m bench._load --port N --path P --token T [--token T2 ...] --concurrency C
--requests R --seconds S``. ``C`` threads send GET requests (one connection each, kept alive when
the server allows) until ``R`` requests are done or ``S`` seconds have passed, whichever comes
first, rotating over the tokens. Prints one JSON object: latencies (ms) of every response,
status counts, and the elapsed wall time.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import sys
import threading
import time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._load")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--token", action="append", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30.0)
    arguments = parser.parse_args(argv)
    lock = threading.Lock()
    tickets = itertools.count()
    tokens = itertools.cycle(arguments.token)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    deadline = time.perf_counter() + arguments.seconds

    def client() -> None:
        connection: http.client.HTTPConnection | None = None
        while time.perf_counter() < deadline:
            with lock:
                if next(tickets) >= arguments.requests:
                    return
                token = next(tokens)
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", arguments.port, timeout=30)
                connection.request(
                    "GET", arguments.path, headers={"Authorization": f"Api-Key {token}"}
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
