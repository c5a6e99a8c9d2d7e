"""Faults in the middle of a command leave nothing half-written."""

from contextlib import nullcontext

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from ledger import sql
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


@pytest.mark.parametrize("in_transaction", [False, True], ids=["own", "caller's"])
def test_connection_dropped_mid_command_writes_nothing_and_the_next_command_succeeds(
    metadata, monkeypatch, in_transaction
):
    # given a first claim, and a connection that dies between the append's plan and its send
    # (the lock taken and the heads read), in the append's own transaction or a caller's
    claim_record(text="Iran backs Hamas.", metadata=metadata)
    send = sql.send

    def die_then_send(writes, **options):
        terminate_own_backend()
        return send(writes, **options)

    monkeypatch.setattr("ledger.store.send", die_then_send)

    # when
    with (
        pytest.raises(OperationalError),
        transaction.atomic() if in_transaction else nullcontext(),
    ):
        claim_record(text="Allies have been silent.", metadata=metadata)
    monkeypatch.setattr("ledger.store.send", send)
    connection.close()

    # then nothing of the failed command is stored, and the next command works
    assert Event.objects.count() == 1
    assert ClaimView.objects.count() == 1
    state = claim_record(text="Allies have been silent.", metadata=metadata)
    assert state.last_position == 2
    assert ledger_verify().intact
    figures_record("connection-dropped", faults_injected=1, half_written=0, next_command_ok=1)
