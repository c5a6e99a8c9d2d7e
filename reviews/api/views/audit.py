"""For auditors: the ledger exported as a stream, a claim as it stood at a point, checkpoints.

Exports and checkpoints are for auditors and administrators (403 for everyone else). A claim's
past states are for whoever sees its full history (staff, and its own organisation).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.exports import ExportFormat, ledger_export
from ledger.history import claim_as_of
from reviews.api.pagination import PositionCursorPagination
from reviews.api.selectors import AUDIT_ROLES, checkpoints_all, claim_past_states_visible
from reviews.api.serializers.audit import (
    CheckpointSerializer,
    ClaimAsOfQuerySerializer,
    ClaimAsOfSerializer,
    ExportQuerySerializer,
)
from reviews.api.views.base import (
    COMMON_ERRORS,
    INVALID,
    NOT_FOUND,
    LedgerAPIView,
    query_parameters,
)
from reviews.selectors import claim_get_visible

EXPORT_MEDIA_TYPES = {
    ExportFormat.JSONL: "application/x-ndjson; charset=utf-8",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}


class _FormatIsAParameter(DefaultContentNegotiation):
    """``format`` here names the export format, not a renderer (DRF's URL_FORMAT_OVERRIDE).

    The export streams its own content type; errors are problem JSON whatever was asked.
    """

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)


def _require_auditor(view: LedgerAPIView) -> None:
    if not view.actor.has_role(*AUDIT_ROLES):
        raise exceptions.PermissionDenied("only auditors and administrators export the ledger")


class LedgerExportView(LedgerAPIView):
    """The ledger's events as a stream (constant memory): auditors and administrators only.

    Arguments are checked before the first byte, so a bad request is a problem response;
    ``since`` and ``claim`` exports start with a header line that makes them verifiable alone.
    """

    content_negotiation_class = _FormatIsAParameter
    serializer_class = None

    @extend_schema(
        summary="Export the ledger (JSONL: canonical and verifiable offline; CSV: for people)",
        operation_id="exports_ledger",
        parameters=[ExportQuerySerializer],
        responses={
            (200, "application/x-ndjson"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="One canonical JSON event per line (a header line first for "
                "since/claim exports); check it with ledger/verify_export.py.",
            ),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR, description="One row per event with a summary."
            ),
            **COMMON_ERRORS,
            **INVALID,
            **NOT_FOUND,
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        _require_auditor(self)
        query = ExportQuerySerializer(data=query_parameters(request))
        query.is_valid(raise_exception=True)
        options = query.validated_data
        claim = options.get("claim")
        # Validates now (problem responses before the first byte), streams afterwards.
        chunks = ledger_export(
            export_format=options["format"],
            since=options.get("since"),
            claim_id=str(claim) if claim is not None else None,
            as_of=options.get("as_of"),
        )
        export_format = ExportFormat(options["format"])
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in chunks),
            content_type=EXPORT_MEDIA_TYPES[export_format],
        )
        response["Content-Disposition"] = f'attachment; filename="ledger.{export_format.value}"'
        response["Cache-Control"] = "no-store"
        return response


class ClaimAsOfView(LedgerAPIView):
    """A claim's state after a position (``position``) or at a time (``at``); exactly one.

    For staff and the claim's own organisation; another organisation's publisher gets 403.
    """

    serializer_class = ClaimAsOfSerializer

    @extend_schema(
        summary="A claim as it stood after a position, or at a time, folded from its events",
        operation_id="claims_as_of",
        parameters=[ClaimAsOfQuerySerializer],
        responses={200: ClaimAsOfSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def get(self, request: Request, claim_id: str) -> Response:
        claim = claim_get_visible(actor=self.actor, claim_id=claim_id)
        if not claim_past_states_visible(actor=self.actor, claim=claim):
            raise exceptions.PermissionDenied(
                "the past states of another organisation's claim are not public; "
                "its history shows the public part"
            )
        query = ClaimAsOfQuerySerializer(data=query_parameters(request))
        query.is_valid(raise_exception=True)
        state = claim_as_of(
            claim_id=str(claim.claim_id),
            position=query.validated_data.get("position"),
            at=query.validated_data.get("at"),
        )
        return Response(ClaimAsOfSerializer(state).data)


class CheckpointListView(LedgerAPIView):
    """The ledger's recorded heads, newest first: hold them outside the system."""

    serializer_class = CheckpointSerializer
    pagination_class = PositionCursorPagination

    def get_queryset(self) -> Any:
        return checkpoints_all()

    @extend_schema(
        summary="Checkpoints (position and hash of the ledger's head), newest first",
        operation_id="checkpoints_list",
        responses={200: CheckpointSerializer(many=True), **COMMON_ERRORS, **INVALID},
    )
    def get(self, request: Request) -> Response:
        _require_auditor(self)
        return self.page_response()
