"""Promoting a claim the classifier found not check-worthy into the default queue."""

import pytest
from django.core.management import call_command

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.exceptions import InvalidCommand
from ledger.models import ClaimView, Event
from ledger.services import claim_load, claim_record, projections_rebuild
from reviews.roles import Role
from reviews.services import review_promote

pytestmark = pytest.mark.django_db


def test_an_editor_promotes_a_claim_and_the_queue_and_a_rebuild_agree(claim_in, actors):
    # given a pending claim the classifier found not check-worthy
    claim = claim_in(ClaimStatus.PENDING, check_worthy=False)
    assert ClaimView.objects.get(pk=claim.claim_id).check_worthy is False

    # when an editor promotes it
    after = review_promote(
        actor=actors[Role.EDITOR],
        claim_id=claim.claim_id,
        expected_version=claim.version,
        reason="the figure is checkable",
    )

    # then one ClaimPromoted event in the claim's stream, and the claim is in the queue
    last = Event.objects.order_by("-position").first()
    assert last is not None
    assert (str(last.stream_id), last.type, last.data) == (
        claim.claim_id,
        ev.EventType.CLAIM_PROMOTED,
        {"reason": "the figure is checkable"},
    )
    assert (after.check_worthy, after.status, after.version) == (
        True,
        ClaimStatus.PENDING,
        claim.version + 1,
    )
    assert claim_load(claim_id=claim.claim_id) == after
    assert ClaimView.objects.get(pk=claim.claim_id).check_worthy is True
    assert projections_rebuild(check=True) == []
    call_command("rebuild_projections", "--check")


@pytest.mark.parametrize(
    ("check_worthy", "reason", "message"),
    [
        (True, "worth a look", "the claim is already in the check-worthy queue"),
        (False, "  ", "reason cannot be empty"),
    ],
)
def test_a_refused_promotion_appends_nothing(claim_in, actors, check_worthy, reason, message):
    # given a claim / when promoted again, or without a reason
    claim = claim_in(ClaimStatus.PENDING, check_worthy=check_worthy)
    events_before = Event.objects.count()
    with pytest.raises(InvalidCommand) as raised:
        review_promote(
            actor=actors[Role.EDITOR],
            claim_id=claim.claim_id,
            expected_version=claim.version,
            reason=reason,
        )

    # then it is refused with a clear message and nothing is stored
    assert raised.value.message == message
    assert Event.objects.count() == events_before
    assert claim_load(claim_id=claim.claim_id) == claim


@pytest.mark.parametrize(
    ("check_worthiness", "in_queue"),
    [
        ({}, True),  # recorded by hand: no score
        ({"score": "0.45", "reasons": [], "version": "1"}, True),  # before the classifier
        ({"score": "0.700", "label": "check-worthy", "version": "x"}, True),
        ({"score": "0.120", "label": "not-check-worthy", "version": "x"}, False),
    ],
)
def test_only_the_classifiers_unworthy_label_keeps_a_claim_out_of_the_queue(
    check_worthiness, in_queue
):
    # when a claim is recorded with this check-worthiness / then it is in the queue or not
    state = claim_record(
        text="Taxes rose 4% in 2024.",
        metadata=ev.Metadata(actor="system:test", via="test"),
        check_worthiness=check_worthiness,
    )
    assert state.check_worthy is in_queue
    assert ClaimView.objects.get(pk=state.claim_id).check_worthy is in_queue
