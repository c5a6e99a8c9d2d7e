"""Erasing a claim's text (a data-protection request): ``reviews.erasure.actor_may_erase_text``.

``POST /api/v1/claims/{id}/erase-text/`` redacts every field of every event that carries the
claim's sentence (``ledger.redaction.claim_text_erase``) and answers with what it touched; the
followers of the log then remove their copies (docs/adr/0007-redaction.md).
``POST /api/v1/sources/{id}/redact/`` fills text of a source snapshot
(``ledger.source_redaction.source_text_redact``) and answers with the spans and claim fields.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.serializers.erasure import (
    ClaimTextErasedSerializer,
    ClaimTextEraseSerializer,
    SourceRedactedSerializer,
    SourceRedactSerializer,
)
from reviews.api.views.base import COMMON_ERRORS, INVALID, NOT_FOUND, LedgerAPIView
from reviews.erasure import claim_erase_text, erasure_authorise, source_redact
from reviews.models import ApiScope


class ClaimTextEraseView(LedgerAPIView):
    serializer_class = ClaimTextErasedSerializer
    write_scope = ApiScope.REVIEW

    @extend_schema(
        summary="Erase a claim's text from every event and copy (administrators, data protection)",
        operation_id="claims_erase_text",
        request=ClaimTextEraseSerializer,
        responses={200: ClaimTextErasedSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def post(self, request: Request, claim_id: str) -> Response:
        erasure_authorise(actor=self.actor)  # before the body is read: a 403 says nothing of it
        body = ClaimTextEraseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = claim_erase_text(
            actor=self.actor,
            claim_id=str(claim_id),
            reason=body.validated_data["reason"],
            metadata=self.metadata(),
        )
        return Response(ClaimTextErasedSerializer(result).data, status=status.HTTP_200_OK)


class SourceRedactView(LedgerAPIView):
    serializer_class = SourceRedactedSerializer
    write_scope = ApiScope.REVIEW

    @extend_schema(
        summary="Redact text from a source snapshot (administrators, data protection)",
        operation_id="sources_redact",
        request=SourceRedactSerializer,
        responses={200: SourceRedactedSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def post(self, request: Request, source_id: str) -> Response:
        erasure_authorise(actor=self.actor)  # before the body is read: a 403 says nothing of it
        body = SourceRedactSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        spans = body.validated_data.get("spans")
        result = source_redact(
            actor=self.actor,
            source_id=str(source_id),
            reason=body.validated_data["reason"],
            text=body.validated_data.get("text"),
            spans=None if spans is None else [(span["start"], span["end"]) for span in spans],
            metadata=self.metadata(),
        )
        return Response(SourceRedactedSerializer(result).data, status=status.HTTP_200_OK)
