"""API keys: hashed, shown once, revocable, scoped; unauthenticated calls answer 401."""

import hashlib
import logging

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from reviews.actor_reads import actor_for_api_key, actor_for_user
from reviews.keys import api_key_create, api_key_revoke
from reviews.models import ApiKey, Membership
from reviews.roles import Role
from tests.api.conftest import OTHER, OWN, assert_problem, event_count

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
    key, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"]
    )

    # then
    stored = ApiKey.objects.get(pk=key.pk)
    assert token.startswith("clk_")
    assert len(token) > 40
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiKey.objects.values().get(pk=key.pk))
    assert stored.prefix == token[:12]
    assert stored.organisation_id == "daily-planet"


def test_a_valid_key_authenticates_and_records_its_use(people):
    key, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")

    response = client.get("/api/v1/claims/")

    assert response.status_code == 200
    assert ApiKey.objects.get(pk=key.pk).last_used_at is not None


def test_bearer_scheme_is_accepted_too(people):
    _, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"]
    )
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
    key, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    assert client.get("/api/v1/claims/").status_code == 200

    api_key_revoke(key_id=str(key.pk), actor=actor_for_user(user=people["pat"]))

    assert_problem(client.get("/api/v1/claims/"), 401, "authentication_failed")


def test_a_key_of_a_deactivated_user_is_refused(people):
    _, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"]
    )
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
        api_key_create(actor=actor_for_user(user=people[username]), name="k", scopes=scopes)
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
    key, _ = api_key_create(actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"])
    client = APIClient()
    client.force_login(people["gina"])

    assert_problem(client.delete(f"/api/v1/keys/{key.pk}/"), 404, "not_found")
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None


def test_revoking_ones_own_key_from_a_session(people):
    key, _ = api_key_create(actor=actor_for_user(user=people["pat"]), name="site", scopes=["read"])
    client = APIClient()
    client.force_login(people["pat"])

    response = client.delete(f"/api/v1/keys/{key.pk}/")

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None


# --- A key acts as its user as they are now (issue 17.3) -----------------------------------------


def _move_to_the_other_organisation(user):
    Membership.objects.filter(user=user).update(organisation_id=OTHER)


def _remove_the_publisher_role(user):
    user.groups.remove(Group.objects.get(name=Role.PUBLISHER))


def _remove_the_membership(user):
    Membership.objects.filter(user=user).delete()


def _deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


USER_CHANGES = {
    "moved to another organisation": (
        _move_to_the_other_organisation,
        "this API key's user no longer belongs to the organisation the key was created in",
    ),
    "lost the publisher role": (
        _remove_the_publisher_role,
        "this API key's user no longer holds a role that grants its scopes",
    ),
    "lost the membership": (
        _remove_the_membership,
        "this API key's user no longer belongs to the organisation the key was created in",
    ),
    "deactivated": (_deactivate, "invalid or revoked API key"),
}


def _submit(client):
    return client.post(
        "/api/v1/claims/", {"text": "Iran signed the treaty in 1994."}, format="json"
    )


def _read_pending(client, claim_id):
    return client.get(f"/api/v1/claims/{claim_id}/")


@pytest.mark.parametrize("change", USER_CHANGES, ids=list(USER_CHANGES))
@pytest.mark.parametrize("call", ["read", "submit"])
def test_a_key_stops_working_once_its_user_changed(people, claim_in, client_for, change, call):
    # given a publisher's key that reads its organisation's pending claim and can submit
    pending = claim_in()
    client = client_for("pat")
    assert _read_pending(client, pending.claim_id).status_code == 200
    assert _submit(client).status_code == 201
    make_change, message = USER_CHANGES[change]

    # when the user changes, and the key is used on the very next request
    make_change(people["pat"])
    before = event_count()
    response = _read_pending(client, pending.claim_id) if call == "read" else _submit(client)

    # then the key is refused, and nothing is appended
    body = assert_problem(response, 401, "authentication_failed")
    assert body["detail"] == message
    assert event_count() == before


def test_a_moved_publishers_key_works_again_once_they_are_back(people, claim_in, client_for):
    # given a key whose user moved away, so it was refused
    pending = claim_in()
    client = client_for("pat")
    _move_to_the_other_organisation(people["pat"])
    assert _read_pending(client, pending.claim_id).status_code == 401

    # when the user is moved back into the key's organisation
    Membership.objects.filter(user=people["pat"]).update(organisation_id=OWN)

    # then the key acts in it again
    assert _read_pending(client, pending.claim_id).status_code == 200


def test_a_key_keeps_only_the_scopes_its_users_roles_still_grant(people, claim_in, client_for):
    # given an editor's key holding read, submit and review, who is then made a reviewer
    client = client_for("ed")
    people["ed"].groups.set([Group.objects.get(name=Role.REVIEWER)])
    pending = claim_in()
    before = event_count()

    # when the key reads and submits
    read = _read_pending(client, pending.claim_id)
    submitted = _submit(client)

    # then it still reads (a reviewer may) but no longer submits (a reviewer's role cannot)
    assert read.status_code == 200
    body = assert_problem(submitted, 403, "permission_denied")
    assert body["detail"] == "this API key does not have the 'submit' scope this call needs"
    assert event_count() == before


def test_a_key_reads_its_user_as_they_are_in_one_query(people, django_assert_num_queries):
    # given a publisher's key used once already (so its use is recorded), whose user holds a
    # second group besides their role (one row per group comes back)
    people["pat"].groups.add(Group.objects.get_or_create(name="newsletter")[0])
    _, token = api_key_create(
        actor=actor_for_user(user=people["pat"]), name="site", scopes=["read", "submit"]
    )
    actor_for_api_key(token=token)

    # when it authenticates again / then key, user, organisation and roles come in one query
    with django_assert_num_queries(1):
        user, actor = actor_for_api_key(token=token)
    assert user.get_username() == "pat"
    assert (actor.username, actor.organisation) == ("pat", OWN)
    assert actor.roles == {Role.PUBLISHER}
    assert actor.key_scopes == frozenset({"read", "submit"})
    assert actor.api_via.startswith("api-key:clk_")


def test_a_session_user_is_read_in_one_query(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        actor = actor_for_user(user=people["pat"])
    assert (actor.username, actor.organisation) == ("pat", OWN)
    assert actor.roles == frozenset({Role.PUBLISHER})
    assert actor.key_scopes is None
    assert actor.has_scope("review")
