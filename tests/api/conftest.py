"""Fixtures for the API tests: two publisher organisations, one user per role, keys, claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from ledger.claims import ClaimState, ClaimStatus
from ledger.ingestion import IngestedClaim, source_ingest
from ledger.models import Event
from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_allowed_scopes, api_key_create
from reviews.models import Membership, Organisation
from reviews.roles import Role
from tests.claims import SYSTEM, claim_brought_to

OWN = "daily-planet"
OTHER = "gotham-gazette"

# username -> (role, organisation)
PEOPLE: dict[str, tuple[Role, str | None]] = {
    "pat": (Role.PUBLISHER, OWN),
    "gina": (Role.PUBLISHER, OTHER),
    "rita": (Role.REVIEWER, None),
    "ed": (Role.EDITOR, None),
    "audrey": (Role.AUDITOR, None),
    "ada": (Role.ADMIN, OWN),
    "dora": (Role.DATA_PROTECTION, None),
}
ROLE_USER = {
    Role.PUBLISHER: "pat",
    Role.REVIEWER: "rita",
    Role.EDITOR: "ed",
    Role.AUDITOR: "audrey",
    Role.ADMIN: "ada",
}


@pytest.fixture(autouse=True)
def _clear_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def people(db) -> dict[str, Any]:
    Organisation.objects.create(slug=OWN, name="Daily Planet")
    Organisation.objects.create(slug=OTHER, name="Gotham Gazette")
    users = {}
    for username, (role, organisation) in PEOPLE.items():
        user = get_user_model().objects.create_user(
            username=username, password="correct-horse-battery", is_staff=True
        )
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # a flush drops them
        if role == Role.ADMIN:
            user.is_superuser = True
            user.save()
        if organisation:
            Membership.objects.create(user=user, organisation_id=organisation)
        users[username] = user
    return users


ClientFactory = Callable[..., APIClient]


@pytest.fixture
def client_for(people) -> ClientFactory:
    """An API client authenticated by a fresh key of ``username`` (all its allowed scopes)."""

    def make(username: str, scopes: list[str] | None = None) -> APIClient:
        user = people[username]
        _, token = api_key_create(
            actor=actor_for_user(user=user),
            name=f"{username} test key",
            scopes=scopes or sorted(api_key_allowed_scopes(user=user)),
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
        return client

    return make


ClaimFactory = Callable[..., ClaimState]


@pytest.fixture
def claim_in(people) -> ClaimFactory:
    """Record a claim of ``publisher``, assigned to rita, and bring it to ``status``."""

    def make(
        status: ClaimStatus = ClaimStatus.PENDING,
        *,
        text: str = "Iran has pledged unwavering support.",
        publisher: str = OWN,
        assignee: str = "rita",
        check_worthy: bool = True,
    ) -> ClaimState:
        return claim_brought_to(
            status, text=text, publisher=publisher, assignee=assignee, check_worthy=check_worthy
        )

    return make


def event_count() -> int:
    return Event.objects.count()


def claim_from_a_source() -> IngestedClaim:
    """A claim extracted from an ingested source of ours: selector, entities, check-worthiness."""
    return source_ingest(
        content=b"Iran's parliament approved the budget on 3 May 2024, officials said.",
        media_type="text/plain",
        metadata=SYSTEM,
        publisher=OWN,
    ).claims[0]


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and code)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"].startswith("https://")
    if code is not None:
        assert body["code"] == code
    return dict(body)
