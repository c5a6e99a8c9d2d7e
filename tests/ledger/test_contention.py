"""Many processes and threads contending on PostgreSQL: nothing lost, nothing doubled."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict
from ledger.models import ClaimView, Event
from ledger.services import claim_command, claim_load, claim_record, projections_rebuild
from ledger.verification import ledger_verify
from tests.reliability.conftest import figures_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.usefixtures("ledger_transactional_db"),
]

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
THREADS = 4
ROUNDS = 15


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def test_conflicting_and_independent_commands_from_processes_and_threads(metadata):
    # given two contested claims and one private claim per thread
    contested = [claim_record(text=f"Contested {n}.", metadata=metadata).claim_id for n in (1, 2)]
    private = [claim_record(text=f"Private {n}.", metadata=metadata).claim_id for n in range(4)]

    # when processes hammer the contested claims while threads work their own claims
    env = {**os.environ, "DATABASE_URL": database_url()}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.ledger.contention_worker",
                str(n),
                str(ROUNDS),
                *contested,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    thread_outcomes: list[tuple[int, int]] = []

    def work(claim_id: str) -> None:
        accepted = refused = 0
        try:
            for round_number in range(ROUNDS):
                version = claim_load(claim_id=claim_id).version
                try:
                    claim_command(
                        claim_id=claim_id,
                        expected_version=version,
                        event=ev.ClaimCommented(body=str(round_number)),
                        metadata=metadata,
                    )
                    accepted += 1
                except ConcurrencyConflict:
                    refused += 1
        finally:
            connection.close()
        thread_outcomes.append((accepted, refused))

    threads = [threading.Thread(target=work, args=(claim_id,)) for claim_id in private]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0] * PROCESSES, outputs
    process_outcomes = [json.loads(stdout) for stdout, _ in outputs]

    # then: each accepted command is in the ledger exactly once, refused ones left nothing
    attempted = sum(o["attempted"] for o in process_outcomes)
    accepted = sum(o["accepted"] for o in process_outcomes)
    refused = sum(o["refused"] for o in process_outcomes)
    assert attempted == PROCESSES * ROUNDS * len(contested) == accepted + refused
    assert thread_outcomes == [(ROUNDS, 0)] * len(private)  # independent claims never conflict
    comments = Event.objects.filter(type="ClaimCommented")
    assert comments.filter(stream_id__in=contested).count() == accepted
    assert comments.filter(stream_id__in=private).count() == ROUNDS * len(private)
    # every stream's versions are gapless and unique
    for claim_id in contested + private:
        versions = list(
            Event.objects.filter(stream_id=claim_id)
            .order_by("version")
            .values_list("version", flat=True)
        )
        assert versions == list(range(1, len(versions) + 1))
        assert ClaimView.objects.get(pk=claim_id).version == len(versions)
    # global positions are gapless, the chain verifies, projections rebuild identically
    positions = list(Event.objects.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert ledger_verify().intact
    assert projections_rebuild(check=True) == []
    figures_record(
        "contention",
        processes=PROCESSES,
        threads=THREADS,
        contested_commands_attempted=attempted,
        contested_commands_accepted=accepted,
        contested_commands_refused=refused,
        independent_commands_accepted=ROUNDS * len(private),
        events_verified=len(positions),
    )
