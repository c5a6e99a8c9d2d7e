"""Promoting a claim the classifier found not check-worthy into the default queue."""

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.exceptions import InvalidCommand
from ledger.models import ClaimView, Event
from ledger.services import claim_load, claim_record, projections_rebuild
from reviews.exceptions import TransitionNotAllowed
from reviews.roles import Role
from reviews.workflow.commands import Command
from reviews.workflow.states import workflow_available_commands
from tests.claims import run_command

pytestmark = pytest.mark.django_db


def test_an_editor_promotes_a_claim_and_the_queue_and_a_rebuild_agree(claim_in, actors):
    # given a pending claim the classifier found not check-worthy
    claim = claim_in(ClaimStatus.PENDING, check_worthy=False)
    assert ClaimView.objects.get(pk=claim.claim_id).check_worthy is False

    # when an editor promotes it
    after = run_command(
        actors[Role.EDITOR],
        Command.PROMOTE,
        claim.claim_id,
        claim.version,
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
    ("check_worthy", "reason", "error", "message"),
    [
        (
            True,
            "worth a look",
            TransitionNotAllowed,
            "the claim is already in the check-worthy queue",
        ),
        (False, "  ", InvalidCommand, "reason cannot be empty"),
    ],
)
def test_a_refused_promotion_appends_nothing(
    claim_in, actors, check_worthy, reason, error, message
):
    # given a claim / when promoted again, or without a reason
    claim = claim_in(ClaimStatus.PENDING, check_worthy=check_worthy)
    events_before = Event.objects.count()
    with pytest.raises(error) as raised:
        run_command(
            actors[Role.EDITOR], Command.PROMOTE, claim.claim_id, claim.version, reason=reason
        )

    # then it is refused with a clear message and nothing is stored
    assert raised.value.message == message
    assert Event.objects.count() == events_before
    assert claim_load(claim_id=claim.claim_id) == claim
    # and the admin offers the promotion only where it can succeed
    offered = workflow_available_commands(actor=actors[Role.EDITOR], claim=claim)
    assert (Command.PROMOTE in offered) is not check_worthy


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


def test_the_claim_page_offers_promotion_and_runs_it(client, users, claim_in):
    # given a claim the classifier found not check-worthy, and an editor on its admin page
    claim = claim_in(ClaimStatus.PENDING, check_worthy=False)
    client.force_login(users[Role.EDITOR])
    url = reverse("admin:reviews_reviewclaim_change", args=[claim.claim_id])
    assert 'id="action-promote"' in client.get(url).text

    # when the editor promotes it with a reason
    response = client.post(
        url,
        {
            "command": "promote",
            "expected_version": str(claim.version),
            "reason": "a checkable date",
        },
    )

    # then it is done, and the page no longer offers it
    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"Promote to check-worthy: done. The claim is pending (version {claim.version + 1})."
    ]
    assert ClaimView.objects.get(pk=claim.claim_id).check_worthy is True
    assert 'id="action-promote"' not in client.get(url).text
