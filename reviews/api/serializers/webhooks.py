"""Webhook endpoints (the secret shown once), their deliveries and every attempt."""

from __future__ import annotations

from rest_framework import serializers

from reviews.api.serializers.common import StrictInputSerializer
from reviews.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)


class WebhookEndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices)
    )
    organisation = serializers.CharField(source="organisation_id")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "event_types",
            "description",
            "organisation",
            "is_active",
            "created_at",
        ]


class WebhookEndpointCreateSerializer(StrictInputSerializer):
    url = serializers.CharField(max_length=2000, help_text="An http(s) URL.")
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEventType.choices),
        min_length=1,
        max_length=len(WebhookEventType.values),
    )
    description = serializers.CharField(max_length=200, required=False, default="")


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(
        required=False,
        help_text="HMAC-SHA256 signing secret, shown only in the first response (a replayed "
        "request leaves it out); verify Webhook-Signature with it.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookAttemptSerializer(serializers.ModelSerializer[WebhookAttempt]):
    class Meta:
        model = WebhookAttempt
        fields = WebhookAttempt.SHOWN_FIELDS


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    attempts = WebhookAttemptSerializer(many=True)
    payload = serializers.DictField(child=serializers.JSONField())
    endpoint = serializers.UUIDField(source="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = [*WebhookDelivery.SHOWN_FIELDS, "attempts"]
