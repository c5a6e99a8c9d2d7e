"""Contradiction flags: list, detail (both claims with provenance), confirm and dismiss.

A flag is visible when both of its claims are (``selectors.flags_visible``). Reviewers (on
claims assigned to them), editors and administrators decide flags
(``services.contradiction_decide``, the admin's rule too); publishers and auditors only read.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.models import ContradictionView
from reviews.actors import Actor
from reviews.api.filters import ContradictionFilter
from reviews.api.pagination import LastChangeCursorPagination
from reviews.api.selectors import (
    flag_get_visible,
    flag_history,
    flag_sources,
    flags_visible,
)
from reviews.api.serializers.contradictions import (
    ContradictionFlagDetailSerializer,
    ContradictionFlagSerializer,
    FlagDecisionInputSerializer,
)
from reviews.api.views.base import (
    COMMON_ERRORS,
    INVALID,
    NOT_FOUND,
    UNCHANGED,
    CommandView,
    LedgerAPIView,
    decision_views,
    etag,
    filter_parameter,
    unchanged,
)
from reviews.contradictions.detectors import CUE_KIND_CHOICES
from reviews.selectors import flag_claims, flag_explain
from reviews.services import FlagDecision, contradiction_decide


def flag_detail_response(*, actor: Actor, flag: ContradictionView) -> Response:
    claims = flag_claims(flags=[flag])
    context = {
        "claims": claims,
        "sources": flag_sources(claims=claims.values()),
        "decisions": flag_history(actor=actor, flag=flag),
        "explanation": flag_explain(flag=flag, claims=claims),
    }
    data = ContradictionFlagDetailSerializer(flag, context=context).data
    return Response(data, headers={"ETag": etag(flag.version)})


class ContradictionListView(LedgerAPIView):
    """Flags whose two claims the caller may see, most recently changed first."""

    serializer_class = ContradictionFlagSerializer
    filterset_class = ContradictionFilter
    pagination_class = LastChangeCursorPagination

    def get_queryset(self) -> Any:
        return flags_visible(actor=self.actor)

    @extend_schema(
        summary="List contradiction flags",
        operation_id="contradictions_list",
        # As on the claim list, the filter set's other parameters are not described here yet.
        parameters=[
            filter_parameter(
                ContradictionFilter,
                "type",
                many=True,
                explode=True,
                enum=[kind for kind, _ in CUE_KIND_CHOICES],
            )
        ],
        responses={200: ContradictionFlagSerializer(many=True), **COMMON_ERRORS, **INVALID},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        context = {"claims": flag_claims(flags=page)}
        data = ContradictionFlagSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


class ContradictionDetailView(LedgerAPIView):
    """A flag with both claims (text, quote, provenance), its cues, every decision, and how
    today's detectors read the pair (``explanation``, what ``explain_pair`` prints).

    The version is the ETag; send it back as If-Match (or expected_version) to decide.
    """

    serializer_class = ContradictionFlagDetailSerializer

    @extend_schema(
        summary="A flag: both claims with quotes and provenance, score, cues, decisions and "
        "today's explanation",
        operation_id="contradictions_retrieve",
        responses={
            200: ContradictionFlagDetailSerializer,
            **UNCHANGED,
            **COMMON_ERRORS,
            **NOT_FOUND,
        },
    )
    def get(self, request: Request, pair_id: str) -> Any:
        flag = flag_get_visible(actor=self.actor, pair_id=pair_id)
        return unchanged(request, flag.version) or flag_detail_response(actor=self.actor, flag=flag)


class FlagDecisionView(CommandView):
    """Decide a flag at the version you read (If-Match or expected_version), with a note.

    Reviewers (on flags naming a claim assigned to them), editors and administrators.
    """

    serializer_class = FlagDecisionInputSerializer
    response_serializer = ContradictionFlagDetailSerializer
    decision: FlagDecision

    def target(self, object_id: str) -> ContradictionView:
        return flag_get_visible(actor=self.actor, pair_id=object_id)

    def run(
        self, target: ContradictionView, *, arguments: dict[str, Any], expected_version: int
    ) -> Response:
        contradiction_decide(
            actor=self.actor,
            pair_id=str(target.pair_id),
            expected_version=expected_version,
            decision=self.decision,
            note=arguments["note"],
            metadata=self.metadata(),
        )
        decided = flag_get_visible(actor=self.actor, pair_id=target.pair_id)
        return flag_detail_response(actor=self.actor, flag=decided)


DECISION_SUMMARIES = {
    FlagDecision.CONFIRM: "Confirm a flag: the two claims cannot both be true (note required)",
    FlagDecision.DISMISS: "Dismiss a flag: not a contradiction (note required; this detector "
    "version will not flag the pair again)",
}
DECISION_VIEWS = decision_views(
    FlagDecisionView, DECISION_SUMMARIES, resource="Contradiction", operations="contradictions"
)
