"""Sources: submitted as JSON or raw text, their summary and detail, what ingest recorded."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ledger.models import Source
from reviews.api.serializers.common import StrictInputSerializer


class SourceSummarySerializer(serializers.ModelSerializer[Source]):
    class Meta:
        model = Source
        fields = [
            "id",
            "sha256",
            "media_type",
            "url",
            "title",
            "publisher",
            "published_at",
            "captured_at",
        ]


class SourceDetailSerializer(SourceSummarySerializer):
    text = serializers.CharField(help_text="The decoded text that claim selectors index into.")
    claim_ids = serializers.SerializerMethodField()

    class Meta(SourceSummarySerializer.Meta):
        fields = [*SourceSummarySerializer.Meta.fields, "text", "claim_ids"]

    def get_claim_ids(self, source: Source) -> list[str]:
        return [str(claim_id) for claim_id in self.context.get("claim_ids", [])]


class SourceSubmitSerializer(StrictInputSerializer):
    """A source as JSON; or send the raw text/html body with these as query parameters."""

    content = serializers.CharField(trim_whitespace=False, help_text="The article, as text.")
    media_type = serializers.ChoiceField(
        choices=[("text/plain", "text/plain"), ("text/html", "text/html")],
        required=False,
        help_text="text/plain or text/html; guessed from the content when left out.",
    )
    url = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    title = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    published_at = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="ISO 8601."
    )
    publisher = serializers.SlugField(
        required=False, help_text="Editors only: the organisation the source belongs to."
    )


class SourceMetadataSerializer(SourceSubmitSerializer):
    """The metadata of a raw text/plain or text/html body, as query parameters."""

    content = None  # type: ignore[assignment]
    media_type = None  # type: ignore[assignment]
    refuse_unknown_fields = False  # other query parameters are ignored, as in any URL


class IngestedClaimSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="claim_id")
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    check_worthiness = serializers.DictField(child=serializers.JSONField())
    entities = serializers.ListField(child=serializers.CharField())


class SkippedSentenceSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    reason = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)


class SourceSubmittedSerializer(serializers.Serializer[Any]):
    source = SourceSummarySerializer()  # type: ignore[assignment]
    created = serializers.BooleanField(
        help_text="False when your organisation already submitted these exact bytes: nothing new "
        "was recorded."
    )
    claims = IngestedClaimSerializer(many=True)
    skipped = SkippedSentenceSerializer(many=True)
