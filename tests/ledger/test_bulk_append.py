"""Bulk appends: many streams in one transaction, all or nothing."""

import pytest

from ledger import events as ev
from ledger.claims import ClaimState, claim_state_from_events
from ledger.exceptions import ConcurrencyConflict, InvalidCommand
from ledger.models import ClaimView, Event
from ledger.reading import read_stream
from ledger.services import (
    ClaimDraft,
    claim_load,
    claim_record,
    claim_recording,
    projections_rebuild,
)
from ledger.store import StreamAppend, append_many
from ledger.verification import ledger_verify

pytestmark = pytest.mark.django_db


def _claim_event(claim_id: str, event: ev.DomainEvent, *, at_version: int = 1) -> StreamAppend:
    """One claim's part of a bulk append: ``event`` on a claim at ``at_version``."""
    return StreamAppend(
        stream_id=claim_id,
        stream_type=ev.StreamType.CLAIM,
        expected_version=at_version,
        events=[event],
    )


def _claims_recorded(drafts: list[ClaimDraft], metadata: ev.Metadata) -> list[ClaimState]:
    """Record new claims in one bulk append, as ``source_ingest`` records an article's."""
    results = append_many(
        appends=[claim_recording(draft=draft, source_text=None) for draft in drafts],
        metadata=metadata,
    )
    return [claim_state_from_events(result.events) for result in results]


def test_append_many_chains_every_stream_in_order(metadata):
    # when
    results = append_many(
        appends=[
            StreamAppend(
                stream_id="a",
                stream_type="test",
                expected_version=0,
                events=[ev.ClaimCommented(body="a1"), ev.ClaimCommented(body="a2")],
            ),
            StreamAppend(
                stream_id="b",
                stream_type="test",
                expected_version=0,
                events=[ev.ClaimCommented(body="b1")],
            ),
        ],
        metadata=metadata,
    )

    # then
    assert [[(e.position, e.version) for e in r.events] for r in results] == [
        [(1, 1), (2, 2)],
        [(3, 1)],
    ]
    rows = list(Event.objects.order_by("position"))
    assert [row.stream_id for row in rows] == ["a", "a", "b"]
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    verification = ledger_verify()
    assert verification.intact
    assert verification.events == 3


def test_append_many_with_one_stale_stream_appends_nothing(metadata):
    # given
    claim = claim_record(text="Existing claim.", metadata=metadata)

    # when
    with pytest.raises(ConcurrencyConflict) as raised:
        append_many(
            appends=[
                StreamAppend(
                    stream_id="new",
                    stream_type="test",
                    expected_version=0,
                    events=[ev.ClaimCommented(body="x")],
                ),
                StreamAppend(
                    stream_id=claim.claim_id,
                    stream_type=ev.StreamType.CLAIM,
                    expected_version=0,
                    events=[ev.ClaimAssigned(assignee="rita")],
                ),
            ],
            metadata=metadata,
        )

    # then
    assert raised.value.current_version == 1
    assert Event.objects.count() == 1
    assert ClaimView.objects.get().assignee == ""


def test_append_many_refuses_a_stream_named_twice(metadata):
    twice = StreamAppend(
        stream_id="a", stream_type="test", expected_version=0, events=[ev.ClaimCommented(body="x")]
    )
    with pytest.raises(InvalidCommand, match="each stream at most once"):
        append_many(appends=[twice, twice], metadata=metadata)
    assert Event.objects.count() == 0


def test_a_bulk_record_records_every_claim_with_its_projection(metadata):
    # when
    states = _claims_recorded(
        [
            ClaimDraft(text="  Iran pledged $100 million in 2019. ", publisher="desk"),
            ClaimDraft(text="Egypt signed a ceasefire agreement.", entities=["Egypt"]),
        ],
        metadata,
    )

    # then
    assert [state.text for state in states] == [
        "Iran pledged $100 million in 2019.",
        "Egypt signed a ceasefire agreement.",
    ]
    assert [state.last_position for state in states] == [1, 2]
    assert claim_load(claim_id=states[1].claim_id) == states[1]
    views = {str(view.claim_id): view for view in ClaimView.objects.all()}
    assert views[states[0].claim_id].publisher == "desk"
    assert views[states[1].claim_id].entities == ["Egypt"]
    assert [e.type for e in read_stream(states[0].claim_id)] == ["ClaimRecorded"]
    assert projections_rebuild(check=True) == []


def test_a_large_bulk_record_is_chained_projected_and_rebuildable(metadata):
    # given a batch large enough for the bulk (COPY) path on PostgreSQL
    drafts = [ClaimDraft(text=f"Claim number {n} was made in 2024.") for n in range(120)]

    # when
    states = _claims_recorded(drafts, metadata)
    _claims_recorded(drafts[:60], metadata)

    # then
    assert [state.last_position for state in states] == list(range(1, 121))
    verification = ledger_verify()
    assert verification.intact
    assert verification.events == 180
    assert ClaimView.objects.count() == 180
    assert ClaimView.objects.get(pk=states[7].claim_id).text == "Claim number 7 was made in 2024."
    assert projections_rebuild(check=True) == []

    # and a rebuild writes the same rows again
    projections_rebuild(check=False)
    assert ClaimView.objects.count() == 180
    assert projections_rebuild(check=True) == []


def test_append_many_extends_existing_streams_and_updates_their_rows(metadata):
    # given two recorded claims, one already assigned
    first = claim_record(text="First claim.", metadata=metadata)
    second = claim_record(text="Second claim.", metadata=metadata)
    append_many(
        appends=[_claim_event(first.claim_id, ev.ClaimAssigned(assignee="rita"))],
        metadata=metadata,
    )

    # when both move on in one bulk append, with enough new claims for the bulk path
    new_claims = [
        StreamAppend(
            stream_id=f"00000000-0000-0000-0000-{n:012d}",
            stream_type=ev.StreamType.CLAIM,
            expected_version=0,
            events=[
                ev.ClaimRecorded(
                    claim_id=f"00000000-0000-0000-0000-{n:012d}",
                    text=f"New claim {n}.",
                    source_id=None,
                    selector=None,
                )
            ],
        )
        for n in range(1, 61)
    ]
    append_many(
        appends=[
            StreamAppend(
                stream_id=first.claim_id,
                stream_type=ev.StreamType.CLAIM,
                expected_version=2,
                events=[ev.ClaimReviewStarted()],
            ),
            StreamAppend(
                stream_id=second.claim_id,
                stream_type=ev.StreamType.CLAIM,
                expected_version=1,
                events=[ev.ClaimAssigned(assignee="sam"), ev.ClaimReviewStarted()],
            ),
            *new_claims,
        ],
        metadata=metadata,
    )

    # then
    views = {str(view.claim_id): view for view in ClaimView.objects.all()}
    assert len(views) == 62
    assert (views[first.claim_id].assignee, views[first.claim_id].status) == ("rita", "in_review")
    assert (views[second.claim_id].assignee, views[second.claim_id].version) == ("sam", 3)
    assert claim_load(claim_id=second.claim_id).status == "in_review"
    assert ledger_verify().events == 66
    assert projections_rebuild(check=True) == []


def test_a_bulk_append_whose_row_upserts_exceed_one_statements_parameters_writes_them_all(
    metadata,
):
    # given 1,200 recorded claims: commenting on all of them upserts 1,200 existing claim rows,
    # more parameters than one statement takes, so ledger.sql.send sends several
    claims = _claims_recorded(
        [ClaimDraft(text=f"Claim number {n} was made.", publisher="demo") for n in range(1200)],
        metadata,
    )

    # when one bulk append comments on every one
    append_many(
        appends=[_claim_event(claim.claim_id, ev.ClaimCommented(body="seen")) for claim in claims],
        metadata=metadata,
    )

    # then every event and every row is written, and the rows equal a rebuild from the events
    assert Event.objects.count() == 2400
    assert set(ClaimView.objects.values_list("version", flat=True)) == {2}
    assert projections_rebuild(check=True) == []
    assert ledger_verify().intact
