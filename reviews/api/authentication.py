"""API-key authentication: ``Authorization: Api-Key <token>`` (``Bearer <token>`` also works)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from reviews.api.keys import ApiKeyRefused, api_key_authenticate
from reviews.api.principals import Principal

SCHEMES = ("api-key", "bearer")


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates a request by its API key. The token never appears in errors or logs.

    ``request.auth`` is the key's Principal: its user's roles and organisation as they are now.
    """

    def authenticate(self, request: Request) -> tuple[Any, Principal] | None:
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
            principal = api_key_authenticate(token=token)
        except ApiKeyRefused as error:
            raise exceptions.AuthenticationFailed(error.message) from None
        assert principal.api_key is not None  # a key's principal always names its key
        return principal.api_key.user, principal

    def authenticate_header(self, request: Request) -> str:
        return 'Api-Key realm="api"'


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
