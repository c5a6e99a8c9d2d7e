"""Claims: list, submit, detail (ETag), history, ClaimReview JSON-LD, and workflow actions."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.http import HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.claims import ClaimState, ClaimStatus
from ledger.events import Metadata
from ledger.exceptions import NotFound
from ledger.models import ClaimView
from ledger.services import claim_record, claim_revise
from reviews.api.claimreview import claimreview_document
from reviews.api.filters import ClaimFilter
from reviews.api.idempotency import idempotent_post
from reviews.api.pagination import LastChangeCursorPagination
from reviews.api.principals import Principal
from reviews.api.selectors import (
    claim_get_visible,
    claim_history,
    claim_owned_by_caller,
    claim_published_event,
    claims_visible,
    source_for_provenance,
    sources_visible,
)
from reviews.api.serializers import (
    ClaimCreateSerializer,
    ClaimDetailSerializer,
    ClaimHistorySerializer,
    ClaimReviseSerializer,
    ClaimSerializer,
)
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
    problem,
)
from reviews.models import ApiScope
from reviews.roles import Role
from reviews.tasks_webhooks import kick_webhooks_after_commit

SUBMITTING_ROLES = frozenset({Role.PUBLISHER, Role.EDITOR, Role.ADMIN})


def claim_detail_response(
    *,
    claim: ClaimView,
    status_code: int = status.HTTP_200_OK,
    headers: dict[str, str] | None = None,
) -> Response:
    source = source_for_provenance(source_id=claim.source_id)
    data = ClaimDetailSerializer(claim, context={"source": source}).data
    all_headers = {"ETag": etag(claim.version), **(headers or {})}
    return Response(data, status=status_code, headers=all_headers)


def _publisher_for_new_claim(principal: Principal, requested: str | None) -> str:
    if principal.has_role(Role.EDITOR, Role.ADMIN):
        return requested or principal.organisation or ""
    if not principal.organisation:
        raise exceptions.PermissionDenied("submitting needs membership of a publisher organisation")
    if requested and requested != principal.organisation:
        raise exceptions.PermissionDenied("publishers submit for their own organisation only")
    return principal.organisation


class ClaimListView(LedgerAPIView):
    """Claims visible to the caller, most recently changed first."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = LastChangeCursorPagination
    write_scope = ApiScope.SUBMIT

    def get_queryset(self) -> Any:
        return claims_visible(principal=self.principal)

    @extend_schema(
        summary="List claims",
        operation_id="claims_list",
        responses={200: ClaimSerializer(many=True), **COMMON_ERRORS, **INVALID},
    )
    def get(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Submit a claim",
        operation_id="claims_create",
        request=ClaimCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ClaimDetailSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    def post(self, request: Request) -> Response:
        def handle(store_key: str | None) -> Response:
            principal = self.principal
            if not principal.has_role(*SUBMITTING_ROLES):
                raise exceptions.PermissionDenied("your role cannot submit claims")
            serializer = ClaimCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            publisher = _publisher_for_new_claim(principal, data.get("publisher"))
            source_id = str(data["source_id"]) if data.get("source_id") else None
            if (
                source_id is not None
                and not sources_visible(principal=principal).filter(pk=source_id).exists()
            ):
                raise NotFound(f"no source {source_id}")
            state = claim_record(
                text=data["text"],
                metadata=self.metadata(),
                source_id=source_id,
                selector=data.get("selector"),
                publisher=publisher,
                idempotency_key=store_key,
            )
            kick_webhooks_after_commit()
            claim = ClaimView.objects.get(claim_id=state.claim_id)
            return claim_detail_response(
                claim=claim,
                status_code=status.HTTP_201_CREATED,
                headers={"Location": f"/api/v1/claims/{claim.claim_id}/"},
            )

        return idempotent_post(request, handle)


class ClaimDetailView(LedgerAPIView):
    serializer_class = ClaimDetailSerializer

    @extend_schema(
        summary="A claim: current state, version (ETag) and provenance",
        operation_id="claims_retrieve",
        responses={
            200: ClaimDetailSerializer,
            304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match."),
            **COMMON_ERRORS,
            **NOT_FOUND,
        },
    )
    def get(self, request: Request, claim_id: str) -> Any:
        claim = claim_get_visible(principal=self.principal, claim_id=claim_id)
        if request.headers.get("If-None-Match") == etag(claim.version):
            return HttpResponseNotModified(headers={"ETag": etag(claim.version)})
        return claim_detail_response(claim=claim)


class ClaimHistoryView(LedgerAPIView):
    serializer_class = ClaimHistorySerializer

    @extend_schema(
        summary="A claim's full event history, oldest first",
        operation_id="claims_history",
        responses={200: ClaimHistorySerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, claim_id: str) -> Response:
        claim = claim_get_visible(principal=self.principal, claim_id=claim_id)
        events = claim_history(claim_id=str(claim.claim_id))
        data = ClaimHistorySerializer(
            {"claim_id": claim.claim_id, "version": claim.version, "events": events}
        ).data
        return Response(data, headers={"ETag": etag(claim.version)})


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"


class ClaimReviewView(LedgerAPIView):
    renderer_classes = [JSONLDRenderer, JSONRenderer]
    serializer_class = None

    @extend_schema(
        summary="A published claim's review as schema.org ClaimReview JSON-LD",
        operation_id="claims_claimreview",
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (410, "application/problem+json"): problem("The review was retracted."),
            **COMMON_ERRORS,
            **NOT_FOUND,
        },
    )
    def get(self, request: Request, claim_id: str) -> Response:
        claim = claim_get_visible(principal=self.principal, claim_id=claim_id)
        if claim.status == ClaimStatus.RETRACTED:
            raise ClaimReviewRetracted()
        published = claim_published_event(claim_id=str(claim.claim_id))
        if claim.status != ClaimStatus.PUBLISHED or published is None:
            raise NotFound(f"claim {claim.claim_id} has no published review")
        document = claimreview_document(
            claim=claim,
            source=source_for_provenance(source_id=claim.source_id),
            published=published,
            fallback_url=request.build_absolute_uri(f"/api/v1/claims/{claim.claim_id}/"),
        )
        return Response(document, headers={"ETag": etag(claim.version)})


class ClaimReviewRetracted(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "this claim's review was retracted"
    default_code = "retracted"


# --- Workflow actions ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ActionCall:
    principal: Principal
    claim: ClaimView
    expected_version: int
    data: dict[str, Any]
    metadata: Metadata
    idempotency_key: str | None


@dataclasses.dataclass(frozen=True)
class ClaimAction:
    """One workflow command: who may run it, its input, and the service it calls."""

    name: str
    summary: str
    serializer: type[serializers.Serializer[Any]]
    roles: frozenset[Role]
    run: Callable[[ActionCall], ClaimState]
    publishers_on_own_claims: bool = False


def _run_revise(call: ActionCall) -> ClaimState:
    return claim_revise(
        claim_id=str(call.claim.claim_id),
        expected_version=call.expected_version,
        text=call.data["text"],
        reason=call.data["reason"],
        metadata=call.metadata,
    )


ACTIONS: list[ClaimAction] = [
    ClaimAction(
        name="revise",
        summary="Change a claim's wording (its provenance keeps the original quote)",
        serializer=ClaimReviseSerializer,
        roles=frozenset({Role.EDITOR, Role.ADMIN}),
        run=_run_revise,
        publishers_on_own_claims=True,
    ),
]


def _check_allowed(action: ClaimAction, principal: Principal, claim: ClaimView) -> None:
    if principal.has_role(*action.roles):
        return
    if (
        action.publishers_on_own_claims
        and principal.has_role(Role.PUBLISHER)
        and claim_owned_by_caller(principal=principal, claim=claim)
    ):
        return
    raise exceptions.PermissionDenied(f"your role cannot {action.name.replace('_', ' ')} claims")


def action_view(action: ClaimAction) -> type[LedgerAPIView]:
    """A view for one action, so the schema documents each action's own input."""

    class ClaimActionView(LedgerAPIView):
        write_scope = ApiScope.REVIEW if not action.publishers_on_own_claims else ApiScope.SUBMIT
        serializer_class = action.serializer

        @extend_schema(
            summary=action.summary,
            operation_id=f"claims_{action.name}",
            request=action.serializer,
            parameters=[IF_MATCH, IDEMPOTENCY_KEY],
            responses={
                200: ClaimDetailSerializer,
                **COMMON_ERRORS,
                **INVALID,
                **NOT_FOUND,
                **CONFLICT,
            },
        )
        def post(self, request: Request, claim_id: str) -> Response:
            def handle(store_key: str | None) -> Response:
                principal = self.principal
                claim = claim_get_visible(principal=principal, claim_id=claim_id)
                _check_allowed(action, principal, claim)
                serializer = action.serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                data = dict(serializer.validated_data)
                version = expected_version(request, data.pop("expected_version", None))
                action.run(
                    ActionCall(
                        principal=principal,
                        claim=claim,
                        expected_version=version,
                        data=data,
                        metadata=self.metadata(),
                        idempotency_key=store_key,
                    )
                )
                kick_webhooks_after_commit()
                return claim_detail_response(claim=ClaimView.objects.get(pk=claim.claim_id))

            return idempotent_post(request, handle)

    ClaimActionView.__name__ = f"Claim{action.name.title().replace('_', '')}View"
    ClaimActionView.__qualname__ = ClaimActionView.__name__
    return ClaimActionView
