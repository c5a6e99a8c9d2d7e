"""Contradiction flags: the list, the detail with its explanation, and a decision's input."""

from __future__ import annotations

import builtins
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ledger.models import ClaimView, ContradictionView
from reviews.api.serializers.claims import ExpectedVersionSerializer, ProvenanceSerializer
from reviews.contradictions.detectors import UNKNOWN_CUE_KIND, cue_kind_label
from reviews.selectors import FlagPriority

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
