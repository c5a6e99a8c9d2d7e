"""Claim matches over HTTP: a claim's group and match pairs; confirm, reject and unmatch.

Serializers and views of this one resource live here, apart from ``serializers.py`` and
``views/``. Anyone who may see the claim reads its matches (the other claim's text only when
the caller may see that claim too); editors and administrators decide
(``reviews.matching.services.match_decide`` authorises).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.exceptions import NotFound
from ledger.models import ClaimView, MatchView
from reviews.actors import Actor
from reviews.api.idempotency import idempotent_post
from reviews.api.serializers import FlagDecisionInputSerializer
from reviews.api.views.base import (
    COMMON_ERRORS,
    CONFLICT,
    IDEMPOTENCY_KEY,
    IF_MATCH,
    INVALID,
    NOT_FOUND,
    LedgerAPIView,
    etag,
    expected_version,
)
from reviews.matching.selectors import MatchPair, match_group, match_pair_list
from reviews.matching.services import MatchDecision, match_decide
from reviews.models import ApiScope
from reviews.selectors import claim_get_visible


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


def _visible_pairs(*, actor: Actor, claim_id: str) -> list[MatchPair]:
    """The claim's pairs; the other claim's text is withheld from a publisher outside it."""
    pairs = match_pair_list(claim_id=claim_id)
    if actor.reads_everything:
        return pairs
    publisher_of = {
        str(pk): publisher
        for pk, publisher in ClaimView.objects.filter(
            pk__in=[pair.other_claim_id for pair in pairs]
        ).values_list("pk", "publisher")
    }
    return [
        pair
        if actor.organisation and publisher_of.get(pair.other_claim_id) == actor.organisation
        else dataclasses.replace(pair, other_claim_text="")
        for pair in pairs
    ]


class ClaimMatchesView(LedgerAPIView):
    serializer_class = ClaimMatchesSerializer

    @extend_schema(
        summary="A claim's match group and the pairs naming it (suggested, matched, ...)",
        operation_id="claims_matches",
        responses={200: ClaimMatchesSerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, claim_id: str) -> Response:
        claim = claim_get_visible(actor=self.actor, claim_id=claim_id)
        group = match_group(claim_id=str(claim.claim_id))
        data = {
            "canonical_id": group.canonical_id,
            "members": group.members,
            "pairs": [
                dataclasses.asdict(pair)
                for pair in _visible_pairs(actor=self.actor, claim_id=str(claim.claim_id))
            ],
        }
        return Response(ClaimMatchesSerializer(data).data)


def _pair_response(row: MatchView) -> Response:
    data = {
        "pair_id": row.pair_id,
        "status": row.status,
        "score": str(row.score) if row.score is not None else None,
        "reasons": row.reasons,
        "version": row.version,
        "claims": [row.claim_a, row.claim_b],
        "note": row.note,
        "decided_by": row.decided_by,
    }
    return Response(MatchDecidedSerializer(data).data, headers={"ETag": etag(row.version)})


class MatchDecidedSerializer(serializers.Serializer[Any]):
    pair_id = serializers.UUIDField()
    status = serializers.CharField()
    score = serializers.CharField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    claims = serializers.ListField(child=serializers.UUIDField())
    note = serializers.CharField(allow_blank=True)
    decided_by = serializers.CharField(allow_blank=True)


def decision_view(*, decision: MatchDecision, summary: str) -> type[LedgerAPIView]:
    class MatchDecisionView(LedgerAPIView):
        """Decide a pair at the version you read (If-Match or expected_version), with a note."""

        write_scope = ApiScope.REVIEW
        serializer_class = FlagDecisionInputSerializer

        @extend_schema(
            summary=summary,
            operation_id=f"matches_{decision.value}",
            request=FlagDecisionInputSerializer,
            parameters=[IF_MATCH, IDEMPOTENCY_KEY],
            responses={
                200: MatchDecidedSerializer,
                **COMMON_ERRORS,
                **INVALID,
                **NOT_FOUND,
                **CONFLICT,
            },
        )
        def post(self, request: Request, pair_id: str) -> Response:
            def handle(store_key: str | None) -> Response:
                serializer = FlagDecisionInputSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = serializer.validated_data
                match_decide(
                    actor=self.actor,
                    pair_id=str(pair_id),
                    expected_version=expected_version(request, data.get("expected_version")),
                    decision=decision,
                    note=data["note"],
                    metadata=self.metadata(),
                )
                row = MatchView.objects.filter(pk=pair_id).first()
                if row is None:
                    raise NotFound(f"no claim match {pair_id}")
                return _pair_response(row)

            return idempotent_post(request, handle)

    MatchDecisionView.__name__ = MatchDecisionView.__qualname__ = (
        f"Match{decision.value.title()}View"
    )
    return MatchDecisionView


MatchConfirmView = decision_view(
    decision=MatchDecision.CONFIRM,
    summary="Confirm a suggested match: the two claims are one (note required)",
)
MatchRejectView = decision_view(
    decision=MatchDecision.REJECT,
    summary="Reject a suggested match: two claims (note required; never suggested again)",
)
MatchUnmatchView = decision_view(
    decision=MatchDecision.UNMATCH,
    summary="Take two matched claims apart again (note required)",
)
