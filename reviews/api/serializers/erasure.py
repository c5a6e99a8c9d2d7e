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


class SpanSerializer(serializers.Serializer[Any]):
    start = serializers.IntegerField(min_value=0, help_text="Character offset into the text.")
    end = serializers.IntegerField(min_value=1, help_text="End, exclusive.")


class SourceRedactSerializer(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=MAX_REASON_LENGTH, help_text="Recorded; no personal data."
    )
    text = serializers.CharField(
        required=False, trim_whitespace=False, help_text="Removed wherever it occurs."
    )
    spans = SpanSerializer(many=True, required=False, help_text="Or the spans to remove.")


class SourceRedactedSerializer(serializers.Serializer[Any]):
    source_id = serializers.UUIDField()
    spans = SpanSerializer(many=True, help_text="The spans filled, in order.")
    position = serializers.IntegerField(help_text="Its SourceRedacted event.")
    redactions = RedactionSerializer(
        many=True, help_text="The claim fields that copied a redacted span."
    )
