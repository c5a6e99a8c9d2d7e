"""Read models rebuilt from events equal the incrementally maintained ones."""

import pytest
from django.core.management import CommandError, call_command

from ledger import events as ev
from ledger.models import ClaimView, ContradictionView
from ledger.services import claim_command, claim_record, projections_rebuild
from ledger.store import append
from tests.ledger.old_events import FLAG_V1_DATA, flag_v1_append

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


OLD_PAIR = "33333333-3333-3333-3333-333333333333"
NEW_PAIR = "44444444-4444-4444-4444-444444444444"


def test_the_flag_type_is_the_strongest_cues_kind_and_rebuilds_the_same(metadata):
    # given a flag from before the kinds were recorded, and one with kinds, later dismissed
    flag_v1_append(stream_id=OLD_PAIR, metadata=metadata)
    append(
        stream_id=NEW_PAIR,
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[
            ev.ContradictionFlagged(
                **{**FLAG_V1_DATA, "cues": ["numbers differ", "stances differ"]},
                cue_kinds=["numeric", "stance"],
            ),
            ev.ContradictionDismissed(note="different years"),
        ],
        metadata=metadata,
    )

    # then the list knows the type (none for the old flag), a decision keeps it,
    # and a rebuild from the events gives the same rows
    types = dict(ContradictionView.objects.values_list("pair_id", "cue_kind"))
    assert {str(pair): kind for pair, kind in types.items()} == {OLD_PAIR: "", NEW_PAIR: "numeric"}
    assert projections_rebuild(check=True) == []
    ContradictionView.objects.filter(pk=NEW_PAIR).update(cue_kind="stance")
    assert projections_rebuild(check=True) == [f"ContradictionView {NEW_PAIR}: differs in cue_kind"]
    projections_rebuild(check=False)
    assert ContradictionView.objects.get(pk=NEW_PAIR).cue_kind == "numeric"
