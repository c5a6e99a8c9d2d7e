"""Faults in the middle of a command leave nothing half-written."""

import psycopg
import pytest
from django.db import OperationalError, connection

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


def test_connection_dropped_mid_command_writes_nothing_and_the_next_command_succeeds(
    metadata, monkeypatch
):
    # given a first claim, and a connection that dies after the events are inserted but before
    # the projection is written and the transaction commits
    claim_record(text="Iran backs Hamas.", metadata=metadata)
    apply = projections.apply_incrementally

    def die_then_apply(recorded, **options):
        terminate_own_backend()
        apply(recorded, **options)

    monkeypatch.setattr(projections, "apply_incrementally", die_then_apply)

    # when
    with pytest.raises(OperationalError):
        claim_record(text="Allies have been silent.", metadata=metadata)
    monkeypatch.setattr(projections, "apply_incrementally", apply)
    connection.close()

    # then nothing of the failed command is stored, and the next command works
    assert Event.objects.count() == 1
    assert ClaimView.objects.count() == 1
    state = claim_record(text="Allies have been silent.", metadata=metadata)
    assert state.last_position == 2
    assert ledger_verify().intact
    figures_record("connection-dropped", faults_injected=1, half_written=0, next_command_ok=1)
