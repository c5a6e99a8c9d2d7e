"""The claim aggregate and its write services."""

import pytest

from ledger import events as ev
from ledger.claims import ClaimStatus, claim_state_from_events
from ledger.exceptions import ConcurrencyConflict, InvalidCommand, NotFound
from ledger.models import ClaimView, Event, Source
from ledger.reading import read_stream
from ledger.services import claim_command, claim_load, claim_record

pytestmark = pytest.mark.django_db


def test_recorded_claim_is_pending_at_version_one(metadata):
    state = claim_record(text="  Iran backs Hamas.  ", metadata=metadata, publisher="daily")

    assert state.status == ClaimStatus.PENDING
    assert state.version == 1
    assert state.text == "Iran backs Hamas."
    view = ClaimView.objects.get(pk=state.claim_id)
    assert (view.text, view.status, view.version, view.publisher) == (
        "Iran backs Hamas.",
        "pending",
        1,
        "daily",
    )


def test_revision_changes_text_and_version(metadata):
    recorded = claim_record(text="Iran backs Hamas.", metadata=metadata)

    revised = claim_command(
        claim_id=recorded.claim_id,
        expected_version=1,
        event=ev.ClaimRevised(text="Iran funds Hamas.", reason="precision"),
        metadata=metadata,
    )

    assert (revised.text, revised.version) == ("Iran funds Hamas.", 2)
    assert ClaimView.objects.get(pk=recorded.claim_id).text == "Iran funds Hamas."


def test_stale_revision_is_refused_and_appends_nothing(metadata):
    recorded = claim_record(text="Iran backs Hamas.", metadata=metadata)
    claim_command(
        claim_id=recorded.claim_id,
        expected_version=1,
        event=ev.ClaimRevised(text="Edit one.", reason=""),
        metadata=metadata,
    )

    with pytest.raises(ConcurrencyConflict, match="is at version 2, not 1"):
        claim_command(
            claim_id=recorded.claim_id,
            expected_version=1,
            event=ev.ClaimRevised(text="Edit two.", reason=""),
            metadata=metadata,
        )
    assert Event.objects.count() == 2
    assert claim_load(claim_id=recorded.claim_id).text == "Edit one."


def test_command_on_unknown_claim_is_not_found_and_appends_nothing(metadata):
    with pytest.raises(NotFound):
        claim_command(
            claim_id="00000000-0000-0000-0000-000000000000",
            expected_version=1,
            event=ev.ClaimRevised(text="x", reason=""),
            metadata=metadata,
        )
    assert Event.objects.count() == 0


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_malformed_claim_text_is_refused_and_appends_nothing(metadata, text):
    with pytest.raises(InvalidCommand):
        claim_record(text=text, metadata=metadata)
    assert Event.objects.count() == 0


def test_claim_anchored_to_a_source_must_quote_it_exactly(metadata):
    source = Source.objects.create(
        id="11111111-1111-1111-1111-111111111111",
        sha256="a" * 64,
        content=b"x",
        text="Iran backs Hamas. Allies are silent.",
        media_type="text/plain",
        captured_at="2026-01-01T00:00:00Z",
    )
    good: ev.TextSelector = {
        "exact": "Iran backs Hamas.",
        "prefix": "",
        "suffix": " Allies",
        "start": 0,
        "end": 17,
    }

    state = claim_record(
        text="Iran backs Hamas.", source_id=str(source.id), selector=good, metadata=metadata
    )
    assert state.selector == good

    with pytest.raises(InvalidCommand, match="does not match"):
        claim_record(
            text="Iran backs Hamas.",
            source_id=str(source.id),
            selector={**good, "start": 1, "end": 18},
            metadata=metadata,
        )
    with pytest.raises(InvalidCommand, match="outside the source"):
        claim_record(
            text="Iran backs Hamas.",
            source_id=str(source.id),
            selector={**good, "start": 0, "end": 999},
            metadata=metadata,
        )
    with pytest.raises(NotFound):
        claim_record(
            text="Iran backs Hamas.",
            source_id="22222222-2222-2222-2222-222222222222",
            selector=good,
            metadata=metadata,
        )
    assert Event.objects.count() == 1


def test_state_is_the_fold_of_the_stream(metadata):
    recorded = claim_record(text="Iran backs Hamas.", metadata=metadata)
    claim_id = recorded.claim_id
    for version, event in enumerate(
        [
            ev.ClaimAssigned(assignee="rita"),
            ev.ClaimReviewStarted(),
            ev.ClaimVerdictSet(rating=4, rating_name="Mostly true", explanation="sources agree"),
            ev.ClaimApproved(),
            ev.ClaimPublished(url="https://example.org/checks/1"),
        ],
        start=1,
    ):
        claim_command(claim_id=claim_id, expected_version=version, event=event, metadata=metadata)

    state = claim_state_from_events(read_stream(claim_id))
    assert state.status == ClaimStatus.PUBLISHED
    assert state.assignee == "rita"
    assert state.verdict == {
        "rating": 4,
        "rating_name": "Mostly true",
        "explanation": "sources agree",
    }
    assert state.version == 6
    view = ClaimView.objects.get(pk=claim_id)
    assert (view.status, view.assignee, view.version) == ("published", "rita", 6)


def test_changes_requested_then_revised_goes_back_to_pending(metadata):
    claim_id = claim_record(text="Iran backs Hamas.", metadata=metadata).claim_id
    claim_command(
        claim_id=claim_id,
        expected_version=1,
        event=ev.ClaimChangesRequested(reason="cite it"),
        metadata=metadata,
    )
    assert claim_load(claim_id=claim_id).status == ClaimStatus.CHANGES_REQUESTED

    state = claim_command(
        claim_id=claim_id,
        expected_version=2,
        event=ev.ClaimRevised(text="Iran funds Hamas.", reason="cited"),
        metadata=metadata,
    )
    assert state.status == ClaimStatus.PENDING
