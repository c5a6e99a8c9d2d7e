"""Submitting claims and sources: the services decide who may submit for which publisher."""

import pytest

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.exceptions import InvalidCommand, NotFound
from ledger.models import ClaimView, Event
from reviews.exceptions import PermissionDenied
from reviews.models import ReviewClaim
from reviews.roles import Role
from reviews.selectors import claims_visible
from reviews.submissions import claim_submit, source_submit
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

METADATA = ev.Metadata(actor="user:test", via="test")


def test_a_publisher_submits_for_its_own_organisation(actors):
    state = claim_submit(
        actor=actors[Role.PUBLISHER], text="The dam opened in 1994.", metadata=METADATA
    )
    assert ClaimView.objects.get(pk=state.claim_id).publisher == ORGANISATION


@pytest.mark.parametrize(
    ("role", "publisher", "error", "message"),
    [
        (Role.REVIEWER, None, PermissionDenied, "your role cannot submit claims"),
        (Role.AUDITOR, None, PermissionDenied, "your role cannot submit claims"),
        (
            Role.PUBLISHER,
            "elsewhere",
            PermissionDenied,
            "publishers submit for their own organisation only",
        ),
        (Role.EDITOR, "no-such-desk", InvalidCommand, "no publisher organisation 'no-such-desk'"),
    ],
)
def test_a_refused_claim_submission_stores_nothing(actors, role, publisher, error, message):
    before = Event.objects.count()
    with pytest.raises(error, match=message):
        claim_submit(
            actor=actors[role],
            text="The dam opened in 1994.",
            metadata=METADATA,
            publisher=publisher,
        )
    assert Event.objects.count() == before


def test_a_claim_cannot_be_anchored_in_a_source_the_submitter_cannot_see(actors):
    before = Event.objects.count()
    with pytest.raises(NotFound, match="no source"):
        claim_submit(
            actor=actors[Role.PUBLISHER],
            text="The dam opened in 1994.",
            metadata=METADATA,
            source_id="00000000-0000-0000-0000-000000000000",
            selector=None,
        )
    assert Event.objects.count() == before


def test_a_reviewer_submits_no_source(actors):
    before = Event.objects.count()
    with pytest.raises(PermissionDenied, match="your role cannot submit sources"):
        source_submit(
            actor=actors[Role.REVIEWER], content=b"The dam opened in 1994.", metadata=METADATA
        )
    assert Event.objects.count() == before


def test_the_admin_queue_and_the_api_see_the_same_claims(actors, claim_in):
    # given the publisher's own pending claim and another organisation's published one
    own = claim_in(text="The dam opened in 1994.")
    other = claim_in(
        ClaimStatus.PUBLISHED, text="The bridge opened in 1996.", publisher="elsewhere"
    )
    # then one rule decides for both models
    for model in (ClaimView, ReviewClaim):
        seen = set(
            claims_visible(actor=actors[Role.PUBLISHER], model=model).values_list("pk", flat=True)
        )
        assert {str(pk) for pk in seen} == {own.claim_id, other.claim_id}
