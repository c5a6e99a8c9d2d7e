"""Input validation and output shapes of the API. No business logic: services decide."""

from __future__ import annotations

import builtins
import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.models import Checkpoint, ClaimView, ContradictionView, Source
from ledger.services import MAX_CLAIM_LENGTH
from reviews.contradictions.detectors import UNKNOWN_CUE_KIND, cue_kind_label
from reviews.models import (
    ApiKey,
    ApiScope,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEventType,
)
from reviews.selectors import FlagPriority

# --- Strict input ---------------------------------------------------------------------------


def _expected_type(field: serializers.Field[Any, Any, Any, Any]) -> tuple[type, ...] | None:
    if isinstance(field, serializers.ChoiceField):
        kinds = {type(choice) for choice in field.choices}
        return tuple(kinds) if kinds else None
    if isinstance(field, serializers.CharField | serializers.UUIDField):
        return (str,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.ListField):
        return (list,)
    if isinstance(field, serializers.Serializer):
        return (dict,)
    return None


class StrictInputSerializer(serializers.Serializer[dict[str, Any]]):
    """Refuses values of the wrong JSON type instead of coercing them (0 is not "0", "3" not 3).

    What the schema says is what is accepted: DRF would otherwise turn numbers into strings and
    numeric strings into numbers.
    """

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField):
                # Whitespace-only text is a domain error (422, "cannot be empty"), not a
                # schema violation: the services strip and check it.
                field.trim_whitespace = False
        return fields

    # A body's unknown fields are refused: a misspelt field ("sourceId") would otherwise be
    # dropped silently and the request half-done. Query parameters set this to False.
    refuse_unknown_fields = True

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            errors: dict[str, list[str]] = {}
            if self.refuse_unknown_fields:
                known = ", ".join(sorted(self.fields)) or "no fields"
                for name in sorted(set(data) - set(self.fields), key=str):
                    errors[str(name)[:100]] = [f"unknown field; this request takes: {known}"]
            for name, field in self.fields.items():
                if field.read_only or name not in data or data[name] is None:
                    continue
                expected = _expected_type(field)
                value = data[name]
                if expected is None:
                    continue
                wrong = not isinstance(value, expected) or (
                    isinstance(value, bool) and bool not in expected
                )
                if wrong:
                    names = " or ".join(_JSON_NAMES.get(kind, kind.__name__) for kind in expected)
                    errors[name] = [f"must be a JSON {names}"]
            if errors:
                raise serializers.ValidationError(errors)
        return dict(super().to_internal_value(data))


_JSON_NAMES = {str: "string", int: "integer", list: "array", dict: "object"}


# --- Claims ---------------------------------------------------------------------------------


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
        schema; ``tests/api/test_serializers.py`` holds this method byte for byte to the generic
        ``ModelSerializer.to_representation``, so a field added above must be added here too.
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


# --- API keys -------------------------------------------------------------------------------


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


# --- Webhooks -------------------------------------------------------------------------------


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
        fields = ["number", "outcome", "attempted_at", "response_status", "error", "duration_ms"]


class WebhookDeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    attempts = WebhookAttemptSerializer(many=True)
    payload = serializers.DictField(child=serializers.JSONField())
    endpoint = serializers.UUIDField(source="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_type",
            "event_position",
            "claim_id",
            "status",
            "attempt_count",
            "next_attempt_at",
            "created_at",
            "delivered_at",
            "payload",
            "attempts",
        ]


# --- Contradiction flags -------------------------------------------------------------------


FLAG_STATUSES = [("open", "open"), ("confirmed", "confirmed"), ("dismissed", "dismissed")]
FLAG_PRIORITIES = [(priority.value, priority.value) for priority in FlagPriority]


class FlagClaimSerializer(serializers.Serializer[Any]):
    """One of a flag's two claims, as the flag list shows it."""

    id = serializers.UUIDField(source="claim_id")
    url = serializers.SerializerMethodField()
    text = serializers.CharField()
    status = serializers.CharField()
    publisher = serializers.CharField(allow_blank=True)

    def get_url(self, claim: ClaimView) -> str:
        return f"/api/v1/claims/{claim.claim_id}/"


class FlagClaimDetailSerializer(FlagClaimSerializer):
    """One of a flag's claims with its quote and where it comes from."""

    version = serializers.IntegerField()
    provenance = serializers.SerializerMethodField()

    @extend_schema_field(ProvenanceSerializer)
    def get_provenance(self, claim: ClaimView) -> dict[str, Any]:
        sources = self.context.get("sources", {})
        source = sources.get(str(claim.source_id)) if claim.source_id else None
        return dict(ProvenanceSerializer({"source": source, "selector": claim.selector}).data)


class ContradictionFlagSerializer(serializers.ModelSerializer[ContradictionView]):
    id = serializers.UUIDField(source="pair_id")
    url = serializers.SerializerMethodField()
    score = serializers.DecimalField(
        max_digits=4, decimal_places=3, coerce_to_string=True, help_text="0 to 1, as a string."
    )
    cues = serializers.ListField(child=serializers.CharField())
    type = serializers.SerializerMethodField(
        help_text="The strongest cue's detector (numeric, stance, ...); unknown for flags "
        "recorded before types were."
    )
    type_label = serializers.SerializerMethodField(help_text="The type in words for people.")
    status = serializers.ChoiceField(choices=FLAG_STATUSES)
    priority = serializers.ChoiceField(
        choices=FLAG_PRIORITIES,
        read_only=True,
        help_text="low when neither claim is check-worthy, derived when read (a promotion "
        "raises it).",
    )
    claims = serializers.SerializerMethodField()

    class Meta:
        model = ContradictionView
        fields = [
            "id",
            "url",
            "status",
            "priority",
            "score",
            "type",
            "type_label",
            "cues",
            "detector_version",
            "claims",
            "version",
            "flagged_at",
            "updated_at",
        ]

    # builtins.type: the class's own ``type`` field would shadow it here
    claim_serializer: builtins.type[FlagClaimSerializer] = FlagClaimSerializer

    def get_url(self, flag: ContradictionView) -> str:
        return f"/api/v1/contradictions/{flag.pair_id}/"

    def get_type(self, flag: ContradictionView) -> str:
        return flag.cue_kind or UNKNOWN_CUE_KIND

    def get_type_label(self, flag: ContradictionView) -> str:
        return cue_kind_label(flag.cue_kind)

    @extend_schema_field(FlagClaimSerializer(many=True))
    def get_claims(self, flag: ContradictionView) -> list[dict[str, Any]]:
        """Both claims, from the rows the view fetched for the whole page at once."""
        claims = self.context["claims"]
        found = [claims[str(claim_id)] for claim_id in (flag.claim_a, flag.claim_b)]
        return list(self.claim_serializer(found, many=True, context=self.context).data)


class FlagDecisionSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(
        choices=[
            ("ContradictionFlagged", "ContradictionFlagged"),
            ("ContradictionConfirmed", "ContradictionConfirmed"),
            ("ContradictionDismissed", "ContradictionDismissed"),
        ]
    )
    note = serializers.CharField(allow_blank=True)
    actor = serializers.CharField(
        allow_blank=True, help_text="Who acted; a person's name is withheld from publishers."
    )
    position = serializers.IntegerField()
    version = serializers.IntegerField()
    recorded_at = serializers.DateTimeField()


class ExplanationSubjectSerializer(serializers.Serializer[Any]):
    """What the two claims were aligned on."""

    entities = serializers.ListField(
        child=serializers.CharField(),
        source="shared_entities",
        help_text="The entities both claims name, aliases resolved (Tehran is Iran).",
    )
    shared_words = serializers.ListField(
        child=serializers.CharField(), help_text="The content words both claims use (lemmas)."
    )


class ExplanationClaimSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(
        choices=[("A", "A"), ("B", "B")],
        help_text="A is the flag's first claim (claims[0]), B its second, as in the cues.",
    )
    predicates = serializers.ListField(
        child=serializers.CharField(),
        help_text="Each predicate with its doer and what it is done to: "
        "“hired (Volta Motors → workers)”.",
    )
    times = serializers.ListField(
        child=serializers.CharField(), help_text="The dates the claim gives, as written."
    )


class DetectorVerdictSerializer(serializers.Serializer[Any]):
    detector = serializers.CharField(
        help_text="The contradiction type: negation, opposite-predicate, swapped-relation, "
        "antonymy, numeric, date, stance, refutation or quantifier."
    )
    fired = serializers.BooleanField()
    reason = serializers.CharField(
        help_text="The cue text when it fired; otherwise why it did not."
    )


class FlagExplanationSerializer(serializers.Serializer[Any]):
    """The contradiction check of the flag's two claims run now: what ``explain_pair`` prints."""

    detector_version = serializers.CharField(
        help_text="The detectors that computed this explanation now; the flag's own "
        "detector_version, score and cues are from when it was flagged."
    )
    contradiction = serializers.BooleanField(
        source="score.contradiction", help_text="Whether today's detectors would flag the pair."
    )
    score = serializers.CharField(source="score.score_decimal", help_text="0 to 1, as a string.")
    threshold = serializers.CharField(
        source="score.threshold", help_text="The score from which a pair is flagged, as a string."
    )
    subject = ExplanationSubjectSerializer(source="*")
    claims = serializers.SerializerMethodField()
    detectors = DetectorVerdictSerializer(
        many=True, source="verdicts", help_text="Every type detector's verdict, in a fixed order."
    )
    lines = serializers.ListField(
        child=serializers.CharField(),
        help_text="The same explanation as text, line for line what explain_pair prints.",
    )

    @extend_schema_field(ExplanationClaimSerializer(many=True))
    def get_claims(self, explanation: Any) -> list[dict[str, Any]]:
        rows = [
            {"role": role, "predicates": predicates, "times": times}
            for role, predicates, times in zip(
                ("A", "B"), explanation.predicates, explanation.times, strict=True
            )
        ]
        return list(ExplanationClaimSerializer(rows, many=True).data)


class ContradictionFlagDetailSerializer(ContradictionFlagSerializer):
    claim_serializer = FlagClaimDetailSerializer
    note = serializers.CharField(allow_blank=True, help_text="The last decision's note.")
    decisions = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField(
        help_text="How today's detectors read the two claims (null when either claim is no "
        "longer in the claim list)."
    )

    class Meta(ContradictionFlagSerializer.Meta):
        fields = [*ContradictionFlagSerializer.Meta.fields, "note", "decisions", "explanation"]

    @extend_schema_field(FlagClaimDetailSerializer(many=True))
    def get_claims(self, flag: ContradictionView) -> list[dict[str, Any]]:
        return super().get_claims(flag)

    @extend_schema_field(FlagDecisionSerializer(many=True))
    def get_decisions(self, flag: ContradictionView) -> list[dict[str, Any]]:
        return list(FlagDecisionSerializer(self.context["decisions"], many=True).data)

    @extend_schema_field(FlagExplanationSerializer(allow_null=True))
    def get_explanation(self, flag: ContradictionView) -> dict[str, Any] | None:
        explanation = self.context["explanation"]
        return None if explanation is None else dict(FlagExplanationSerializer(explanation).data)


class FlagDecisionInputSerializer(ExpectedVersionSerializer):
    note = serializers.CharField(
        max_length=2000, help_text="Why: required (empty: 400; whitespace alone: 422)."
    )


# --- Point in time, checkpoints ---------------------------------------------------------------


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


# --- Problems (documentation only) ----------------------------------------------------------


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    """RFC 9457 problem details, as every error answers."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    instance = serializers.CharField(required=False)  # type: ignore[assignment]
    errors = serializers.JSONField(required=False)  # type: ignore[assignment]
    current_version = serializers.IntegerField(required=False)
    expected_version = serializers.IntegerField(required=False)


# --- Sources --------------------------------------------------------------------------------


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
