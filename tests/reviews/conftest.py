"""Fixtures for the review workflow: one user per role and claims brought to any state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ledger.claims import ClaimState, ClaimStatus
from reviews.actor_reads import actor_for_user
from reviews.actors import Actor
from reviews.models import Membership, Organisation
from reviews.roles import Role
from tests.claims import claim_brought_to

ORGANISATION = "daily-planet"
PASSWORD = "correct-horse-battery"
USERNAMES = {
    Role.PUBLISHER: "pat",
    Role.REVIEWER: "rita",
    Role.EDITOR: "ed",
    Role.AUDITOR: "audrey",
    Role.ADMIN: "ada",
    Role.DATA_PROTECTION: "dora",
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
        check_worthy: bool = True,
    ) -> ClaimState:
        return claim_brought_to(
            status, text=text, publisher=publisher, assignee=assignee, check_worthy=check_worthy
        )

    return make
