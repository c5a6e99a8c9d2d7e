"""Run every benchmark, print a table and write the figures with the machine they ran on.

Usage::

    python -m bench [--quick] [--only NAME ...] [--output FILE] [--keep-databases]

``DATABASE_URL`` names the PostgreSQL server and the base database name (default
``postgres://postgres@127.0.0.1:5432/claims_ledger``). Nothing is written to that database: the
benchmarks run in scratch databases named after it (``<name>_bench``, ``<name>_bench_template``,
``<name>_bench_<suffix>``), created here and dropped at the end.

Every ``bench/<module>.py`` exposing ``run(*, quick: bool) -> dict`` is run, ``baselines`` first.
Benchmarks assert nothing about time: they report, and ratios against the baselines measured in
this same run say whether a target was met.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pkgutil
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/claims_ledger"
BENCH_DIR = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"common", "__main__"}
FIRST = ["baselines"]


def _parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="reduced sizes (under two minutes)")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="run only these modules (baselines always run)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the JSON (default bench/results.json; bench/results-quick.json "
        "with --quick, so a quick run never replaces the committed full results)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile each module with pyinstrument into bench/profiles/<module>.txt",
    )
    parser.add_argument(
        "--keep-databases", action="store_true", help="leave the scratch databases for inspection"
    )
    return parser.parse_args(argv)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _configure_django(base_url: str) -> tuple[str, str]:
    """Point Django at the scratch benchmark database; return (working, template) names."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://...")
    base_name = parts.path.lstrip("/") or "claims_ledger"
    working, template = f"{base_name}_bench", f"{base_name}_bench_template"
    os.environ["DATABASE_URL"] = _with_database(base_url, template)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # Production settings: DEBUG would keep every SQL statement in memory and slow each query.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + os.urandom(16).hex())
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks run eagerly: no broker in the timings
    import django

    django.setup()
    # Settings are loaded: give subprocesses and modules that make their own scratch databases
    # (named after DATABASE_URL's) the URL the user gave.
    os.environ["DATABASE_URL"] = base_url
    return working, template


@contextmanager
def empty_ledger() -> Iterator[None]:
    """For a script run beside the harness (``python -m bench._<name>``): Django set up as
    ``python -m bench`` sets it up, on an empty migrated ledger in its scratch databases, which
    are dropped afterwards."""
    working, template = _configure_django(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    _prepare_template(template, working)
    from django.db import connections

    from bench import common

    try:
        common.fresh_database()
        yield
    finally:
        connections.close_all()
        common.drop_database(working)
        common.drop_database(template)


def _prepare_template(template: str, working: str) -> None:
    from django.core.management import call_command
    from django.db import connection, connections

    from bench import common

    common.drop_database(working)
    common.drop_database(template)
    with common.admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{template}"')
    call_command("migrate", verbosity=0, interactive=False)
    connections.close_all()
    connection.settings_dict["NAME"] = working
    common.state.template_database = template


def _modules(only: list[str] | None) -> list[str]:
    found = sorted(
        info.name
        for info in pkgutil.iter_modules([str(BENCH_DIR)])
        if info.name not in NOT_BENCHMARKS and not info.name.startswith("_")
    )
    ordered = [name for name in FIRST if name in found] + [n for n in found if n not in FIRST]
    if only:
        unknown = sorted(set(only) - set(found))
        if unknown:
            sys.exit(f"no benchmark module named {', '.join(unknown)} in bench/")
        ordered = [name for name in ordered if name in FIRST or name in only]
    return ordered


def _machine() -> dict[str, Any]:
    from django.db import connection

    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_bytes = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_bytes = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        synchronous_commit = cursor.fetchone()[0]
    return {
        "cpu_model": cpu_model,
        "cores": os.cpu_count(),
        "memory_bytes": memory_bytes,
        "memory_gib": round(memory_bytes / 2**30, 1) if memory_bytes else None,
        "python": platform.python_version(),
        "postgresql": postgresql,
        "postgresql_synchronous_commit": synchronous_commit,
        "platform": platform.platform(),
    }


def _git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, cwd=BENCH_DIR
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            cwd=BENCH_DIR,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{'-dirty' if dirty else ''}"


def _attach_ratios(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    figures = [
        item
        for outcome in results.values()
        for item in outcome.get("figures", [])
        if isinstance(item, dict) and "key" in item
    ]
    by_key = {item["key"]: item for item in figures}
    for item in figures:
        baseline = by_key.get(item.get("baseline") or "")
        if baseline is None:
            continue
        item["baseline_value"] = baseline["value"]
        item["baseline_name"] = baseline["name"]
        item["ratio_of_medians"] = item["value"] / baseline["value"] if baseline["value"] else None
        pairs = list(zip(item["samples"], baseline["samples"], strict=False))
        if len(item["samples"]) == len(baseline["samples"]) and all(b for _, b in pairs):
            # Samples taken alternately with their baseline: the median of the per-pair ratios
            # cancels load that drifts during the run better than a ratio of medians does.
            item["paired_ratios"] = [ours / theirs for ours, theirs in pairs]
            item["ratio"] = statistics.median(item["paired_ratios"])
        else:
            item["ratio"] = item["ratio_of_medians"]
        if item.get("target_ratio") is not None and item["ratio"] is not None:
            item["met"] = item["ratio"] >= item["target_ratio"]
    return figures


def _format_number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.4f}"


def _print_table(results: dict[str, dict[str, Any]], figures: list[dict[str, Any]]) -> None:
    header = ("module", "figure", "median", "unit", "ratio", "target", "met")
    rows: list[tuple[str, ...]] = []
    for module, outcome in results.items():
        if "error" in outcome:
            rows.append((module, "FAILED: " + outcome["error"].splitlines()[0], "", "", "", "", ""))
            continue
        if "skipped" in outcome:
            rows.append((module, "skipped: " + outcome["skipped"], "", "", "", "", ""))
            continue
        if "figures" not in outcome:
            # A module with its own result shape: show its top-level numbers.
            for key, value in outcome.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    rows.append((module, key, _format_number(value), "", "", "", ""))
            continue
        for item in outcome.get("figures", []):
            ratio = item.get("ratio")
            if item.get("target_ratio") is not None:
                target = f">= {item['target_ratio']}x {item['baseline']}"
            else:
                target = item.get("target") or ""
            met = {True: "yes", False: "NO", None: ""}[item.get("met")]
            rows.append(
                (
                    module,
                    item["name"],
                    _format_number(item["value"]),
                    item["unit"],
                    f"{ratio:.2f}x" if ratio is not None else "",
                    target,
                    met,
                )
            )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def _profiled(name: str, run: Any, *, quick: bool) -> dict[str, Any]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        outcome: dict[str, Any] = run(quick=quick)
    finally:
        profiler.stop()
        directory = BENCH_DIR / "profiles"
        directory.mkdir(exist_ok=True)
        (directory / f"{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
    return outcome


def main(argv: list[str]) -> int:
    arguments = _parse_arguments(argv)
    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    working, template = _configure_django(base_url)
    sys.path.insert(0, str(BENCH_DIR.parent))
    _prepare_template(template, working)
    from bench import common

    output = arguments.output or BENCH_DIR / (
        "results-quick.json" if arguments.quick else "results.json"
    )
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    try:
        for name in _modules(arguments.only):
            module = importlib.import_module(f"bench.{name}")
            run = getattr(module, "run", None)
            if not callable(run):
                continue
            print(f"== {name}", file=sys.stderr, flush=True)
            module_started = time.perf_counter()
            try:
                with common.followers_paused():
                    if arguments.profile:
                        outcome = _profiled(name, run, quick=arguments.quick)
                    else:
                        outcome = run(quick=arguments.quick)
            except Exception:
                outcome = {"error": traceback.format_exc()}
                print(outcome["error"], file=sys.stderr)
            outcome["seconds"] = round(time.perf_counter() - module_started, 1)
            results[name] = outcome
        machine = _machine()
    finally:
        if not arguments.keep_databases:
            from django.db import connections

            connections.close_all()
            common.drop_database(working)
            common.drop_database(template)
    figures = _attach_ratios(results)
    report = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": arguments.quick,
        "commit": _git_commit(),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine,
        "figures": {item["key"]: item for item in figures},
        "modules": results,
    }
    output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    _print_table(results, figures)
    print(f"\nwritten to {output} in {report['seconds']} s", file=sys.stderr)
    return 1 if any("error" in outcome for outcome in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
