"""API keys: the key as listed, what creating one takes and returns (its token once)."""

from __future__ import annotations

from rest_framework import serializers

from reviews.api.serializers.common import StrictInputSerializer
from reviews.models import (
    ApiKey,
    ApiScope,
)


class ApiKeySerializer(serializers.ModelSerializer[ApiKey]):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiScope.choices))
    organisation = serializers.CharField(source="organisation_id", allow_null=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "organisation",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]


class ApiKeyCreateSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), min_length=1, max_length=3
    )


class ApiKeyCreatedSerializer(ApiKeySerializer):
    token = serializers.CharField(
        required=False,
        help_text="Shown only in the first response; a replayed request returns the key "
        "without it (revoke it and create another if the first response was lost).",
    )

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "token"]
