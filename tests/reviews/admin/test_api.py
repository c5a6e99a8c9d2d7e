"""Admin pages of the publisher API: keys (read-only, revocable), webhook endpoints, deliveries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.actor_reads import actor_for_api_key, actor_for_user
from reviews.exceptions import ApiKeyRefused
from reviews.keys import api_key_create, api_key_revoke
from reviews.models import ApiKey, WebhookAttempt, WebhookDelivery
from reviews.roles import Role
from reviews.webhooks.endpoints import webhook_endpoint_register
from tests.actors import publisher_actor
from tests.reviews.conftest import ORGANISATION

pytestmark = pytest.mark.django_db

KEYS_URL = reverse("admin:reviews_apikey_changelist")


@pytest.fixture
def key(users):
    created, token = api_key_create(
        actor=actor_for_user(user=users[Role.PUBLISHER]), name="website", scopes=["read"]
    )
    return created, token


@pytest.fixture
def delivery(organisation):
    endpoint, secret = webhook_endpoint_register(
        actor=publisher_actor(organisation=ORGANISATION, username="pat"),
        url="https://hooks.example/ledger",
        event_types=["claim.published"],
    )
    row = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_position=7,
        event_type="claim.published",
        claim_id="22222222-2222-2222-2222-222222222222",
        payload={"type": "claim.published"},
        attempt_count=2,
        created_at=timezone.now(),
    )
    moment = timezone.now()
    WebhookAttempt.objects.create(
        delivery=row, number=1, attempted_at=moment, response_status=503, duration_ms=12
    )
    WebhookAttempt.objects.create(
        delivery=row,
        number=2,
        attempted_at=moment + datetime.timedelta(seconds=30),
        error="timed out after 10 s",
        duration_ms=10000,
    )
    return row, secret


def test_an_administrator_lists_keys_without_their_secret(client, users, key):
    created, token = key
    client.force_login(users[Role.ADMIN])
    html = client.get(KEYS_URL).content.decode()
    assert "website" in html
    assert created.prefix in html
    assert token not in html
    assert created.key_hash not in html
    page = client.get(reverse("admin:reviews_apikey_change", args=[created.pk]))
    assert page.status_code == 200
    detail = page.content.decode()
    assert created.prefix in detail
    assert token not in detail
    assert created.key_hash not in detail
    assert 'name="_save"' not in detail


def test_revoking_from_the_admin_calls_the_service_and_the_key_stops_working(client, users, key):
    created, token = key
    client.force_login(users[Role.ADMIN])
    response = client.post(
        KEYS_URL, {"action": "revoke_keys", "_selected_action": [str(created.pk)]}, follow=True
    )
    assert response.status_code == 200
    assert "1 key(s) revoked" in response.content.decode()
    assert ApiKey.objects.get(pk=created.pk).revoked_at is not None
    with pytest.raises(ApiKeyRefused, match=r"^invalid or revoked API key$"):
        actor_for_api_key(token=token)


def test_the_key_list_filters_active_and_revoked_keys(client, users, key):
    # Given one active key and one revoked key
    active, _ = key
    revoked, _ = api_key_create(
        actor=actor_for_user(user=users[Role.PUBLISHER]), name="old", scopes=["read"]
    )
    api_key_revoke(key_id=str(revoked.pk), actor=actor_for_user(user=users[Role.ADMIN]))
    client.force_login(users[Role.ADMIN])

    def listed(query: str) -> set[str]:
        page = client.get(f"{KEYS_URL}{query}")
        assert page.status_code == 200
        return {str(row.pk) for row in page.context["cl"].result_list}

    # When the list is filtered by state, then it holds the keys in that state only
    assert listed("?state=active") == {str(active.pk)}
    assert listed("?state=revoked") == {str(revoked.pk)}
    assert listed("") == {str(active.pk), str(revoked.pk)}


def test_keys_are_never_added_or_deleted_in_the_admin(client, users, key):
    created, _ = key
    client.force_login(users[Role.ADMIN])
    assert client.get(reverse("admin:reviews_apikey_add")).status_code == 403
    assert client.get(reverse("admin:reviews_apikey_delete", args=[created.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.REVIEWER, Role.EDITOR, Role.AUDITOR])
def test_only_administrators_see_the_api_pages(client, users, key, delivery, role):
    created, token = key
    client.force_login(users[role])
    for url in (
        KEYS_URL,
        reverse("admin:reviews_webhookendpoint_changelist"),
        reverse("admin:reviews_webhookdelivery_changelist"),
    ):
        assert client.get(url).status_code == 403
    before = ApiKey.objects.get(pk=created.pk).revoked_at
    client.post(KEYS_URL, {"action": "revoke_keys", "_selected_action": [str(created.pk)]})
    assert before is None
    assert ApiKey.objects.get(pk=created.pk).revoked_at is None
    assert actor_for_api_key(token=token) is not None


def test_webhook_endpoints_are_shown_without_their_signing_secret(client, users, delivery):
    row, secret = delivery
    client.force_login(users[Role.ADMIN])
    listing = client.get(reverse("admin:reviews_webhookendpoint_changelist")).content.decode()
    assert "https://hooks.example/ledger" in listing
    page = client.get(reverse("admin:reviews_webhookendpoint_change", args=[row.endpoint_id]))
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert secret not in listing


def test_a_delivery_page_shows_every_attempt(client, users, delivery):
    row, _ = delivery
    client.force_login(users[Role.ADMIN])
    html = client.get(reverse("admin:reviews_webhookdelivery_change", args=[row.pk])).content
    text = html.decode()
    assert "503" in text
    assert "timed out after 10 s" in text
    assert "10000" in text
    assert 'name="_save"' not in text
