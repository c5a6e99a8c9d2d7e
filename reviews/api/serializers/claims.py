"""Claims: list and detail shapes (written out by hand for speed), input, history."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.models import ClaimView
from ledger.services import MAX_CLAIM_LENGTH
from reviews.api.serializers.common import StrictInputSerializer
from reviews.api.serializers.sources import SourceSummarySerializer


class VerdictSerializer(serializers.Serializer[dict[str, Any]]):
    rating = serializers.IntegerField()
    rating_name = serializers.CharField()
    explanation = serializers.CharField(allow_blank=True)


class SelectorSerializer(StrictInputSerializer):
    """W3C Web Annotation selectors into the source's stored text (``end`` exclusive)."""

    exact = serializers.CharField(trim_whitespace=False)
    prefix = serializers.CharField(allow_blank=True, trim_whitespace=False)
    suffix = serializers.CharField(allow_blank=True, trim_whitespace=False)
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)


class ClaimSerializer(serializers.ModelSerializer[ClaimView]):
    id = serializers.UUIDField(source="claim_id")
    verdict = VerdictSerializer(allow_null=True)
    flagged = serializers.SerializerMethodField()
    source_id = serializers.UUIDField(allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimView
        fields = [
            "id",
            "url",
            "text",
            "status",
            "version",
            "publisher",
            "source_id",
            "assignee",
            "verdict",
            "flagged",
            "open_flag_count",
            "check_worthiness",
            "check_worthy",
            "entities",
            "recorded_at",
            "updated_at",
        ]

    def get_flagged(self, claim: ClaimView) -> bool:
        return claim.open_flag_count > 0

    def get_url(self, claim: ClaimView) -> str:
        return f"/api/v1/claims/{claim.claim_id}/"

    @functools.cached_property
    def _zone(self) -> datetime.tzinfo:
        """The zone timestamps are written in: the current one, looked up once per response."""
        return timezone.get_current_timezone()

    def to_representation(self, instance: ClaimView) -> dict[str, Any]:
        """The fields above, in their order and with DRF's conversions, written out by hand.

        The claim list serializes up to 200 claims per request, and DRF's generic path (for
        every field of every claim: a bound field, an attribute walk, a conversion, and for
        each timestamp the current time zone looked up again) was a third of the request's
        time (docs/performance.md, section 4b). The declared fields stay the contract and the
        schema; ``tests/api/serializers/test_claims.py`` holds this method byte for byte to the
        generic ``ModelSerializer.to_representation``, so a field added above must be added here
        too.
        Preconditions: ``USE_TZ`` on and DRF's default ISO 8601 ``DATETIME_FORMAT``.
        """
        zone = self._zone
        return {
            "id": str(instance.claim_id),
            "url": self.get_url(instance),
            "text": str(instance.text),
            "status": str(instance.status),
            "version": int(instance.version),
            "publisher": str(instance.publisher),
            "source_id": None if instance.source_id is None else str(instance.source_id),
            "assignee": str(instance.assignee),
            "verdict": _verdict_representation(instance.verdict),
            "flagged": self.get_flagged(instance),
            "open_flag_count": int(instance.open_flag_count),
            "check_worthiness": instance.check_worthiness,
            "check_worthy": bool(instance.check_worthy),
            "entities": instance.entities,
            "recorded_at": _timestamp_representation(instance.recorded_at, zone),
            "updated_at": _timestamp_representation(instance.updated_at, zone),
        }


# VerdictSerializer's fields and their conversions, for ClaimSerializer.to_representation.
_VERDICT_CONVERSIONS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("rating", int),
    ("rating_name", str),
    ("explanation", str),
)


def _verdict_representation(verdict: dict[str, Any] | None) -> dict[str, Any] | None:
    """What ``VerdictSerializer(allow_null=True)`` gives for a stored verdict."""
    if verdict is None:
        return None
    return {
        name: None if verdict[name] is None else convert(verdict[name])
        for name, convert in _VERDICT_CONVERSIONS
    }


def _timestamp_representation(value: datetime.datetime, zone: datetime.tzinfo) -> str:
    """What DRF's ``DateTimeField`` gives for an aware time: ISO 8601 in ``zone``, UTC as Z."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ProvenanceSerializer(serializers.Serializer[dict[str, Any]]):
    source = SourceSummarySerializer(allow_null=True)  # type: ignore[assignment]
    selector = SelectorSerializer(allow_null=True)


class ClaimDetailSerializer(ClaimSerializer):
    provenance = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "provenance"]

    @extend_schema_field(ProvenanceSerializer)
    def get_provenance(self, claim: ClaimView) -> dict[str, Any]:
        source = self.context.get("source")
        return dict(ProvenanceSerializer({"source": source, "selector": claim.selector}).data)

    def to_representation(self, instance: ClaimView) -> dict[str, Any]:
        return {**super().to_representation(instance), "provenance": self.get_provenance(instance)}


class ClaimCreateSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=MAX_CLAIM_LENGTH)
    source_id = serializers.UUIDField(required=False)
    selector = SelectorSerializer(required=False)
    publisher = serializers.SlugField(
        required=False, help_text="Editors only: the organisation the claim belongs to."
    )


class EventSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    version = serializers.IntegerField()
    type = serializers.CharField()
    data = serializers.SerializerMethodField()  # type: ignore[assignment]
    metadata = serializers.DictField(child=serializers.JSONField())
    recorded_at = serializers.DateTimeField()
    hash = serializers.CharField()

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_data(self, recorded: Any) -> dict[str, Any]:
        return dict(recorded.event.to_data())


class ClaimHistorySerializer(serializers.Serializer[Any]):
    claim_id = serializers.UUIDField()
    version = serializers.IntegerField()
    scope = serializers.ChoiceField(
        choices=[("full", "full"), ("public", "public")],
        help_text="full: every event with its metadata (staff, and the claim's own "
        "organisation). public: only ClaimRecorded, the published ClaimVerdictSet, "
        "ClaimPublished and ClaimRetracted, with people's names withheld.",
    )
    events = EventSerializer(many=True)


class ExpectedVersionSerializer(StrictInputSerializer):
    expected_version = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The version you read; or send it as If-Match.",
    )
