"""Profile the claim list API at one size: latencies, the list query's plan, a pyinstrument tree.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \
        python -m bench._profile_api --claims 100000

Like ``python -m bench``, it works in scratch databases named after ``DATABASE_URL``'s (created
and dropped: not alongside ``make bench`` on the same name). It fills the ledger as
``bench/api.py`` does, then prints p50/p95 of ``--requests`` first-page requests per key (staff,
publisher), ``EXPLAIN ANALYZE`` of every query of one request at page size 100 (publisher key),
and a pyinstrument profile of ``--requests`` staff requests.
"""

from __future__ import annotations

import argparse
import statistics
import sys


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._profile_api")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args(argv)
    from bench.__main__ import empty_ledger

    with empty_ledger():
        from django.db import connection
        from django.test import Client, override_settings
        from pyinstrument import Profiler

        from bench import api, common
        from bench._load import percentile

        with (
            override_settings(LEDGER_API_RATE=common.RATE_FOR_THE_RUN),
            common.followers_paused(),  # as the harness runs bench/api.py
        ):
            tokens = api._callers()
            api.fill(arguments.claims)
            client = Client()
            for token in tokens.values():
                api.in_process_latencies(client, token, api.WARM_UP)
            for label, token in tokens.items():
                timings = api.in_process_latencies(client, token, arguments.requests)
                print(
                    f"{label}: p50 {statistics.median(timings):.1f} ms, "
                    f"p95 {percentile(timings, 0.95):.1f} ms ({arguments.requests} requests)"
                )
            queries = api.queries_per_request(client, tokens["publisher"])
            with connection.cursor() as cursor:
                for sql in queries["sql"]:
                    print(sql)
                    if sql.lstrip().upper().startswith("SELECT"):
                        cursor.execute("EXPLAIN ANALYZE " + sql)
                        for (line,) in cursor.fetchall():
                            print("    " + line)
            profiler = Profiler(interval=0.0002)
            profiler.start()
            api.in_process_latencies(client, tokens["staff"], arguments.requests)
            profiler.stop()
            print(profiler.output_text(unicode=True, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
