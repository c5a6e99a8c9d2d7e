"""Sources: submit an article (text, HTML, or JSON with metadata), list, and read one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.models import Source
from reviews.api.idempotency import idempotent
from reviews.api.pagination import CapturedCursorPagination
from reviews.api.parsers import LedgerJSONParser
from reviews.api.serializers.sources import (
    SourceDetailSerializer,
    SourceMetadataSerializer,
    SourceSubmitSerializer,
    SourceSubmittedSerializer,
    SourceSummarySerializer,
)
from reviews.api.views.base import COMMON_ERRORS, IDEMPOTENCY_KEY, INVALID, NOT_FOUND, LedgerAPIView
from reviews.models import ApiScope
from reviews.selectors import claims_visible, source_get_visible, sources_visible
from reviews.submissions import source_submit

RAW_MEDIA_TYPES = ("text/plain", "text/html")


class RawBodyParser(parsers.BaseParser):
    """A raw article body: ``text/plain`` or ``text/html`` (any charset parameter)."""

    media_type = "text/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return stream.read() if stream is not None else b""


class SourceListView(LedgerAPIView):
    serializer_class = SourceSummarySerializer
    pagination_class = CapturedCursorPagination
    parser_classes = [LedgerJSONParser, RawBodyParser]
    write_scope = ApiScope.SUBMIT

    def get_queryset(self) -> Any:
        return sources_visible(actor=self.actor).defer("text")

    @extend_schema(
        summary="Sources you may read, newest first",
        operation_id="sources_list",
        responses={200: SourceSummarySerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.page_response()

    @extend_schema(
        summary="Submit an article; its claims are extracted and recorded",
        operation_id="sources_create",
        request={
            "application/json": SourceSubmitSerializer,
            "text/plain": OpenApiTypes.STR,
            "text/html": OpenApiTypes.STR,
        },
        parameters=[IDEMPOTENCY_KEY, SourceMetadataSerializer],
        responses={
            201: OpenApiResponse(
                SourceSubmittedSerializer,
                description="Stored: a new source of the publisher, with the claims recorded "
                "from it. Another organisation's copy of the same bytes is not looked at.",
            ),
            200: OpenApiResponse(
                SourceSubmittedSerializer,
                description="The publisher already submitted these exact bytes: the stored "
                "source and its claims, created false; nothing was recorded.",
            ),
            **COMMON_ERRORS,
            **INVALID,
        },
    )
    @idempotent()
    def post(self, request: Request) -> Response:
        content, media_type, fields = self._submission(request)
        result = source_submit(
            actor=self.actor,
            content=content,
            media_type=media_type,
            metadata=self.metadata(),
            url=fields["url"],
            title=fields["title"],
            publisher=fields.get("publisher"),
            published_at=fields["published_at"] or None,
        )
        source = Source.objects.defer("content", "text").get(pk=result.source_id)
        data = SourceSubmittedSerializer(
            {
                "source": source,
                "created": result.created,
                "claims": result.claims,
                "skipped": result.skipped,
            }
        ).data
        return Response(
            data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            headers={"Location": f"/api/v1/sources/{source.pk}/"},
        )

    def _submission(self, request: Request) -> tuple[bytes, str | None, dict[str, Any]]:
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        serializer = SourceMetadataSerializer(data=request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        if media_type in RAW_MEDIA_TYPES:
            content = request.data if isinstance(request.data, bytes) else b""
            return content, media_type, dict(serializer.validated_data)
        json_serializer = SourceSubmitSerializer(data=request.data)
        json_serializer.is_valid(raise_exception=True)
        # Metadata in the body wins; query parameters fill in what the body leaves out.
        fields = dict(serializer.validated_data)
        fields.update({k: v for k, v in json_serializer.validated_data.items() if v})
        return fields["content"].encode("utf-8"), fields.get("media_type"), fields


class SourceDetailView(LedgerAPIView):
    serializer_class = SourceDetailSerializer

    @extend_schema(
        summary="A source: its metadata, stored text and the claims recorded from it",
        operation_id="sources_retrieve",
        responses={200: SourceDetailSerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, source_id: str) -> Response:
        source = source_get_visible(actor=self.actor, source_id=source_id)
        claim_ids = (
            claims_visible(actor=self.actor)
            .filter(source_id=source.pk)
            .order_by("recorded_at", "claim_id")
            .values_list("claim_id", flat=True)
        )
        data = SourceDetailSerializer(source, context={"claim_ids": list(claim_ids)}).data
        return Response(data)
