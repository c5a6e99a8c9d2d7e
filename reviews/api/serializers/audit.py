"""Audit: a claim as of a point in time, export parameters, checkpoints."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ledger.models import Checkpoint
from reviews.api.serializers.claims import SelectorSerializer, VerdictSerializer


class ClaimAsOfQuerySerializer(serializers.Serializer[Any]):
    """Exactly one of the two (neither or both: 422, as ``claim_as_of`` decides)."""

    position = serializers.IntegerField(
        min_value=1, required=False, help_text="The claim as it stood after this position."
    )
    at = serializers.DateTimeField(
        required=False, help_text="The claim as it stood at this time (ISO 8601; no zone: UTC)."
    )


class ClaimAsOfSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="claim_id")
    text = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    publisher = serializers.CharField(allow_blank=True)
    source_id = serializers.UUIDField(allow_null=True)
    assignee = serializers.CharField(allow_blank=True)
    verdict = VerdictSerializer(allow_null=True)
    selector = SelectorSerializer(allow_null=True)
    check_worthiness = serializers.DictField(child=serializers.JSONField())
    entities = serializers.ListField(child=serializers.CharField())
    recorded_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_position = serializers.IntegerField(
        help_text="The position of the claim's last event at that point."
    )


class ExportQuerySerializer(serializers.Serializer[Any]):
    format = serializers.ChoiceField(
        choices=[("jsonl", "jsonl"), ("csv", "csv")],
        default="jsonl",
        help_text="jsonl: canonical, verifiable with ledger/verify_export.py; csv: for people.",
    )
    since = serializers.IntegerField(
        min_value=0, required=False, help_text="Only events after this position."
    )
    claim = serializers.UUIDField(
        required=False, help_text="One claim's history with the flags naming it."
    )
    as_of = serializers.DateTimeField(
        required=False, help_text="The ledger as it stood at this time (ISO 8601; no zone: UTC)."
    )


class CheckpointSerializer(serializers.ModelSerializer[Checkpoint]):
    class Meta:
        model = Checkpoint
        fields = ["position", "hash", "recorded_at"]
