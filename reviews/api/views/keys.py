"""API keys of the calling user: list, create (token shown once), revoke.

Creating and revoking need a logged-in session (the admin): a key cannot mint or revoke keys,
so a leaked read-only key cannot grow its own powers. The services (``reviews.keys``) decide.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.idempotency import idempotent
from reviews.api.pagination import CreatedCursorPagination
from reviews.api.serializers.keys import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeySerializer,
)
from reviews.api.views.base import COMMON_ERRORS, IDEMPOTENCY_KEY, INVALID, NOT_FOUND, LedgerAPIView
from reviews.keys import api_key_check_creator, api_key_create, api_key_revoke
from reviews.models import ApiKey, ApiScope


class ApiKeyListView(LedgerAPIView):
    serializer_class = ApiKeySerializer
    pagination_class = CreatedCursorPagination
    write_scope = ApiScope.READ

    def get_queryset(self) -> Any:
        return ApiKey.objects.filter(user=self.request.user)  # type: ignore[misc]

    @extend_schema(
        summary="Your API keys",
        operation_id="keys_list",
        responses={200: ApiKeySerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.page_response()

    @extend_schema(
        summary="Create an API key (its token is shown once, in this response)",
        operation_id="keys_create",
        request=ApiKeyCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ApiKeyCreatedSerializer, **COMMON_ERRORS, **INVALID},
    )
    @idempotent(never_stored=("token",))  # a replay returns the key without its token
    def post(self, request: Request) -> Response:
        # A caller the service would refuse is told so before their body is read (403, not 400).
        api_key_check_creator(actor=self.actor)
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, token = api_key_create(
            actor=self.actor,
            name=serializer.validated_data["name"],
            scopes=serializer.validated_data["scopes"],
        )
        data = dict(ApiKeySerializer(key).data)
        data["token"] = token
        return Response(data, status=status.HTTP_201_CREATED)


class ApiKeyDetailView(LedgerAPIView):
    serializer_class = ApiKeySerializer
    write_scope = ApiScope.READ

    @extend_schema(
        summary="Revoke an API key (it never authenticates again)",
        operation_id="keys_revoke",
        responses={200: ApiKeySerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def delete(self, request: Request, key_id: str) -> Response:
        key = api_key_revoke(key_id=key_id, actor=self.actor)
        return Response(ApiKeySerializer(key).data)
