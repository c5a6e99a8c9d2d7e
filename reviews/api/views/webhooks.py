"""Webhook endpoints of the caller's organisation, and their deliveries with every attempt.

Publishers manage their own organisation's endpoints; auditors and administrators read all of
them (``reviews.webhooks.selectors``). The services authorise every change
(``reviews.webhooks.endpoints``). The signing secret is shown once, when an endpoint is
registered.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.idempotency import idempotent
from reviews.api.pagination import CreatedCursorPagination
from reviews.api.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
)
from reviews.api.views.base import COMMON_ERRORS, IDEMPOTENCY_KEY, INVALID, NOT_FOUND, LedgerAPIView
from reviews.models import ApiScope, WebhookDelivery
from reviews.webhooks.delivery import webhook_delivery_redeliver
from reviews.webhooks.endpoints import (
    webhook_endpoint_deactivate,
    webhook_endpoint_register,
    webhooks_managed_organisation,
)
from reviews.webhooks.selectors import (
    deliveries_with_attempts,
    endpoint_visible,
    endpoints_visible,
)


class WebhookEndpointListView(LedgerAPIView):
    serializer_class = WebhookEndpointSerializer
    pagination_class = CreatedCursorPagination
    write_scope = ApiScope.SUBMIT

    def get_queryset(self) -> Any:
        return endpoints_visible(actor=self.actor)

    @extend_schema(
        summary="Webhook endpoints",
        operation_id="webhooks_list",
        responses={200: WebhookEndpointSerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.page_response()

    @extend_schema(
        summary="Register a webhook endpoint (its signing secret is shown once)",
        operation_id="webhooks_create",
        request=WebhookEndpointCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: WebhookEndpointCreatedSerializer, **COMMON_ERRORS, **INVALID},
    )
    @idempotent(never_stored=("secret",))
    def post(self, request: Request) -> Response:
        # A caller the service would refuse is told so before their body is read (403, not 400).
        webhooks_managed_organisation(actor=self.actor)
        serializer = WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = webhook_endpoint_register(
            actor=self.actor,
            url=serializer.validated_data["url"],
            event_types=serializer.validated_data["event_types"],
            description=serializer.validated_data["description"],
        )
        data = dict(WebhookEndpointSerializer(endpoint).data)
        data["secret"] = secret
        return Response(
            data,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/webhooks/{endpoint.pk}/"},
        )


class WebhookEndpointDetailView(LedgerAPIView):
    serializer_class = WebhookEndpointSerializer
    write_scope = ApiScope.SUBMIT

    @extend_schema(
        summary="A webhook endpoint",
        operation_id="webhooks_retrieve",
        responses={200: WebhookEndpointSerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = endpoint_visible(actor=self.actor, endpoint_id=endpoint_id)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="Deactivate a webhook endpoint (its deliveries stay readable)",
        operation_id="webhooks_deactivate",
        responses={200: WebhookEndpointSerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def delete(self, request: Request, endpoint_id: str) -> Response:
        endpoint = webhook_endpoint_deactivate(actor=self.actor, endpoint_id=endpoint_id)
        return Response(WebhookEndpointSerializer(endpoint).data)


class WebhookDeliveryListView(LedgerAPIView):
    serializer_class = WebhookDeliverySerializer
    pagination_class = CreatedCursorPagination

    def get_queryset(self) -> Any:
        endpoint = endpoint_visible(actor=self.actor, endpoint_id=self.kwargs["endpoint_id"])
        return deliveries_with_attempts(WebhookDelivery.objects.filter(endpoint=endpoint))

    @extend_schema(
        summary="An endpoint's deliveries, newest first, with every attempt",
        operation_id="webhooks_deliveries",
        responses={200: WebhookDeliverySerializer(many=True), **COMMON_ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        return self.page_response()


class WebhookRedeliverView(LedgerAPIView):
    serializer_class = WebhookDeliverySerializer
    write_scope = ApiScope.SUBMIT

    @extend_schema(
        summary="Send a succeeded or failed delivery again",
        operation_id="webhooks_redeliver",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={202: WebhookDeliverySerializer, **COMMON_ERRORS, **NOT_FOUND, **INVALID},
    )
    @idempotent()
    def post(self, request: Request, delivery_id: str) -> Response:
        delivery = webhook_delivery_redeliver(actor=self.actor, delivery_id=delivery_id)
        delivery = deliveries_with_attempts(WebhookDelivery.objects.filter(pk=delivery.pk)).get()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
