"""Benchmark: export and offline-verify throughput and peak memory on a large PostgreSQL ledger.

``run(quick=False)`` fills a scratch database (``<your database>_bench_exports`` on the server of
``DATABASE_URL``, created and dropped here, so your data is never touched) with 100,000 and then
1,000,000 chained events, and at each size measures, in fresh processes:

* ``manage.py export_ledger --format jsonl -o FILE``: events/s and peak RSS;
* ``ledger/verify_export.py FILE`` (one process per CPU, and ``--jobs 1``): events/s and peak RSS.

``quick=True`` uses 10,000 and 100,000 events. Targets: export >= 50,000 events/s, verify >=
100,000 events/s, peak memory < 200 MB and flat (about the same at both sizes).

The fixture is NOT written through ``ledger.store.append``: to create a million events in seconds,
the rows are generated and hash-chained here with the ledger's own hash functions and loaded with
PostgreSQL COPY. Projections are not built (exports do not read them). ``verify_ledger`` accepts
the result, which the benchmark checks on the smaller size.

Run it directly::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python -m bench.exports --quick
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parent.parent
TARGET_EXPORT_EVENTS_PER_SECOND = 50_000
TARGET_VERIFY_EVENTS_PER_SECOND = 100_000
TARGET_PEAK_MB = 200
CLAIMS_PER_BLOCK = 200  # claims whose events interleave, as concurrent reviews would
STEPS_PER_CLAIM = 5  # events per claim, see _claim_events
SENTENCES = (
    "Tehran's support for its allies in the region is unwavering, the foreign ministry said.",
    "Iran's allies have been largely silent since the strikes began on Tuesday.",
    "The agreement, signed in 1994, was ratified by parliament two years later.",
    "About 2.1 million people live in the territory, according to the UN's 2023 estimate.",
)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if str(REPOSITORY) not in sys.path:
        sys.path.insert(0, str(REPOSITORY))
    import django

    django.setup()


def _claim_events(claim_id: str, number: int) -> list[tuple[str, dict[str, Any]]]:
    text = SENTENCES[number % len(SENTENCES)]
    return [
        (
            "ClaimRecorded",
            {
                "claim_id": claim_id,
                "text": text,
                "source_id": None,
                "selector": None,
                "publisher": "Example News",
                "check_worthiness": {"score": "0.72", "signals": ["entity", "number"]},
                "entities": ["Iran", "Tehran"],
            },
        ),
        ("ClaimAssigned", {"assignee": f"editor-{number % 7}", "note": ""}),
        ("ClaimCommented", {"body": f"Second source needed for claim {number}; see the wire."}),
        ("ClaimReviewStarted", {}),
        (
            "ClaimVerdictSet",
            {"rating": number % 5, "rating_name": "mostly true", "explanation": text[:60]},
        ),
    ]


def _rows(start_position: int, prev_hash: str, count: int) -> Iterator[tuple[Any, ...]]:
    """``count`` chained event rows after ``start_position``; realistic shapes, interleaved."""
    from ledger.reading import format_timestamp
    from ledger.verify_export import SALT_BYTES, canonical_text, event_hash, payload_commitments

    base = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    block_events = CLAIMS_PER_BLOCK * STEPS_PER_CLAIM
    for position in range(start_position + 1, start_position + count + 1):
        # Position -> (claim, step), so a fill can continue any ledger this module made.
        block, within = divmod(position - 1, block_events)
        step, offset = divmod(within, CLAIMS_PER_BLOCK)
        number = block * CLAIMS_PER_BLOCK + offset
        claim_id = str(uuid.UUID(int=number + 1))
        type_name, data = _claim_events(claim_id, number)[step]
        metadata = {
            "actor": f"user:editor-{position % 7}",
            "via": "api",
            "correlation_id": str(uuid.UUID(int=position)),
            "causation_id": None,
        }
        recorded_at = base + datetime.timedelta(milliseconds=position)
        envelope = {
            "position": position,
            "stream_id": claim_id,
            "stream_type": "claim",
            "version": step + 1,
            "type": type_name,
            "schema_version": 1,
            "metadata": metadata,
            "recorded_at": format_timestamp(recorded_at),
            "prev_hash": prev_hash,
        }
        salt = secrets.token_hex(SALT_BYTES)  # as ledger.store appends (hash format 2)
        digest, envelope["fields_digest"] = payload_commitments(salt, data)
        hash_hex = event_hash(envelope, digest)
        yield (
            position,
            claim_id,
            "claim",
            step + 1,
            type_name,
            1,
            canonical_text(data),
            canonical_text(metadata),
            recorded_at,
            prev_hash,
            hash_hex,
            envelope["fields_digest"],
            salt,
            None,
        )
        prev_hash = hash_hex


def _fill(up_to: int) -> float:
    """Append chained rows with COPY until the ledger holds ``up_to`` events; return seconds."""
    from django.db import connection

    from ledger.models import EVENT_FIELDS
    from ledger.reading import head_position
    from ledger.verify_export import GENESIS_HASH

    started = time.perf_counter()
    head = head_position()
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM ledger_event WHERE position = %s", [head])
        found = cursor.fetchone()
        prev_hash = found[0] if found else GENESIS_HASH
        raw = cursor.cursor
        statement = f"COPY ledger_event ({', '.join(EVENT_FIELDS)}) FROM STDIN"
        with raw.copy(statement) as copy:
            for row in _rows(head, prev_hash, up_to - head):
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ledger_event")
    return time.perf_counter() - started


# Runs a command and prints its peak RSS and CPU time. A child forked from this (large) Django
# process would report the parent's RSS as its own peak, so a small interpreter forks it instead.
LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
output = process.stdout.read()
_, status, usage = os.wait4(process.pid, 0)
sys.stdout.buffer.write(output)
print(f"\\nMEASURED {os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} "
      f"{usage.ru_utime + usage.ru_stime}")
"""


def _measured(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run ``command``; return (wall seconds, CPU seconds, peak RSS in MB, output tail)."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    output, _, measured = completed.stdout.decode(errors="replace").rpartition("\nMEASURED ")
    status, max_rss_kb, cpu_seconds = measured.split()
    if completed.returncode != 0 or status != "0":
        raise RuntimeError(f"{' '.join(command)} failed ({status}):\n{output[-2000:]}")
    return seconds, float(cpu_seconds), int(max_rss_kb) / 1024, output.strip()[-300:]


def _measure_size(events: int, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    path = workdir / f"ledger-{events}.jsonl"
    python = sys.executable
    export_seconds, export_cpu, export_mb, _ = _measured(
        [python, "manage.py", "export_ledger", "--format", "jsonl", "-o", str(path)], env
    )
    verifier = str(REPOSITORY / "ledger" / "verify_export.py")
    verify_seconds, _, verify_mb, verdict = _measured([python, verifier, str(path)], env)
    single_seconds, single_cpu, single_mb, _ = _measured(
        [python, verifier, "--jobs", "1", str(path)], env
    )
    if not verdict.startswith(f"intact: {events} events"):
        raise RuntimeError(f"the export did not verify: {verdict}")
    result = {
        "events": events,
        "export_bytes": path.stat().st_size,
        "export_seconds": round(export_seconds, 2),
        "export_events_per_second": round(events / export_seconds),
        # per CPU second of the exporting process (the machine may be shared); the database
        # server's own time is not included
        "export_events_per_cpu_second": round(events / export_cpu),
        "export_peak_mb": round(export_mb, 1),
        "verify_seconds": round(verify_seconds, 2),
        "verify_events_per_second": round(events / verify_seconds),
        "verify_peak_mb": round(verify_mb, 1),
        "verify_jobs": min(os.cpu_count() or 1, 8),
        "verify_single_process_events_per_second": round(events / single_seconds),
        "verify_single_process_events_per_cpu_second": round(events / single_cpu),
        "verify_single_process_peak_mb": round(single_mb, 1),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    path.unlink()
    return result


def _scratch_url(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def run(*, quick: bool) -> dict[str, Any]:
    """Fill a scratch PostgreSQL ledger and measure export and verify; see the module doc."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("the exports benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    _setup_django()
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    base_name = settings.DATABASES["default"]["NAME"]
    scratch = f"{base_name}_bench_exports"
    admin_url = _scratch_url(url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = scratch
    connections["default"].settings_dict["NAME"] = scratch
    env = {**os.environ, "DATABASE_URL": _scratch_url(url, scratch)}
    env.pop("CELERY_BROKER_URL", None)
    sizes = (10_000, 100_000) if quick else (100_000, 1_000_000)
    results: dict[str, Any] = {"quick": quick, "sizes": {}}
    try:
        call_command("migrate", verbosity=0)
        with tempfile.TemporaryDirectory(prefix="bench-exports-") as workdir:
            for size in sizes:
                fill_seconds = _fill(size)
                if size == sizes[0]:
                    from ledger.verification import ledger_verify

                    verified = ledger_verify()
                    if not verified.intact or verified.events != size:
                        raise RuntimeError(f"the generated ledger does not verify: {verified}")
                measured = _measure_size(size, env, Path(workdir))
                measured["fill_seconds"] = round(fill_seconds, 1)
                results["sizes"][str(size)] = measured
    finally:
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = base_name
        connections["default"].settings_dict["NAME"] = base_name
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    measured_sizes = list(results["sizes"].values())
    peaks = [max(m["export_peak_mb"], m["verify_peak_mb"]) for m in measured_sizes]
    results["targets"] = {
        "export_events_per_second": TARGET_EXPORT_EVENTS_PER_SECOND,
        "verify_events_per_second": TARGET_VERIFY_EVENTS_PER_SECOND,
        "peak_mb": TARGET_PEAK_MB,
    }
    largest = measured_sizes[-1]
    results["met"] = {
        "export": largest["export_events_per_second"] >= TARGET_EXPORT_EVENTS_PER_SECOND,
        "verify": largest["verify_events_per_second"] >= TARGET_VERIFY_EVENTS_PER_SECOND,
        "memory": max(peaks) < TARGET_PEAK_MB,
        # flat: the larger ledger needs at most 20% (or 10 MB) more than the smaller one
        "memory_flat": peaks[-1] <= max(peaks[0] * 1.2, peaks[0] + 10),
    }
    results["figures"] = _figures(results, quick=quick)
    return results


def _figures(results: dict[str, Any], *, quick: bool) -> list[dict[str, Any]]:
    """The table's rows for ``python -m bench``: one measurement each, targets at full size."""
    from bench.common import figure

    measured = results["sizes"]
    largest = list(measured.values())[-1]
    events = f"{largest['events']:,} events"
    met = results["met"]
    rows = [
        figure(
            key="export_events_per_second",
            name=f"export_ledger --format jsonl, {events}",
            samples=[largest["export_events_per_second"]],
            unit="events/s",
            target=f">= {TARGET_EXPORT_EVENTS_PER_SECOND:,} events/s at 1,000,000 events",
            met=None if quick else met["export"],
        ),
        figure(
            key="verify_events_per_second",
            name=f"verify_export.py ({largest['verify_jobs']} processes), {events}",
            samples=[largest["verify_events_per_second"]],
            unit="events/s",
            target=f">= {TARGET_VERIFY_EVENTS_PER_SECOND:,} events/s at 1,000,000 events",
            met=None if quick else met["verify"],
        ),
    ]
    for size, item in measured.items():
        rows.append(
            figure(
                key=f"export_verify_peak_mb_{size}",
                name=f"peak memory of export and verify, {int(size):,} events",
                samples=[max(item["export_peak_mb"], item["verify_peak_mb"])],
                unit="MB",
                target=f"< {TARGET_PEAK_MB} MB and flat across sizes",
                met=None if quick else met["memory"] and met["memory_flat"],
                note="lower is better",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 and 100,000 events")
    arguments = parser.parse_args()
    print(json.dumps(run(quick=arguments.quick), indent=2))


if __name__ == "__main__":
    main()
