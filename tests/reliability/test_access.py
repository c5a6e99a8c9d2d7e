"""Who reaches what: every API operation and every admin page, for every role.

The API's operations come from its OpenAPI schema and the admin's pages from the admin site's
registry, so a new endpoint or model admin fails ``..._has_an_expectation`` until this table
says who may reach it. Objects are of publisher A (``pat``'s organisation): publisher B
(``gina``) must find them exactly as absent as an id that does not exist (404 in the API; in the
admin, the same redirect as a missing object), never a 403 that confirms they exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ledger.claims import ClaimStatus
from ledger.ingestion import source_ingest
from ledger.models import ContradictionView, Event
from reviews.actor_reads import actor_for_user
from reviews.keys import api_key_allowed_scopes, api_key_create
from reviews.models import WebhookDelivery
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import webhooks_collect
from tests.actors import publisher_actor
from tests.api.conftest import OWN
from tests.claims import SYSTEM
from tests.reliability.conftest import figures_record, flag_between

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "publisher A",
    "publisher B",
    "reviewer",
    "editor",
    "auditor",
    "data protection",
    "admin",
]
USERNAME = {
    "publisher A": "pat",
    "publisher B": "gina",
    "reviewer": "rita",
    "editor": "ed",
    "auditor": "audrey",
    "data protection": "dora",
    "admin": "ada",
}
MISSING = "00000000-0000-4000-8000-000000000000"


def row(*statuses: int) -> dict[str, int]:
    assert len(statuses) == len(ROLES)
    return dict(zip(ROLES, statuses, strict=True))


# operationId -> expected status per role (API key with every scope the role may hold).
# Publisher A's objects; writes are sent with an empty body and the current If-Match.
# 401: no credentials; 403: the key's scope or the role forbids it (before looking anything up,
# so it says nothing about the object); 404: not visible to the caller; 400: the empty body is
# malformed; 409: the claim's state does not allow it. Keys are managed from a session only.
API_EXPECTED: dict[str, dict[str, int]] = {
    "checkpoints_list": row(401, 403, 403, 403, 403, 200, 403, 200),
    "claims_approve": row(401, 403, 403, 409, 409, 403, 403, 409),
    "claims_as_of": row(401, 422, 404, 422, 422, 422, 422, 422),
    "claims_assign": row(401, 403, 403, 400, 400, 403, 400, 400),
    "claims_attach_evidence": row(401, 403, 403, 400, 400, 403, 400, 400),
    "claims_claimreview": row(401, 200, 200, 200, 200, 200, 200, 200),
    "claims_comment": row(401, 400, 404, 400, 400, 403, 400, 400),
    "claims_create": row(401, 400, 400, 403, 400, 403, 403, 400),
    "claims_erase_text": row(401, 403, 403, 403, 403, 403, 400, 400),
    "claims_history": row(401, 200, 404, 200, 200, 200, 200, 200),
    "claims_list": row(401, 200, 200, 200, 200, 200, 200, 200),
    "claims_matches": row(401, 200, 404, 200, 200, 200, 200, 200),
    "claims_publish": row(401, 403, 403, 403, 409, 403, 403, 409),
    "claims_reject": row(401, 403, 403, 400, 400, 403, 400, 400),
    "claims_request_changes": row(401, 403, 403, 400, 400, 403, 400, 400),
    "claims_retract": row(401, 403, 403, 400, 400, 403, 400, 400),
    "claims_retrieve": row(401, 200, 404, 200, 200, 200, 200, 200),
    "claims_revise": row(401, 400, 404, 403, 400, 403, 403, 400),
    "claims_set_verdict": row(401, 403, 403, 400, 400, 403, 400, 400),
    "claims_sign_off": row(401, 403, 403, 403, 409, 403, 403, 409),
    "claims_start_review": row(401, 403, 403, 200, 200, 403, 403, 200),
    "contradictions_confirm": row(401, 403, 403, 400, 400, 403, 400, 400),
    "contradictions_dismiss": row(401, 403, 403, 400, 400, 403, 400, 400),
    "contradictions_list": row(401, 200, 200, 200, 200, 200, 200, 200),
    "contradictions_retrieve": row(401, 200, 404, 200, 200, 200, 200, 200),
    "exports_ledger": row(401, 403, 403, 403, 403, 200, 403, 200),
    "keys_create": row(401, 403, 403, 403, 403, 403, 403, 403),
    "keys_list": row(401, 200, 200, 200, 200, 200, 200, 200),
    "keys_revoke": row(401, 403, 403, 403, 403, 403, 403, 403),
    "sources_create": row(401, 400, 400, 403, 400, 403, 403, 400),
    "sources_list": row(401, 200, 200, 200, 200, 200, 200, 200),
    "sources_redact": row(401, 403, 403, 403, 403, 403, 400, 400),
    "sources_retrieve": row(401, 200, 404, 200, 200, 200, 200, 200),
    "webhooks_create": row(401, 400, 400, 403, 403, 403, 403, 400),
    "webhooks_deactivate": row(401, 200, 404, 403, 404, 403, 403, 200),
    "webhooks_deliveries": row(401, 200, 404, 404, 404, 200, 404, 200),
    "matches_confirm": row(401, 403, 403, 400, 400, 403, 400, 400),
    "matches_reject": row(401, 403, 403, 400, 400, 403, 400, 400),
    "matches_unmatch": row(401, 403, 403, 400, 400, 403, 400, 400),
    "webhooks_list": row(401, 200, 200, 200, 200, 200, 200, 200),
    "webhooks_redeliver": row(401, 202, 404, 403, 404, 403, 403, 202),
    "webhooks_retrieve": row(401, 200, 404, 404, 404, 200, 404, 200),
}


def api_operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path template) of every operation in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (operation["operationId"], method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    )


OPERATIONS = api_operations()


@pytest.fixture
def world(people, claim_in, settings) -> dict[str, str]:
    """Publisher A's claim (pending), published claim, source, webhook, delivery and key."""
    settings.LEDGER_API_RATE = "1000000/minute"
    pending = claim_in(ClaimStatus.PENDING)
    published = claim_in(ClaimStatus.PUBLISHED)
    source = source_ingest(
        content=b"Iran's parliament approved a budget of $100 million on 3 May 2024, "
        b"officials said.\n",
        metadata=SYSTEM,
        publisher=OWN,
        title="Budget",
    )
    endpoint, _ = webhook_endpoint_register(
        actor=publisher_actor(organisation=OWN, username="pat"),
        url="https://hooks.example.org/in",
        event_types=["claim.approved", "claim.published"],
    )
    approved = claim_in(ClaimStatus.APPROVED)
    pair_id = flag_between(pending.claim_id, approved.claim_id)
    webhooks_collect()
    delivery = WebhookDelivery.objects.order_by("created_at")[0]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    key, _ = api_key_create(actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"])
    return {
        "claim_id": pending.claim_id,
        "published_id": published.claim_id,
        "source_id": source.source_id,
        "endpoint_id": str(endpoint.pk),
        "delivery_id": str(delivery.pk),
        "key_id": str(key.pk),
        "pair_id": pair_id,
    }


def api_client(people, role: str) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if role != "anonymous":
        user = people[USERNAME[role]]
        _, token = api_key_create(
            actor=actor_for_user(user=user),
            name="access",
            scopes=sorted(api_key_allowed_scopes(user=user)),
        )
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    return client


def api_call(client: APIClient, method: str, path: str, world: dict[str, str]) -> int:
    """One request whose effects are rolled back, so every role meets the same state."""
    url = path.format(**world)
    if "claimreview" in path:
        url = path.format(**{**world, "claim_id": world["published_id"]})
    with transaction.atomic():
        version = Event.objects.filter(stream_id=world["claim_id"]).count()
        response = client.generic(
            method,
            url,
            "{}" if method == "POST" else "",
            content_type="application/json",
            HTTP_IF_MATCH=f'"{version}"',
        )
        transaction.set_rollback(True)
    return int(response.status_code)


def test_every_api_operation_for_every_role(people, world):
    observed = {
        operation_id: {
            role: api_call(api_client(people, role), method, path, world) for role in ROLES
        }
        for operation_id, method, path in OPERATIONS
    }
    assert observed == API_EXPECTED


def test_every_api_operation_has_an_expectation():
    assert sorted(API_EXPECTED) == sorted(operation_id for operation_id, _, _ in OPERATIONS)


def test_another_publishers_objects_answer_exactly_like_missing_ones(people, world):
    # given publisher B, and every operation that names an object of publisher A by id
    client = api_client(people, "publisher B")
    missing = dict.fromkeys(world, MISSING)
    compared = 0

    # when B calls each with A's ids and with ids that do not exist
    for operation_id, method, path in OPERATIONS:
        if "{" not in path or operation_id == "claims_claimreview":  # published: public
            continue
        with_theirs = api_call(client, method, path, world)
        with_missing = api_call(client, method, path, missing)

        # then B cannot tell them apart, and nothing of A's answers 200 or 403-for-the-object
        assert (operation_id, with_theirs) == (operation_id, with_missing)
        assert with_theirs in {403, 404}, operation_id
        compared += 1
    assert compared >= 20


# --- The admin ------------------------------------------------------------------------------

ADMIN_ROLES = ROLES


def admin_pages(world: dict[str, str]) -> dict[str, str]:
    """name -> URL: the index, and every registered model's list, add and change pages."""
    objects = {
        "ledger.event": str(Event.objects.filter(stream_id=world["claim_id"])[0].position),
        "ledger.source": world["source_id"],
        "reviews.contradictionflag": str(ContradictionView.objects.order_by("pk")[0].pk),
        "reviews.reviewclaim": world["claim_id"],
        "reviews.organisation": OWN,
        "reviews.apikey": world["key_id"],
        "reviews.webhookendpoint": world["endpoint_id"],
        "reviews.webhookdelivery": world["delivery_id"],
        "reviews.membership": str(people_membership()),
        "auth.user": str(get_user_model().objects.get(username="pat").pk),
        "auth.group": str(get_user_model().objects.get(username="pat").groups.get().pk),
    }
    pages = {"index": "/admin/"}
    for model in admin.site._registry:
        label = model._meta.label_lower
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages[f"{label} list"] = base
        pages[f"{label} add"] = f"{base}add/"
        pages[f"{label} change"] = f"{base}{objects[label]}/change/"
    return pages


def people_membership() -> Any:
    from reviews.models import Membership

    return Membership.objects.get(user__username="pat").pk


@pytest.fixture
def flagged(world) -> None:
    """A contradiction flag between two of publisher A's claims."""
    from ledger.services import claim_record
    from reviews.contradictions.services import contradictions_consume

    for text in (
        "The unwavering support from Tehran is unlikely to diminish.",
        "Iran's allies have been largely silent since the attacks began.",
    ):
        claim_record(text=text, metadata=SYSTEM, publisher=OWN)
    contradictions_consume()
    assert ContradictionView.objects.exists()


# name -> expected status per role: 302 to the login page for anonymous; 403 without the view
# permission; 302 from a change page means "no such object you can see" (what a missing id gets).
# Contradiction flags: reviewers, editors, auditors and administrators see them; publishers do
# not (a flag names claims of other organisations).
ADMIN_EXPECTED: dict[str, dict[str, int]] = {
    "index": row(302, 200, 200, 200, 200, 200, 200, 200),
    "auth.group list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "auth.group add": row(302, 403, 403, 403, 403, 403, 403, 200),
    "auth.group change": row(302, 403, 403, 403, 403, 403, 403, 200),
    "auth.user list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "auth.user add": row(302, 403, 403, 403, 403, 403, 403, 200),
    "auth.user change": row(302, 403, 403, 403, 403, 403, 403, 200),
    "ledger.event list": row(302, 403, 403, 403, 200, 200, 403, 200),
    "ledger.event add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "ledger.event change": row(302, 403, 403, 403, 200, 200, 403, 200),
    "reviews.contradictionflag list": row(302, 403, 403, 200, 200, 200, 403, 200),
    "reviews.contradictionflag add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "reviews.contradictionflag change": row(302, 403, 403, 200, 200, 200, 403, 200),
    "reviews.reviewclaim list": row(302, 200, 200, 200, 200, 200, 200, 200),
    "reviews.reviewclaim add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "reviews.reviewclaim change": row(302, 200, 302, 200, 200, 200, 200, 200),
    "ledger.source list": row(302, 200, 200, 200, 200, 200, 200, 200),
    "ledger.source add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "ledger.source change": row(302, 200, 302, 200, 200, 200, 200, 200),
    "reviews.organisation list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.organisation add": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.organisation change": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.membership list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.membership add": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.membership change": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.apikey list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.apikey add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "reviews.apikey change": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.webhookendpoint list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.webhookendpoint add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "reviews.webhookendpoint change": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.webhookdelivery list": row(302, 403, 403, 403, 403, 403, 403, 200),
    "reviews.webhookdelivery add": row(302, 403, 403, 403, 403, 403, 403, 403),
    "reviews.webhookdelivery change": row(302, 403, 403, 403, 403, 403, 403, 200),
}


def admin_client(people, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(people[USERNAME[role]])
    return client


def test_every_admin_page_for_every_role(people, world, flagged):
    pages = admin_pages(world)
    observed = {
        name: {role: admin_client(people, role).get(url).status_code for role in ADMIN_ROLES}
        for name, url in pages.items()
    }
    assert observed == ADMIN_EXPECTED
    figures_record(
        "access",
        api_operations=len(OPERATIONS),
        admin_pages=len(pages),
        roles=len(ROLES),
        requests=(len(OPERATIONS) + len(pages)) * len(ROLES),
    )


def test_every_admin_page_has_an_expectation(world, flagged):
    assert sorted(admin_pages(world)) == sorted(ADMIN_EXPECTED)


def test_another_publishers_admin_pages_answer_like_missing_ones(people, world):
    client = admin_client(people, "publisher B")
    for model, object_id in (("reviewclaim", world["claim_id"]), ("source", world["source_id"])):
        app = "reviews" if model == "reviewclaim" else "ledger"
        theirs = client.get(f"/admin/{app}/{model}/{object_id}/change/")
        missing = client.get(f"/admin/{app}/{model}/{MISSING}/change/")
        assert (theirs.status_code, theirs["Location"]) == (302, missing["Location"])
