"""Faults in the middle of a command leave nothing half-written."""

from contextlib import nullcontext

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from ledger import projections
from ledger.models import ClaimView, Event
from ledger.services import claim_record
from ledger.verification import ledger_verify
from tests.reliability.conftest import figures_record

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("ledger_transactional_db")]


def terminate_own_backend() -> None:
    """Kill this connection's server process from a second connection, as a failover would."""
    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.parametrize("in_transaction", [False, True], ids=["optimistic", "locked"])
def test_connection_dropped_mid_command_writes_nothing_and_the_next_command_succeeds(
    metadata, monkeypatch, in_transaction
):
    # given a first claim, and a connection that dies while the projection's writes are
    # prepared: inside a caller's transaction the events are already inserted then; a command
    # on its own (one optimistic message) has sent nothing yet
    claim_record(text="Iran backs Hamas.", metadata=metadata)
    write_statements = projections.DatabaseRows.write_statements

    def die_then_write(rows, **options):
        terminate_own_backend()
        return write_statements(rows, **options)

    monkeypatch.setattr(projections.DatabaseRows, "write_statements", die_then_write)

    # when
    with (
        pytest.raises(OperationalError),
        transaction.atomic() if in_transaction else nullcontext(),
    ):
        claim_record(text="Allies have been silent.", metadata=metadata)
    monkeypatch.setattr(projections.DatabaseRows, "write_statements", write_statements)
    connection.close()

    # then nothing of the failed command is stored, and the next command works
    assert Event.objects.count() == 1
    assert ClaimView.objects.count() == 1
    state = claim_record(text="Allies have been silent.", metadata=metadata)
    assert state.last_position == 2
    assert ledger_verify().intact
    figures_record("connection-dropped", faults_injected=1, half_written=0, next_command_ok=1)
