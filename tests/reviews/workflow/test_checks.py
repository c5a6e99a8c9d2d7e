"""The rules before a claim goes out: four eyes at sign-off, no publication over an open flag.

Table-driven over roles, claim states and flag status; every refusal also appends nothing.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ledger import events as ev
from ledger.claims import ClaimState, ClaimStatus
from ledger.exceptions import (
    ConcurrencyConflict,
    InvalidCommand,
)
from ledger.models import ClaimView, Event
from ledger.services import claim_record
from reviews import actor_reads, services
from reviews.actors import Actor
from reviews.contradictions.detectors import Cue
from reviews.contradictions.flagging import contradiction_flag
from reviews.contradictions.scoring import PairScore
from reviews.exceptions import PermissionDenied, PublicationBlocked, TransitionNotAllowed
from reviews.roles import Role
from reviews.services import FlagDecision
from reviews.workflow.commands import Command
from tests.claims import SYSTEM, decide_flag, run_command
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

OTHER_TEXT = "Iran's allies have been largely silent."
SCORE = PairScore(score=0.9, cues=[Cue(kind="stance", strength=0.9, template="opposite stances")])


@pytest.fixture
def people(users, actors) -> dict[str, Actor]:
    """The conftest's roles, a second editor (eve) and a superuser in no group (root)."""
    user_model = get_user_model()
    eve = user_model.objects.create_user(username="eve", password="x", is_staff=True)
    eve.groups.add(Group.objects.get(name=Role.EDITOR))
    user_model.objects.create_superuser(username="root", password="x")
    return {
        "rita": actors[Role.REVIEWER],
        "ed": actors[Role.EDITOR],
        "ada": actors[Role.ADMIN],
        "pat": actors[Role.PUBLISHER],
        "audrey": actors[Role.AUDITOR],
        "eve": actor_reads.actor_for_user(user=eve),
        "root": actor_reads.actor_for_user(user=user_model.objects.get(username="root")),
    }


def approved(claim_in, people, *, verdict_by: str, approved_by: str) -> ClaimState:
    """A pending claim assigned to the verdict's author, reviewed and approved by these people."""
    claim = claim_in(ClaimStatus.PENDING, assignee=verdict_by)
    claim = run_command(people[verdict_by], Command.START_REVIEW, claim.claim_id, claim.version)
    claim = run_command(
        people[verdict_by],
        Command.SET_VERDICT,
        claim.claim_id,
        claim.version,
        rating=2,
        explanation="the record shows otherwise",
    )
    return run_command(people[approved_by], Command.APPROVE, claim.claim_id, claim.version)


def turn_four_eyes_off(people: dict[str, Actor]) -> None:
    services.organisation_set_four_eyes(
        actor=people["ada"],
        organisation=ORGANISATION,
        required=False,
        reason="a one-person desk",
        expected_version=0,
    )


# (who set the verdict, who approved, who signs off, the organisation's rule, refusal or None)
FOUR_EYES = [
    ("rita", "rita", "ed", True, None),
    ("rita", "ed", "eve", True, None),
    ("ed", "eve", "ada", True, None),
    (
        "ed",
        "ed",
        "ed",
        True,
        "ed may not sign off this claim: they approved it and set its verdict, and a sign-off "
        "needs a second person. An editor other than ed may sign it off.",
    ),
    (
        "rita",
        "ed",
        "ed",
        True,
        "ed may not sign off this claim: they approved it, and a sign-off needs a second "
        "person. An editor other than ed or rita may sign it off.",
    ),
    (
        "ed",
        "eve",
        "ed",
        True,
        "ed may not sign off this claim: they set its verdict, and a sign-off needs a second "
        "person. An editor other than ed or eve may sign it off.",
    ),
    (
        "root",
        "root",
        "root",
        True,
        "root may not sign off this claim: they approved it and set its verdict, and a "
        "sign-off needs a second person. An editor other than root may sign it off.",
    ),
    ("ed", "ed", "ed", False, None),
    ("root", "root", "root", False, None),
]


@pytest.mark.parametrize(("verdict_by", "approved_by", "signer", "required", "refusal"), FOUR_EYES)
def test_the_sign_off_needs_a_second_person_unless_the_organisation_turned_it_off(
    claim_in, people, verdict_by, approved_by, signer, required, refusal
):
    # given an approved claim, and the organisation's rule
    claim = approved(claim_in, people, verdict_by=verdict_by, approved_by=approved_by)
    if not required:
        turn_four_eyes_off(people)
    before = Event.objects.count()

    # when the signer signs it off
    def sign_off() -> ClaimState:
        return run_command(people[signer], Command.SIGN_OFF, claim.claim_id, claim.version)

    # then
    if refusal is None:
        assert sign_off().status == ClaimStatus.SIGNED_OFF
        assert Event.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied) as refused:
            sign_off()
        assert refused.value.message == refusal
        assert Event.objects.count() == before
        assert ClaimView.objects.get(pk=claim.claim_id).status == ClaimStatus.APPROVED


@pytest.mark.parametrize("status", [s for s in ClaimStatus if s is not ClaimStatus.APPROVED])
def test_no_state_but_approved_can_be_signed_off_whoever_looks(claim_in, people, status):
    claim = claim_in(status)
    before = Event.objects.count()
    with pytest.raises(TransitionNotAllowed):
        run_command(people["ed"], Command.SIGN_OFF, claim.claim_id, claim.version)
    assert Event.objects.count() == before


def test_turning_the_rule_off_and_on_again_is_recorded_with_its_reason(people, organisation):
    # when the administrator turns it off, then on
    off = services.organisation_set_four_eyes(
        actor=people["ada"],
        organisation=ORGANISATION,
        required=False,
        reason="a one-person desk",
        expected_version=0,
    )
    on = services.organisation_set_four_eyes(
        actor=people["ada"],
        organisation=ORGANISATION,
        required=True,
        reason="we hired a second editor",
        expected_version=off.version,
    )
    # then each change is an event of the organisation's stream
    events = Event.objects.filter(type="FourEyesRuleChanged").order_by("position")
    assert [(e.data, e.metadata["actor"], e.stream_type) for e in events] == [
        (
            {"organisation": ORGANISATION, "required": False, "reason": "a one-person desk"},
            "user:ada",
            "organisation",
        ),
        (
            {"organisation": ORGANISATION, "required": True, "reason": "we hired a second editor"},
            "user:ada",
            "organisation",
        ),
    ]
    assert (on.required, on.version, on.changed_by, on.reason) == (
        True,
        2,
        "user:ada",
        "we hired a second editor",
    )


# (who, what, refusal type, message)
RULE_REFUSALS = [
    (
        "ed",
        {"required": False, "reason": "busy", "expected_version": 0},
        PermissionDenied,
        "ed (editor) may not change the sign-off rule: only an administrator may",
    ),
    (
        "ada",
        {"required": True, "reason": "again", "expected_version": 0},
        InvalidCommand,
        "the four-eyes rule is already required for daily-planet",
    ),
    (
        "ada",
        {"required": False, "reason": "  ", "expected_version": 0},
        InvalidCommand,
        "reason cannot be empty",
    ),
    (
        "ada",
        {"required": False, "reason": "busy", "expected_version": 0, "organisation": "nobody"},
        InvalidCommand,
        "there is no organisation 'nobody'",
    ),
]


@pytest.mark.parametrize(("who", "change", "error", "message"), RULE_REFUSALS)
def test_a_refused_rule_change_appends_nothing(people, organisation, who, change, error, message):
    before = Event.objects.count()
    with pytest.raises(error) as refused:
        services.organisation_set_four_eyes(
            actor=people[who], **{"organisation": ORGANISATION, **change}
        )
    assert refused.value.message == message
    assert Event.objects.count() == before


def test_a_stale_rule_change_is_a_conflict(people, organisation):
    turn_four_eyes_off(people)
    before = Event.objects.count()
    with pytest.raises(ConcurrencyConflict):
        services.organisation_set_four_eyes(
            actor=people["ada"],
            organisation=ORGANISATION,
            required=True,
            reason="back",
            expected_version=0,
        )
    assert Event.objects.count() == before


# --- Publication over an open contradiction flag -----------------------------------------------


def flagged(claim: ClaimState, status: str) -> str:
    """Flag ``claim`` against another claim and leave the flag ``status``; its pair id."""
    other = claim_record(text=OTHER_TEXT, metadata=SYSTEM, publisher=ORGANISATION)
    flag = contradiction_flag(
        claim_a=claim.claim_id, claim_b=other.claim_id, score=SCORE, metadata=SYSTEM
    )
    assert flag is not None
    if status == "confirmed":
        decide_flag(flag.pair_id, 1, FlagDecision.CONFIRM, "yes")
    elif status == "dismissed":
        decide_flag(flag.pair_id, 1, FlagDecision.DISMISS, "no")
    return flag.pair_id


# (who, flag status or None, override reason, outcome: "published" or (error, message start))
PUBLISH = [
    (who, flag, reason, outcome)
    for who in ("ed", "ada")
    for flag, reason, outcome in [
        (None, "", "published"),
        (None, "checked", (InvalidCommand, "this claim has no open contradiction flag")),
        ("open", "", (PublicationBlocked, "this claim has 1 open contradiction flag (flag ")),
        ("open", "the other claim is an old quote", "published"),
        ("confirmed", "", "published"),
        ("dismissed", "", "published"),
        ("dismissed", "why", (InvalidCommand, "this claim has no open contradiction flag")),
    ]
] + [
    (who, flag, reason, (PermissionDenied, f"{who} ("))
    for who in ("rita", "pat", "audrey")
    for flag in (None, "open")
    for reason in ("", "because")
]


@pytest.mark.parametrize(("who", "flag_status", "override_reason", "outcome"), PUBLISH)
def test_publishing_over_an_open_flag_takes_an_editors_written_reason(
    claim_in, people, who, flag_status, override_reason, outcome
):
    # given a signed-off claim, flagged or not
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    pair_id = flagged(claim, flag_status) if flag_status else None
    before = Event.objects.count()

    # when
    def publish() -> ClaimState:
        return run_command(
            people[who],
            Command.PUBLISH,
            claim.claim_id,
            claim.version,
            override_reason=override_reason,
        )

    # then
    if outcome == "published":
        assert publish().status == ClaimStatus.PUBLISHED
        event = Event.objects.get(stream_id=claim.claim_id, type="ClaimPublished")
        overridden = [pair_id] if flag_status == "open" else []
        assert event.data == {
            "url": "",
            "overridden_flags": overridden,
            "override_reason": override_reason,
        }
        assert event.schema_version == 2
    else:
        error, message = outcome
        with pytest.raises(error) as refused:
            publish()
        assert refused.value.message.startswith(message)
        assert Event.objects.count() == before
        assert ClaimView.objects.get(pk=claim.claim_id).status == ClaimStatus.SIGNED_OFF


def test_the_refusal_names_the_flag_and_the_other_claim(claim_in, people):
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    pair_id = flagged(claim, "open")
    with pytest.raises(PublicationBlocked) as refused:
        run_command(people["ed"], Command.PUBLISH, claim.claim_id, claim.version)
    assert refused.value.flags == [pair_id]
    assert refused.value.message == (
        f"this claim has 1 open contradiction flag (flag {pair_id} against “{OTHER_TEXT}”): "
        "confirm or dismiss it first, or, as an editor, publish anyway with a written "
        "override reason"
    )


@pytest.mark.parametrize("status", [s for s in ClaimStatus if s is not ClaimStatus.SIGNED_OFF])
def test_an_open_flag_does_not_make_any_other_state_publishable(claim_in, people, status):
    claim = claim_in(status)
    flagged(claim, "open")
    before = Event.objects.count()
    with pytest.raises(TransitionNotAllowed):
        run_command(
            people["ed"], Command.PUBLISH, claim.claim_id, claim.version, override_reason="anyway"
        )
    assert Event.objects.count() == before


def test_a_publication_stored_before_the_rule_reads_as_overriding_nothing():
    published = ev.event_from_stored(
        type_name="ClaimPublished", schema_version=1, data={"url": "https://checks.example/1"}
    )
    assert published == ev.ClaimPublished(
        url="https://checks.example/1", overridden_flags=[], override_reason=""
    )
