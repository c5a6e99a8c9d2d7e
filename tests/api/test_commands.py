"""The key management commands: the token printed once, revocation by id or prefix."""

import io

import pytest
from django.core.management import CommandError, call_command

from reviews.models import ApiKey
from reviews.tokens import token_hash

pytestmark = pytest.mark.django_db


def test_create_api_key_prints_the_token_once_and_stores_its_hash(people):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key", "pat", "--name", "site", "--scopes", "read,submit", stdout=out, stderr=err
    )
    token = out.getvalue().splitlines()[1]
    key = ApiKey.objects.get()
    assert key.key_hash == token_hash(token)
    assert key.scopes == ["read", "submit"]
    assert "cannot be shown again" in err.getvalue()


def test_create_api_key_refuses_scopes_the_role_cannot_grant(people):
    with pytest.raises(CommandError, match="your role cannot grant the scope"):
        call_command("create_api_key", "audrey", "--name", "x", "--scopes", "submit")
    assert ApiKey.objects.count() == 0


def test_revoke_api_key_by_prefix(people):
    out = io.StringIO()
    call_command("create_api_key", "pat", "--name", "site", stdout=out, stderr=io.StringIO())
    key = ApiKey.objects.get()
    call_command("revoke_api_key", key.prefix, stdout=io.StringIO())
    assert ApiKey.objects.get().revoked_at is not None


def test_revoke_api_key_unknown(people):
    with pytest.raises(CommandError, match="no API key"):
        call_command("revoke_api_key", "clk_nothing")
