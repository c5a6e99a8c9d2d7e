"""API-key authentication: ``Authorization: Api-Key <token>`` (``Bearer <token>`` also works)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from reviews.actor_reads import actor_for_api_key, actor_for_user
from reviews.actors import Actor
from reviews.exceptions import ApiKeyRefused

SCHEMES = ("api-key", "bearer")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates a request by its API key. The token never appears in errors or logs.

    ``request.auth`` is the key's Actor: its user's roles and organisation as they are now.
    """

    def authenticate(self, request: Request) -> tuple[Any, Actor] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in SCHEMES:
            return None
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed("malformed Authorization header")
        try:
            return actor_for_api_key(token=token)
        except ApiKeyRefused as error:
            raise exceptions.AuthenticationFailed(error.message) from None

    def authenticate_header(self, request: Request) -> str:
        return 'Api-Key realm="api"'


def actor_from_request(request: Any) -> Actor:
    """The caller: the key's actor (built when the key authenticated), or the session user's,
    built once per request and kept on the request."""
    if isinstance(request.auth, Actor):
        return request.auth
    cached = getattr(request, "_ledger_actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    actor = actor_for_user(user=request.user)
    request._ledger_actor = actor
    return actor


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "reviews.api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <token>`: a key created with `manage.py create_api_key` "
            "or `POST /api/v1/keys/`; the token is shown once.",
        }
