"""Review services: versions, scope, input checks, preconditions and bulk commands."""

import pytest

from ledger.claims import ClaimStatus
from ledger.exceptions import (
    ConcurrencyConflict,
    InvalidCommand,
    NotFound,
)
from ledger.models import ClaimView, Event
from ledger.services import claim_load, projections_rebuild
from reviews import services
from reviews.exceptions import PermissionDenied, TransitionNotAllowed
from reviews.roles import Role
from reviews.services import ClaimTarget
from reviews.workflow.commands import Command
from tests.claims import run_command
from tests.reviews.conftest import USERNAMES

pytestmark = pytest.mark.django_db


def test_full_review_from_assignment_to_retraction(claim_in, actors):
    # given a fresh pending claim with no assignee
    claim = claim_in(ClaimStatus.PENDING, assignee="")
    editor, reviewer = actors[Role.EDITOR], actors[Role.REVIEWER]
    claim_id = claim.claim_id

    # when the desk works it through every step
    state = run_command(editor, Command.ASSIGN, claim_id, 1, assignee="rita", note="urgent")
    state = run_command(reviewer, Command.START_REVIEW, claim_id, 2)
    state = run_command(
        reviewer,
        Command.ATTACH_EVIDENCE,
        claim_id,
        3,
        url="https://example.org/transcript",
        note="full speech",
    )
    state = run_command(
        reviewer, Command.SET_VERDICT, claim_id, 4, rating=2, explanation="overstated"
    )
    state = run_command(reviewer, Command.APPROVE, claim_id, 5)
    state = run_command(editor, Command.SIGN_OFF, claim_id, 6)
    state = run_command(editor, Command.PUBLISH, claim_id, 7, url="https://example.org/check/1")
    state = run_command(editor, Command.RETRACT, claim_id, 8, reason="the speech was misdated")

    # then the history says who did what, and the read models equal a rebuild
    assert (state.status, state.version, state.assignee) == ("retracted", 9, "rita")
    assert state.verdict == {
        "rating": 2,
        "rating_name": "Mostly false",
        "explanation": "overstated",
    }
    rows = Event.objects.filter(stream_id=claim_id).order_by("version")
    assert [(row.type, row.metadata["actor"]) for row in rows] == [
        ("ClaimRecorded", "system:test"),
        ("ClaimAssigned", "user:ed"),
        ("ClaimReviewStarted", "user:rita"),
        ("ClaimEvidenceAttached", "user:rita"),
        ("ClaimVerdictSet", "user:rita"),
        ("ClaimApproved", "user:rita"),
        ("ClaimSignedOff", "user:ed"),
        ("ClaimPublished", "user:ed"),
        ("ClaimRetracted", "user:ed"),
    ]
    assert ClaimView.objects.get(pk=claim_id).status == "retracted"
    assert projections_rebuild(check=True) == []


def test_stale_version_is_refused_with_a_clear_message_and_appends_nothing(claim_in, actors):
    claim = claim_in(ClaimStatus.IN_REVIEW)
    count = Event.objects.count()

    with pytest.raises(ConcurrencyConflict, match=r"is at version 4, not 3: it changed since"):
        run_command(actors[Role.REVIEWER], Command.APPROVE, claim.claim_id, 3)

    assert Event.objects.count() == count
    assert claim_load(claim_id=claim.claim_id) == claim


def test_stale_version_wins_over_a_forbidden_command(claim_in, actors):
    # given an auditor looking at an outdated page: the page is stale whatever they asked
    claim = claim_in(ClaimStatus.SIGNED_OFF)

    with pytest.raises(ConcurrencyConflict):
        run_command(actors[Role.AUDITOR], Command.PUBLISH, claim.claim_id, 1)
    assert Event.objects.filter(stream_id=claim.claim_id).count() == claim.version


def test_unknown_claim_is_not_found(actors):
    with pytest.raises(NotFound):
        run_command(
            actors[Role.EDITOR], Command.START_REVIEW, "00000000-0000-0000-0000-000000000000", 1
        )
    assert Event.objects.count() == 0


def test_reviewer_acts_only_on_claims_assigned_to_them(claim_in, actors):
    claim = claim_in(ClaimStatus.PENDING, assignee=USERNAMES[Role.EDITOR])

    with pytest.raises(PermissionDenied, match="not assigned to you"):
        run_command(actors[Role.REVIEWER], Command.START_REVIEW, claim.claim_id, claim.version)
    with pytest.raises(PermissionDenied, match="not assigned to you"):
        run_command(
            actors[Role.REVIEWER], Command.COMMENT, claim.claim_id, claim.version, body="hello"
        )
    assert claim_load(claim_id=claim.claim_id) == claim


def test_publisher_acts_only_on_its_own_organisations_claims(claim_in, actors):
    claim = claim_in(ClaimStatus.CHANGES_REQUESTED, publisher="other-paper")

    with pytest.raises(PermissionDenied, match="belongs to another organisation"):
        run_command(
            actors[Role.PUBLISHER], Command.REVISE, claim.claim_id, claim.version, text="Reworded."
        )
    assert claim_load(claim_id=claim.claim_id) == claim


def test_submitter_revision_after_changes_requested_requeues_the_claim(claim_in, actors):
    claim = claim_in(ClaimStatus.CHANGES_REQUESTED)

    state = run_command(
        actors[Role.PUBLISHER],
        Command.REVISE,
        claim.claim_id,
        claim.version,
        text="  Iran has pledged support.  ",
        reason="quoted more precisely",
    )

    assert (state.status, state.text, state.version) == (
        "pending",
        "Iran has pledged support.",
        claim.version + 1,
    )
    assert Event.objects.latest("position").metadata["actor"] == "user:pat"


def test_approval_needs_a_verdict(claim_in, actors):
    claim = claim_in(ClaimStatus.PENDING)
    started = run_command(
        actors[Role.REVIEWER], Command.START_REVIEW, claim.claim_id, claim.version
    )

    with pytest.raises(InvalidCommand, match="set a verdict before approving"):
        run_command(actors[Role.REVIEWER], Command.APPROVE, claim.claim_id, started.version)
    assert claim_load(claim_id=claim.claim_id) == started


def test_reviewer_approval_is_not_publishable_without_sign_off(claim_in, actors):
    claim = claim_in(ClaimStatus.APPROVED)

    with pytest.raises(TransitionNotAllowed, match="allowed from: signed off"):
        run_command(actors[Role.EDITOR], Command.PUBLISH, claim.claim_id, claim.version)
    assert claim_load(claim_id=claim.claim_id) == claim


@pytest.mark.parametrize(
    ("command", "arguments", "message"),
    [
        (Command.ASSIGN, {"assignee": "nobody"}, "'nobody' is not an active reviewer or editor"),
        (Command.ASSIGN, {"assignee": "audrey"}, "'audrey' is not an active reviewer or editor"),
        (Command.ASSIGN, {"assignee": "rita"}, "already assigned to rita"),
        (Command.ASSIGN, {"assignee": "  "}, "assignee cannot be empty"),
        (Command.COMMENT, {"body": " "}, "comment cannot be empty"),
        (Command.COMMENT, {"body": "x" * 5001}, "comment is longer than 5000 characters"),
        (Command.ATTACH_EVIDENCE, {"url": "ftp://x.org/a", "note": "n"}, "must be an http"),
        (Command.ATTACH_EVIDENCE, {"url": "javascript:alert(1)", "note": "n"}, "must be an http"),
        (Command.ATTACH_EVIDENCE, {"url": "https://x.org", "note": ""}, "note cannot be empty"),
        (Command.REQUEST_CHANGES, {"reason": ""}, "reason cannot be empty"),
        (Command.SET_VERDICT, {"rating": "6", "explanation": "e"}, "rating must be one of"),
        (Command.SET_VERDICT, {"rating": "true", "explanation": "e"}, "rating must be one of"),
        (Command.SET_VERDICT, {"rating": "3", "explanation": ""}, "explanation cannot be empty"),
        (Command.REJECT, {"reason": ""}, "reason cannot be empty"),
    ],
)
def test_malformed_input_is_refused_and_appends_nothing(
    claim_in, actors, command, arguments, message
):
    claim = claim_in(ClaimStatus.IN_REVIEW)

    with pytest.raises(InvalidCommand, match=message):
        run_command(actors[Role.EDITOR], command, claim.claim_id, claim.version, **arguments)
    assert claim_load(claim_id=claim.claim_id) == claim


def test_revision_must_change_the_text(claim_in, actors):
    claim = claim_in(ClaimStatus.PENDING)

    with pytest.raises(InvalidCommand, match="does not change"):
        run_command(
            actors[Role.PUBLISHER], Command.REVISE, claim.claim_id, claim.version, text=claim.text
        )


def test_unverifiable_verdict_is_stored_as_rating_zero(claim_in, actors):
    claim = claim_in(ClaimStatus.IN_REVIEW)

    state = run_command(
        actors[Role.REVIEWER],
        Command.SET_VERDICT,
        claim.claim_id,
        claim.version,
        rating="0",
        explanation="no record of the speech exists",
    )

    assert state.verdict == {
        "rating": 0,
        "rating_name": "Unverifiable",
        "explanation": "no record of the speech exists",
    }


def test_bulk_assign_each_claim_succeeds_or_fails_on_its_own(claim_in, actors):
    # given three claims: one fresh, one seen at an old version, one already published
    fresh = claim_in(ClaimStatus.PENDING, assignee="")
    stale = claim_in(ClaimStatus.PENDING, assignee="")
    published = claim_in(ClaimStatus.PUBLISHED)
    count = Event.objects.count()

    # when
    outcomes = services.review_bulk_assign(
        actor=actors[Role.EDITOR],
        targets=[
            ClaimTarget(claim_id=fresh.claim_id, expected_version=1),
            ClaimTarget(claim_id=stale.claim_id, expected_version=0),
            ClaimTarget(claim_id=published.claim_id, expected_version=published.version),
        ],
        assignee="rita",
    )

    # then only the fresh claim moved
    assert [(o.claim_id, o.succeeded, o.error_code) for o in outcomes] == [
        (fresh.claim_id, True, ""),
        (stale.claim_id, False, "version_conflict"),
        (published.claim_id, False, "transition_not_allowed"),
    ]
    assert Event.objects.count() == count + 1
    assert claim_load(claim_id=fresh.claim_id).assignee == "rita"
    assert claim_load(claim_id=stale.claim_id) == stale
    assert claim_load(claim_id=published.claim_id) == published


def test_bulk_status_change_shares_a_correlation_id(claim_in, actors):
    first, second = claim_in(ClaimStatus.SIGNED_OFF), claim_in(ClaimStatus.SIGNED_OFF)

    outcomes = services.review_bulk_change_status(
        actor=actors[Role.EDITOR],
        command=Command.PUBLISH,
        targets=[
            ClaimTarget(claim_id=first.claim_id, expected_version=first.version),
            ClaimTarget(claim_id=second.claim_id, expected_version=second.version),
        ],
    )

    assert [(o.succeeded, o.status) for o in outcomes] == [(True, "published")] * 2
    published = Event.objects.filter(type="ClaimPublished")
    assert len({row.metadata["correlation_id"] for row in published}) == 1


def test_bulk_refuses_commands_that_are_not_status_changes_and_empty_selections(actors):
    with pytest.raises(InvalidCommand, match="cannot be run on many claims"):
        services.review_bulk_change_status(
            actor=actors[Role.EDITOR], command=Command.COMMENT, targets=[]
        )
    with pytest.raises(InvalidCommand, match="select at least one claim"):
        services.review_bulk_change_status(
            actor=actors[Role.EDITOR], command=Command.APPROVE, targets=[]
        )
