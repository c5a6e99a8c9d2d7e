"""API keys: hashed, shown once, revocable, scoped; unauthenticated calls answer 401."""

import hashlib
import logging

import pytest
from rest_framework.test import APIClient

from reviews.api.keys import api_key_create, api_key_revoke
from reviews.models import ApiKey
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db

PROTECTED_GETS = [
    "/api/v1/claims/",
    "/api/v1/sources/",
    "/api/v1/keys/",
    "/api/v1/webhooks/",
    "/api/v1/claims/00000000-0000-0000-0000-000000000001/",
    "/api/v1/claims/00000000-0000-0000-0000-000000000001/history/",
    "/api/v1/claims/00000000-0000-0000-0000-000000000001/claimreview/",
    "/api/v1/sources/00000000-0000-0000-0000-000000000001/",
    "/api/v1/webhooks/00000000-0000-0000-0000-000000000001/",
    "/api/v1/webhooks/00000000-0000-0000-0000-000000000001/deliveries/",
]
PROTECTED_POSTS = [
    "/api/v1/claims/",
    "/api/v1/sources/",
    "/api/v1/keys/",
    "/api/v1/webhooks/",
    "/api/v1/claims/00000000-0000-0000-0000-000000000001/approve/",
    "/api/v1/webhook-deliveries/00000000-0000-0000-0000-000000000001/redeliver/",
]


@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_every_read_without_credentials_answers_401(people, path):
    response = APIClient().get(path)
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'


@pytest.mark.parametrize("path", PROTECTED_POSTS)
def test_every_write_without_credentials_answers_401(people, path):
    response = APIClient().post(path, {}, format="json")
    assert_problem(response, 401, "not_authenticated")


def test_a_key_is_stored_only_as_its_sha256(people):
    # when
    key, token = api_key_create(user=people["pat"], name="site", scopes=["read"])

    # then
    stored = ApiKey.objects.get(pk=key.pk)
    assert token.startswith("clk_")
    assert len(token) > 40
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiKey.objects.values().get(pk=key.pk))
    assert stored.prefix == token[:12]
    assert stored.organisation_id == "daily-planet"


def test_a_valid_key_authenticates_and_records_its_use(people):
    key, token = api_key_create(user=people["pat"], name="site", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")

    response = client.get("/api/v1/claims/")

    assert response.status_code == 200
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_bearer_scheme_is_accepted_too(people):
    _, token = api_key_create(user=people["pat"], name="site", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get("/api/v1/claims/").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Api-Key clk_not-a-real-token", "Api-Key wrong-prefix", "Api-Key a b", "Api-Key "],
)
def test_an_unknown_or_malformed_key_answers_401_without_echoing_it(people, header, caplog):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/api/v1/claims/")
    body = assert_problem(response, 401, "authentication_failed")
    secret_part = header.partition(" ")[2].strip()
    if secret_part:
        assert secret_part not in str(body)
        assert secret_part not in caplog.text


def test_a_revoked_key_never_authenticates_again(people):
    key, token = api_key_create(user=people["pat"], name="site", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/claims/").status_code == 200

    api_key_revoke(key_id=str(key.pk), user=people["pat"])

    assert_problem(client.get("/api/v1/claims/"), 401, "authentication_failed")


def test_a_key_of_a_deactivated_user_is_refused(people):
    _, token = api_key_create(user=people["pat"], name="site", scopes=["read"])
    people["pat"].is_active = False
    people["pat"].save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert_problem(client.get("/api/v1/claims/"), 401)


@pytest.mark.parametrize(
    ("username", "scopes", "message"),
    [
        ("audrey", ["submit"], "your role cannot grant the scope(s): submit"),
        ("audrey", ["review"], "your role cannot grant the scope(s): review"),
        ("pat", ["review"], "your role cannot grant the scope(s): review"),
        ("rita", ["submit"], "your role cannot grant the scope(s): submit"),
        ("pat", ["write"], "unknown scope(s): write"),
        ("pat", [], "a key needs at least one scope"),
    ],
)
def test_a_key_cannot_hold_more_than_its_role_allows(people, username, scopes, message):
    from ledger.exceptions import InvalidCommand

    with pytest.raises(InvalidCommand, match=message.replace("(", r"\(").replace(")", r"\)")):
        api_key_create(user=people[username], name="k", scopes=scopes)
    assert ApiKey.objects.count() == 0


def test_a_read_only_key_cannot_write(client_for, people):
    # given
    client = client_for("pat", scopes=["read"])

    # when
    response = client.post("/api/v1/claims/", {"text": "The sky is green."}, format="json")

    # then
    body = assert_problem(response, 403, "permission_denied")
    assert "'submit'" in body["detail"]


def test_session_authentication_works_for_admin_users(people):
    client = APIClient()
    client.force_login(people["audrey"])
    assert client.get("/api/v1/claims/").status_code == 200


def test_keys_are_created_from_a_session_and_the_token_is_shown_once(people):
    # given
    client = APIClient()
    client.force_login(people["pat"])

    # when
    response = client.post(
        "/api/v1/keys/",
        {"name": "website", "scopes": ["read", "submit"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-key-1",
    )
    replay = client.post(
        "/api/v1/keys/",
        {"name": "website", "scopes": ["read", "submit"]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="create-key-1",
    )

    # then
    assert response.status_code == 201
    token = response.json()["token"]
    assert response.json()["scopes"] == ["read", "submit"]
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert "token" not in replay.json()
    assert replay.json()["id"] == response.json()["id"]
    assert ApiKey.objects.count() == 1
    listing = client.get("/api/v1/keys/").json()["results"]
    assert [item["name"] for item in listing] == ["website"]
    assert "token" not in listing[0]
    assert token not in str(listing)


def test_a_key_cannot_create_or_revoke_keys(client_for, people):
    client = client_for("ada")
    key = ApiKey.objects.get()

    assert_problem(
        client.post("/api/v1/keys/", {"name": "more", "scopes": ["read"]}, format="json"), 403
    )
    assert_problem(client.delete(f"/api/v1/keys/{key.pk}/"), 403)
    assert ApiKey.objects.count() == 1


def test_revoking_someone_elses_key_answers_404(people):
    key, _ = api_key_create(user=people["pat"], name="site", scopes=["read"])
    client = APIClient()
    client.force_login(people["gina"])

    assert_problem(client.delete(f"/api/v1/keys/{key.pk}/"), 404, "not_found")
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None


def test_revoking_ones_own_key_from_a_session(people):
    key, _ = api_key_create(user=people["pat"], name="site", scopes=["read"])
    client = APIClient()
    client.force_login(people["pat"])

    response = client.delete(f"/api/v1/keys/{key.pk}/")

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
