"""Erasing a claim's text (a data-protection request): administrators only.

``POST /api/v1/claims/{id}/erase-text/`` redacts every field of every event that carries the
claim's sentence (``ledger.redaction.claim_text_erase``) and answers with what it touched; the
followers of the log then remove their copies (docs/adr/exports-02-redaction.md).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.redaction import MAX_REASON_LENGTH, claim_text_erase
from reviews.api.serializers import StrictInputSerializer
from reviews.api.views.base import COMMON_ERRORS, INVALID, NOT_FOUND, LedgerAPIView
from reviews.models import ApiScope
from reviews.roles import Role


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


class ClaimTextEraseView(LedgerAPIView):
    serializer_class = ClaimTextErasedSerializer
    write_scope = ApiScope.REVIEW

    @extend_schema(
        summary="Erase a claim's text from every event and copy of it (administrators)",
        operation_id="claims_erase_text",
        request=ClaimTextEraseSerializer,
        responses={200: ClaimTextErasedSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def post(self, request: Request, claim_id: str) -> Response:
        if not self.actor.has_role(Role.ADMIN):
            raise exceptions.PermissionDenied("only administrators erase claim text")
        body = ClaimTextEraseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = claim_text_erase(
            claim_id=str(claim_id), reason=body.validated_data["reason"], metadata=self.metadata()
        )
        return Response(ClaimTextErasedSerializer(result).data, status=status.HTTP_200_OK)
