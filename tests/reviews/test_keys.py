"""The API-key services authorise their actor themselves: a key never creates or revokes keys,
and only a signed-in user gets one (the API's answers: tests/api/test_authentication.py)."""

import dataclasses

import pytest

from reviews.actors import ANONYMOUS
from reviews.exceptions import PermissionDenied
from reviews.keys import api_key_create, api_key_revoke
from reviews.models import ApiKey
from reviews.roles import Role

pytestmark = pytest.mark.django_db


def test_a_signed_in_user_creates_a_key_acting_as_them(actors, users):
    key, token = api_key_create(actor=actors[Role.PUBLISHER], name="site", scopes=["read"])

    stored = ApiKey.objects.get()
    assert (stored.pk, stored.user_id, stored.organisation_id) == (
        key.pk,
        users[Role.PUBLISHER].pk,
        actors[Role.PUBLISHER].organisation,
    )
    assert token.startswith(stored.prefix)


def test_an_actor_acting_through_a_key_creates_none(actors):
    key, _ = api_key_create(actor=actors[Role.PUBLISHER], name="site", scopes=["read"])
    through_the_key = dataclasses.replace(
        actors[Role.PUBLISHER], key_scopes=frozenset({"read"}), api_key_id=str(key.pk)
    )

    with pytest.raises(PermissionDenied, match="from a login session"):
        api_key_create(actor=through_the_key, name="more", scopes=["read"])

    assert list(ApiKey.objects.values_list("pk", flat=True)) == [key.pk]


def test_nobody_signed_in_creates_no_key(db):
    with pytest.raises(PermissionDenied, match="sign in"):
        api_key_create(actor=ANONYMOUS, name="site", scopes=["read"])

    assert not ApiKey.objects.exists()


def test_an_actor_acting_through_a_key_revokes_none(actors):
    key, _ = api_key_create(actor=actors[Role.PUBLISHER], name="site", scopes=["read"])
    through_the_key = dataclasses.replace(actors[Role.PUBLISHER], api_key_id=str(key.pk))

    with pytest.raises(PermissionDenied, match="from a login session"):
        api_key_revoke(key_id=str(key.pk), actor=through_the_key)

    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
