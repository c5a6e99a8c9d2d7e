"""Fixtures for the review workflow: one user per role and claims brought to any state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ledger import events as ev
from ledger.claims import ClaimState, ClaimStatus
from ledger.services import claim_command, claim_record
from reviews.models import Membership, Organisation
from reviews.roles import Role
from reviews.selectors import actor_for_user
from reviews.workflow import Actor

ORGANISATION = "daily-planet"
PASSWORD = "correct-horse-battery"
USERNAMES = {
    Role.PUBLISHER: "pat",
    Role.REVIEWER: "rita",
    Role.EDITOR: "ed",
    Role.AUDITOR: "audrey",
    Role.ADMIN: "ada",
}
SYSTEM = ev.Metadata(actor="system:test", via="test")

# The events that bring a freshly recorded claim (assigned to the reviewer) to each state.
_REVIEWED = [
    ev.ClaimReviewStarted(),
    ev.ClaimVerdictSet(rating=4, rating_name="Mostly true", explanation="two sources agree"),
]
_SIGNED_OFF = [*_REVIEWED, ev.ClaimApproved(), ev.ClaimSignedOff()]
PATH_TO: dict[ClaimStatus, list[ev.DomainEvent]] = {
    ClaimStatus.PENDING: [],
    ClaimStatus.IN_REVIEW: _REVIEWED,
    ClaimStatus.CHANGES_REQUESTED: [*_REVIEWED, ev.ClaimChangesRequested(reason="cite it")],
    ClaimStatus.APPROVED: [*_REVIEWED, ev.ClaimApproved()],
    ClaimStatus.SIGNED_OFF: _SIGNED_OFF,
    ClaimStatus.REJECTED: [ev.ClaimRejected(reason="opinion")],
    ClaimStatus.PUBLISHED: [*_SIGNED_OFF, ev.ClaimPublished()],
    ClaimStatus.RETRACTED: [*_SIGNED_OFF, ev.ClaimPublished(), ev.ClaimRetracted(reason="wrong")],
}


@pytest.fixture
def organisation(db) -> Organisation:
    return Organisation.objects.create(slug=ORGANISATION, name="Daily Planet")


@pytest.fixture
def users(organisation) -> dict[Role, Any]:
    """One user per role (groups from the data migration); the publisher is a member."""
    user_model = get_user_model()
    created = {}
    for role, username in USERNAMES.items():
        user = user_model.objects.create_user(username=username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        created[role] = user
    Membership.objects.create(user=created[Role.PUBLISHER], organisation=organisation)
    return created


@pytest.fixture
def actors(users) -> dict[Role, Actor]:
    return {role: actor_for_user(user=user) for role, user in users.items()}


ClaimFactory = Callable[..., ClaimState]


@pytest.fixture
def claim_in(users) -> ClaimFactory:
    """Record a claim of the publisher's organisation, assigned to the reviewer, in ``status``."""

    def make(
        status: ClaimStatus = ClaimStatus.PENDING,
        *,
        text: str = "Iran has pledged unwavering support.",
        assignee: str = USERNAMES[Role.REVIEWER],
        publisher: str = ORGANISATION,
    ) -> ClaimState:
        state = claim_record(text=text, metadata=SYSTEM, publisher=publisher)
        path = [ev.ClaimAssigned(assignee=assignee)] if assignee else []
        for event in [*path, *PATH_TO[status]]:
            state = claim_command(
                claim_id=state.claim_id,
                expected_version=state.version,
                event=event,
                metadata=SYSTEM,
            )
        assert state.status == status
        return state

    return make
