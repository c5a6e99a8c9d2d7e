"""Read models rebuilt from events equal the incrementally maintained ones."""

import pytest
from django.core.management import CommandError, call_command

from ledger import events as ev
from ledger.models import ClaimView
from ledger.services import claim_command, claim_record, projections_rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(metadata) -> list[str]:
    ids = [claim_record(text=f"Claim number {n}.", metadata=metadata).claim_id for n in range(4)]
    claim_command(
        claim_id=ids[0],
        expected_version=1,
        event=ev.ClaimAssigned(assignee="rita"),
        metadata=metadata,
    )
    claim_command(
        claim_id=ids[1],
        expected_version=1,
        event=ev.ClaimRejected(reason="opinion"),
        metadata=metadata,
    )
    return ids


def test_rebuilt_equals_incremental(claims, capsys):
    assert projections_rebuild(check=True) == []
    call_command("rebuild_projections", "--check")
    assert "read models match the events" in capsys.readouterr().out


def test_check_reports_a_drifted_row_and_rebuild_repairs_it(claims):
    # given a read model changed behind the projection's back
    ClaimView.objects.filter(pk=claims[2]).update(status="approved")
    ClaimView.objects.filter(pk=claims[3]).delete()

    # then
    differences = projections_rebuild(check=True)
    assert differences == [
        f"ClaimView {claims[3]}: missing from the live table",
        f"ClaimView {claims[2]}: differs in status",
    ]
    with pytest.raises(CommandError, match="2 read-model row"):
        call_command("rebuild_projections", "--check")

    # when
    call_command("rebuild_projections")

    # then
    assert projections_rebuild(check=True) == []
    assert ClaimView.objects.get(pk=claims[2]).status == "pending"
    assert ClaimView.objects.count() == 4
