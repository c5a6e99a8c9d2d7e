"""Every command in every state for every role: allowed ones move the claim as the table says,
forbidden ones raise a domain error and append nothing.

The expected matrix is written out here, independently of ``reviews.workflow.states.TRANSITIONS``,
so a change to the workflow has to be made twice, on purpose.
"""

import pytest

from ledger.claims import ClaimStatus
from ledger.models import Event
from ledger.services import claim_load
from reviews.exceptions import PermissionDenied, TransitionNotAllowed
from reviews.roles import Role
from reviews.services import review_command
from reviews.workflow.commands import Command
from reviews.workflow.states import TRANSITIONS, workflow_available_commands
from tests.reviews.conftest import USERNAMES

pytestmark = pytest.mark.django_db

# Who may run each command in each state: p publisher, r reviewer, e editor, a admin
# (the auditor appears nowhere); "-" nobody.
MATRIX = """
command         pending in_review changes_requested approved signed_off rejected published retracted
assign          ea      ea        ea                -        -          -        -         -
start_review    rea     -         -                 -        -          -        -         -
comment         prea    prea      prea              prea     prea       prea     prea      prea
attach_evidence rea     rea       rea               rea      rea        -        rea       -
request_changes -       rea       -                 ea       ea         -        -         -
revise          pa      -         pa                -        -          -        -         -
set_verdict     -       rea       -                 -        -          -        -         -
approve         -       rea       -                 -        -          -        -         -
sign_off        -       -         -                 ea       -          -        -         -
reject          ea      ea        ea                ea       ea         -        -         -
publish         -       -         -                 -        ea         -        -         -
retract         -       -         -                 -        -          -        ea        -
promote         ea      ea        ea                -        -          -        -         -
"""
LETTERS = {"p": Role.PUBLISHER, "r": Role.REVIEWER, "e": Role.EDITOR, "a": Role.ADMIN}

# Where an allowed command leaves the claim (commands not listed leave the state as it was).
TARGET = {
    Command.START_REVIEW: ClaimStatus.IN_REVIEW,
    Command.REQUEST_CHANGES: ClaimStatus.CHANGES_REQUESTED,
    Command.REVISE: ClaimStatus.PENDING,
    Command.APPROVE: ClaimStatus.APPROVED,
    Command.SIGN_OFF: ClaimStatus.SIGNED_OFF,
    Command.REJECT: ClaimStatus.REJECTED,
    Command.PUBLISH: ClaimStatus.PUBLISHED,
    Command.RETRACT: ClaimStatus.RETRACTED,
}

ARGUMENTS = {
    "assignee": USERNAMES[Role.EDITOR],
    "body": "Which speech is this from?",
    "url": "https://example.org/evidence",
    "note": "the full transcript",
    "reason": "needs a source",
    "text": "Iran has pledged support.",
    "rating": "2",
    "explanation": "the transcript says otherwise",
}


def _parse(matrix: str) -> dict[tuple[Command, ClaimStatus], frozenset[Role]]:
    header, *rows = matrix.strip().splitlines()
    states = [ClaimStatus(name) for name in header.split()[1:]]
    allowed = {}
    for row in rows:
        command, *cells = row.split()
        for state, cell in zip(states, cells, strict=True):
            allowed[(Command(command), state)] = frozenset(
                LETTERS[letter] for letter in cell.strip("-")
            )
    return allowed


ALLOWED = _parse(MATRIX)
CASES = [
    pytest.param(command, state, role, id=f"{command}-{state}-{role}")
    for command in Command
    for state in ClaimStatus
    for role in Role
]


def test_matrix_covers_every_command_and_state():
    assert set(ALLOWED) == {(command, state) for command in Command for state in ClaimStatus}


def test_matrix_equals_the_workflow_table():
    from_table: dict[tuple[Command, ClaimStatus], frozenset[Role]]
    from_table = {key: frozenset() for key in ALLOWED}
    for transition in TRANSITIONS:
        for source in transition.sources:
            from_table[(transition.command, source)] = transition.roles
    assert from_table == ALLOWED


@pytest.mark.parametrize(("command", "state", "role"), CASES)
def test_command_per_role_and_state(claim_in, actors, command, state, role):
    # given a claim of the publisher's organisation, assigned to the reviewer, in ``state``,
    # which the classifier found not check-worthy (so an editor may promote it)
    claim = claim_in(state, check_worthy=False)
    events_before = Event.objects.count()
    actor = actors[role]

    if role in ALLOWED[(command, state)]:
        # when
        after = review_command(
            actor=actor,
            command=command,
            claim_id=claim.claim_id,
            expected_version=claim.version,
            arguments=ARGUMENTS,
        )
        # then
        assert after.status == TARGET.get(command, state)
        assert after.version == claim.version + 1
        assert Event.objects.count() == events_before + 1
        last = Event.objects.order_by("-position").first()
        assert last is not None
        assert (last.metadata["actor"], last.metadata["via"]) == (f"user:{actor.username}", "admin")
        assert command in workflow_available_commands(actor=actor, claim=claim)
    else:
        may_ever = any(role in ALLOWED[(command, s)] for s in ClaimStatus)
        expected = TransitionNotAllowed if may_ever else PermissionDenied
        # when / then
        with pytest.raises(expected):
            review_command(
                actor=actor,
                command=command,
                claim_id=claim.claim_id,
                expected_version=claim.version,
                arguments=ARGUMENTS,
            )
        assert Event.objects.count() == events_before
        assert claim_load(claim_id=claim.claim_id) == claim
        assert command not in workflow_available_commands(actor=actor, claim=claim)
