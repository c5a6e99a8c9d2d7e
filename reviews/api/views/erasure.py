"""Erasing a claim's text (a data-protection request): ``reviews.erasure.actor_may_erase_text``.

``POST /api/v1/claims/{id}/erase-text/`` redacts every field of every event that carries the
claim's sentence (``ledger.redaction.claim_text_erase``) and answers with what it touched; the
followers of the log then remove their copies (docs/adr/0007-redaction.md).
``POST /api/v1/sources/{id}/redact/`` fills text of a source snapshot
(``ledger.source_redaction.source_text_redact``) and answers with the spans and claim fields.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.source_redaction import SourceRedaction
from reviews.api.serializers.common import StrictInputSerializer
from reviews.api.serializers.erasure import (
    ClaimTextErasedSerializer,
    ClaimTextEraseSerializer,
    SourceRedactedSerializer,
    SourceRedactSerializer,
)
from reviews.api.views.base import COMMON_ERRORS, INVALID, NOT_FOUND, LedgerAPIView
from reviews.erasure import claim_erase_text, erasure_authorise, source_redact
from reviews.models import ApiScope


class _DataProtectionView(LedgerAPIView):
    """A data-protection request: the caller is authorised before the body is read (a 403 says
    nothing of it), the body checked by ``body_serializer``, the answer is what it touched."""

    write_scope = ApiScope.REVIEW
    body_serializer: type[StrictInputSerializer]

    def checked_body(self, request: Request) -> dict[str, Any]:
        erasure_authorise(actor=self.actor)
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def answer(self, result: object) -> Response:
        return Response(self.get_serializer_class()(result).data, status=status.HTTP_200_OK)


class ClaimTextEraseView(_DataProtectionView):
    serializer_class = ClaimTextErasedSerializer
    body_serializer = ClaimTextEraseSerializer

    @extend_schema(
        summary="Erase a claim's text from every event and copy (administrators, data protection)",
        operation_id="claims_erase_text",
        request=ClaimTextEraseSerializer,
        responses={200: ClaimTextErasedSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def post(self, request: Request, claim_id: str) -> Response:
        body = self.checked_body(request)
        return self.answer(
            claim_erase_text(
                actor=self.actor,
                claim_id=str(claim_id),
                reason=body["reason"],
                metadata=self.metadata(),
            )
        )


class SourceRedactView(_DataProtectionView):
    serializer_class = SourceRedactedSerializer
    body_serializer = SourceRedactSerializer

    @extend_schema(
        summary="Redact text from a source snapshot (administrators, data protection)",
        operation_id="sources_redact",
        request=SourceRedactSerializer,
        responses={200: SourceRedactedSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def post(self, request: Request, source_id: str) -> Response:
        body = self.checked_body(request)
        spans = body.get("spans")
        redaction = SourceRedaction(
            source_id=str(source_id),
            reason=body["reason"],
            text=body.get("text"),
            spans=None if spans is None else [(span["start"], span["end"]) for span in spans],
        )
        return self.answer(
            source_redact(actor=self.actor, redaction=redaction, metadata=self.metadata())
        )
