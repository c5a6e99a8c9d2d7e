"""Claim matches: a claim's group and pairs, and a decided pair."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class MatchPairSerializer(serializers.Serializer[Any]):
    pair_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["suggested", "matched", "rejected", "unmatched"])
    score = serializers.CharField(allow_null=True, help_text="Decimal string; null by hand.")
    reasons = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField(help_text="The pair's version: send it to decide.")
    other_claim_id = serializers.UUIDField()
    other_claim_text = serializers.CharField(
        allow_blank=True, help_text="Empty when the other claim is not yours to see."
    )
    note = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_blank=True)


class ClaimMatchesSerializer(serializers.Serializer[Any]):
    canonical_id = serializers.UUIDField(help_text="The group's canonical claim.")
    members = serializers.ListField(child=serializers.UUIDField())
    pairs = MatchPairSerializer(many=True)


class MatchDecidedSerializer(serializers.Serializer[Any]):
    pair_id = serializers.UUIDField()
    status = serializers.CharField()
    score = serializers.CharField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    claims = serializers.ListField(child=serializers.UUIDField())
    note = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_blank=True)
