"""Erasing a claim's text: the request and what it touched."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ledger.redaction import MAX_REASON_LENGTH
from reviews.api.serializers.common import StrictInputSerializer


class ClaimTextEraseSerializer(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=MAX_REASON_LENGTH, help_text="Recorded; no personal data."
    )


class RedactionSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(help_text="The redacted event.")
    field = serializers.CharField(help_text="The dotted path of the text removed.")
    redaction_position = serializers.IntegerField(help_text="Its DataRedacted event.")


class ClaimTextErasedSerializer(serializers.Serializer[Any]):
    claim_id = serializers.UUIDField()
    redactions = RedactionSerializer(many=True)
