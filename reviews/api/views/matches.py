"""Claim matches over HTTP: a claim's group and match pairs; confirm, reject and unmatch.

Anyone who may see the claim reads its matches (the other claim's text only when the caller may
see that claim too: ``reviews.matching.selectors.match_pairs_visible``); editors and
administrators decide (``reviews.matching.services.match_decide`` authorises).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.exceptions import NotFound
from ledger.models import MatchView
from reviews.api.serializers.contradictions import FlagDecisionInputSerializer
from reviews.api.serializers.matches import (
    ClaimMatchesSerializer,
    MatchDecidedSerializer,
)
from reviews.api.views.base import (
    COMMON_ERRORS,
    NOT_FOUND,
    CommandView,
    LedgerAPIView,
    decision_views,
    etag,
)
from reviews.matching.selectors import match_group, match_pairs_visible
from reviews.matching.services import MatchDecision, match_decide
from reviews.selectors import claim_get_visible


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
                for pair in match_pairs_visible(actor=self.actor, claim_id=str(claim.claim_id))
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


class MatchDecisionView(CommandView):
    """Decide a pair at the version you read (If-Match or expected_version), with a note."""

    serializer_class = FlagDecisionInputSerializer
    response_serializer = MatchDecidedSerializer
    decision: MatchDecision

    def run(self, target: str, *, arguments: dict[str, Any], expected_version: int) -> Response:
        match_decide(
            actor=self.actor,
            pair_id=target,
            expected_version=expected_version,
            decision=self.decision,
            note=arguments["note"],
            metadata=self.metadata(),
        )
        row = MatchView.objects.filter(pk=target).first()
        if row is None:
            raise NotFound(f"no claim match {target}")
        return _pair_response(row)


DECISION_SUMMARIES = {
    MatchDecision.CONFIRM: "Confirm a suggested match: the two claims are one (note required)",
    MatchDecision.REJECT: "Reject a suggested match: two claims (note required; never "
    "suggested again)",
    MatchDecision.UNMATCH: "Take two matched claims apart again (note required)",
}
DECISION_VIEWS = decision_views(
    MatchDecisionView, DECISION_SUMMARIES, resource="Match", operations="matches"
)
