"""The webhook services authorise their actor themselves: who may register, deactivate and
redeliver, whatever calls them (the API's answers to the same refusals:
tests/api/test_webhooks.py)."""

import pytest
from django.utils import timezone

from ledger.exceptions import NotFound
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied
from reviews.models import Organisation, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from reviews.roles import Role
from reviews.webhooks.delivery import webhook_delivery_redeliver
from reviews.webhooks.endpoints import webhook_endpoint_deactivate, webhook_endpoint_register
from tests.actors import publisher_actor
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

URL = "https://hooks.example/ledger"
OTHER = "gotham-gazette"


@pytest.fixture
def endpoint(organisation) -> WebhookEndpoint:
    registered, _ = webhook_endpoint_register(
        actor=publisher_actor(organisation=ORGANISATION), url=URL, event_types=["claim.published"]
    )
    return registered


@pytest.fixture
def other_publisher(db) -> Actor:
    Organisation.objects.create(slug=OTHER, name="Gotham Gazette")
    return publisher_actor(organisation=OTHER, username="gina")


def failed_delivery(endpoint: WebhookEndpoint) -> WebhookDelivery:
    return WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_position=7,
        event_type="claim.published",
        claim_id="22222222-2222-2222-2222-222222222222",
        payload={"type": "claim.published"},
        status=WebhookDeliveryStatus.FAILED,
        created_at=timezone.now(),
    )


def test_a_publisher_registers_an_endpoint_of_its_own_organisation(organisation):
    # when
    registered, secret = webhook_endpoint_register(
        actor=publisher_actor(organisation=ORGANISATION), url=URL, event_types=["claim.published"]
    )

    # then
    stored = WebhookEndpoint.objects.get()
    assert (stored.pk, stored.organisation_id, stored.created_by) == (
        registered.pk,
        ORGANISATION,
        "user:pat",
    )
    assert stored.secret == secret


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EDITOR, Role.AUDITOR, Role.DATA_PROTECTION])
def test_only_publishers_and_administrators_register(organisation, role):
    actor = Actor(username="someone", roles=frozenset({role}), organisation=ORGANISATION)

    with pytest.raises(PermissionDenied, match="only publishers manage webhooks"):
        webhook_endpoint_register(actor=actor, url=URL, event_types=["claim.published"])

    assert not WebhookEndpoint.objects.exists()


def test_a_publisher_without_an_organisation_registers_nothing(db):
    actor = Actor(username="pat", roles=frozenset({Role.PUBLISHER}))

    with pytest.raises(PermissionDenied, match="belong to a publisher organisation"):
        webhook_endpoint_register(actor=actor, url=URL, event_types=["claim.published"])

    assert not WebhookEndpoint.objects.exists()


def test_another_organisations_publisher_cannot_find_the_endpoint(endpoint, other_publisher):
    with pytest.raises(NotFound):
        webhook_endpoint_deactivate(actor=other_publisher, endpoint_id=str(endpoint.pk))

    assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_an_auditor_sees_the_endpoint_but_may_not_deactivate_it(endpoint):
    auditor = Actor(username="audrey", roles=frozenset({Role.AUDITOR}))

    with pytest.raises(PermissionDenied, match="only publishers manage webhooks"):
        webhook_endpoint_deactivate(actor=auditor, endpoint_id=str(endpoint.pk))

    assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_an_administrator_of_another_organisation_cannot_deactivate_it(endpoint, other_publisher):
    admin = Actor(username="ada", roles=frozenset({Role.ADMIN}), organisation=OTHER)

    with pytest.raises(NotFound):
        webhook_endpoint_deactivate(actor=admin, endpoint_id=str(endpoint.pk))

    assert WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_the_publisher_deactivates_its_endpoint(endpoint):
    webhook_endpoint_deactivate(
        actor=publisher_actor(organisation=ORGANISATION), endpoint_id=str(endpoint.pk)
    )

    assert not WebhookEndpoint.objects.get(pk=endpoint.pk).is_active


def test_only_the_deliveries_organisation_redelivers(endpoint, other_publisher):
    delivery = failed_delivery(endpoint)
    auditor = Actor(username="audrey", roles=frozenset({Role.AUDITOR}))

    with pytest.raises(NotFound):
        webhook_delivery_redeliver(actor=other_publisher, delivery_id=str(delivery.pk))
    with pytest.raises(PermissionDenied, match="only publishers manage webhooks"):
        webhook_delivery_redeliver(actor=auditor, delivery_id=str(delivery.pk))
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDeliveryStatus.FAILED

    webhook_delivery_redeliver(
        actor=publisher_actor(organisation=ORGANISATION), delivery_id=str(delivery.pk)
    )
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == WebhookDeliveryStatus.PENDING
