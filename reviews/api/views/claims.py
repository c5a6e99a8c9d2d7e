"""Claims: list, submit, detail (ETag), history, ClaimReview JSON-LD, and workflow actions."""

from __future__ import annotations

import dataclasses
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.claims import STATE_FIELDS, ClaimState, ClaimStatus
from ledger.exceptions import NotFound
from ledger.models import ClaimView
from reviews.actors import Actor
from reviews.api.filters import (
    CHECK_WORTHY_CHOICES,
    CHECK_WORTHY_DEFAULT,
    IN_CHECKED_GROUP_CHOICES,
    ClaimFilter,
)
from reviews.api.idempotency import idempotent
from reviews.api.pagination import LastChangeCursorPagination
from reviews.api.selectors import (
    claim_history_visible,
    source_for_provenance,
)
from reviews.api.serializers.claims import (
    ClaimCreateSerializer,
    ClaimDetailSerializer,
    ClaimHistorySerializer,
    ClaimSerializer,
    ExpectedVersionSerializer,
)
from reviews.api.views.base import (
    COMMON_ERRORS,
    IDEMPOTENCY_KEY,
    INVALID,
    NOT_FOUND,
    UNCHANGED,
    CommandView,
    LedgerAPIView,
    command_view,
    etag,
    filter_parameter,
    problem,
    unchanged,
)
from reviews.claimreview import group_claimreview
from reviews.models import ApiScope
from reviews.selectors import claim_get_visible, claim_visible, claims_visible
from reviews.services import review_command
from reviews.submissions import claim_submit
from reviews.verdicts import Rating
from reviews.workflow.commands import COMMANDS, Argument, ArgumentKind, Command


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


def claim_row_after(state: ClaimState, *, read: ClaimView) -> ClaimView:
    """The claim list row a command's projection wrote, from the state the command returned.

    Every field but the open flag count is the claim's state (``STATE_FIELDS``); a workflow
    command does not change that count, so it comes from the row ``read`` under the command's
    lock. Not saved: the projection wrote the row already.
    """
    values = {name: getattr(state, name) for name in STATE_FIELDS}
    return ClaimView(**values, open_flag_count=read.open_flag_count)


class VisibleClaim:
    """A command's visibility check on the claim row it reads under the append lock (passed
    as ``visible``): the caller's rule (``reviews.selectors.claim_visible``), and the row it
    passed, kept for the answer, so that a command reads its claim once."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.claim: ClaimView | None = None

    def __call__(self, claim: ClaimView) -> bool:
        if not claim_visible(actor=self.actor, claim=claim):
            return False
        self.claim = claim
        return True


class ClaimListView(LedgerAPIView):
    """Claims visible to the caller, most recently changed first."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    pagination_class = LastChangeCursorPagination
    write_scope = ApiScope.SUBMIT

    def get_queryset(self) -> Any:
        return claims_visible(actor=self.actor)

    @extend_schema(
        summary="List claims",
        operation_id="claims_list",
        # The filter set's other parameters are not described here yet; check_worthy changes what
        # a plain list returns and in_checked_group is how a desk skips what it checked, so a
        # client must be able to find them.
        parameters=[
            filter_parameter(
                ClaimFilter,
                "check_worthy",
                enum=[value for value, _ in CHECK_WORTHY_CHOICES],
                default=CHECK_WORTHY_DEFAULT,
            ),
            filter_parameter(
                ClaimFilter,
                "in_checked_group",
                enum=[value for value, _ in IN_CHECKED_GROUP_CHOICES],
            ),
        ],
        responses={200: ClaimSerializer(many=True), **COMMON_ERRORS, **INVALID},
    )
    def get(self, request: Request) -> Response:
        return self.page_response()

    @extend_schema(
        summary="Submit a claim",
        operation_id="claims_create",
        request=ClaimCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ClaimDetailSerializer, **COMMON_ERRORS, **INVALID, **NOT_FOUND},
    )
    @idempotent()
    def post(self, request: Request) -> Response:
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        state = claim_submit(
            actor=self.actor,
            text=data["text"],
            metadata=self.metadata(),
            source_id=str(data["source_id"]) if data.get("source_id") else None,
            selector=data.get("selector"),
            publisher=data.get("publisher"),
            idempotency_key=self.idempotency_key,
        )
        claim = ClaimView.objects.get(claim_id=state.claim_id)
        return claim_detail_response(
            claim=claim,
            status_code=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/claims/{claim.claim_id}/"},
        )


class ClaimDetailView(LedgerAPIView):
    serializer_class = ClaimDetailSerializer

    @extend_schema(
        summary="A claim: current state, version (ETag) and provenance",
        operation_id="claims_retrieve",
        responses={
            200: ClaimDetailSerializer,
            **UNCHANGED,
            **COMMON_ERRORS,
            **NOT_FOUND,
        },
    )
    def get(self, request: Request, claim_id: str) -> Any:
        claim = claim_get_visible(actor=self.actor, claim_id=claim_id)
        return unchanged(request, claim.version) or claim_detail_response(claim=claim)


class ClaimHistoryView(LedgerAPIView):
    serializer_class = ClaimHistorySerializer

    @extend_schema(
        summary="A claim's event history, oldest first (another organisation's: the public part)",
        operation_id="claims_history",
        responses={200: ClaimHistorySerializer, **COMMON_ERRORS, **NOT_FOUND},
    )
    def get(self, request: Request, claim_id: str) -> Response:
        claim = claim_get_visible(actor=self.actor, claim_id=claim_id)
        history = claim_history_visible(actor=self.actor, claim=claim)
        data = ClaimHistorySerializer(history).data
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
        claim = claim_get_visible(actor=self.actor, claim_id=claim_id)
        if claim.status == ClaimStatus.RETRACTED:
            raise ClaimReviewRetracted()
        # A claim matched with a published one answers with the group's review (docs/matching.md).
        document = group_claimreview(
            claim_id=str(claim.claim_id),
            fallback_url=request.build_absolute_uri(f"/api/v1/claims/{claim.claim_id}/"),
        )
        if document is None:
            raise NotFound(f"claim {claim.claim_id} has no published review")
        return Response(document, headers={"ETag": etag(claim.version)})


class ClaimReviewRetracted(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "this claim's review was retracted"
    default_code = "retracted"


# --- Workflow actions ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ClaimAction:
    """One workflow command over HTTP: its input and the scopes a key needs (any of them).

    Who may run it on which claim in which state is the workflow's decision
    (``reviews.workflow``): the service raises PermissionDenied (403) or TransitionNotAllowed
    (409).
    """

    command: Command
    serializer: type[serializers.Serializer[Any]]
    scopes: tuple[str, ...] = (ApiScope.REVIEW,)

    @property
    def path(self) -> str:
        return self.command.value.replace("_", "-")

    @property
    def summary(self) -> str:
        return f"{self.command.label} (workflow command; send the version you read)"


# What the schema says of some arguments, beyond the command table's name, limit and kind.
ARGUMENT_HELP = {
    (Command.SET_VERDICT, "rating"): "0 Unverifiable, 1 False ... 5 True (schema.org ratingValue).",
    (Command.PUBLISH, "url"): "Where the fact-check is published (ClaimReview's url).",
    (Command.PUBLISH, "override_reason"): "Editors only: why the claim is published although it "
    "has open contradiction flags (recorded in the event). Without it such a claim is refused "
    "with 409 open-contradiction-flag naming the flags.",
}
# The key scopes (any of them) of the commands a ``review`` key alone may not run.
ACTION_SCOPES: dict[Command, tuple[str, ...]] = {
    Command.COMMENT: (ApiScope.REVIEW, ApiScope.SUBMIT),
    Command.REVISE: (ApiScope.SUBMIT,),
}


def _field(command: Command, argument: Argument) -> serializers.Field[Any, Any, Any, Any]:
    """The input field of one argument of the command table (``reviews.workflow.commands``);
    the service cleans it again by the same rule."""
    help_text = ARGUMENT_HELP.get((command, argument.name))
    if argument.kind is ArgumentKind.RATING:
        return serializers.ChoiceField(
            choices=[(rating.value, rating.label) for rating in Rating], help_text=help_text
        )
    if argument.required:
        return serializers.CharField(max_length=argument.limit, help_text=help_text)
    # An optional text may be sent empty; an optional URL is left out instead.
    return serializers.CharField(
        max_length=argument.limit,
        required=False,
        default="",
        allow_blank=argument.kind is not ArgumentKind.URL,
        help_text=help_text,
    )


def _title(command: Command) -> str:
    """``start_review`` as ``StartReview``: how the command's serializer and view are named."""
    return "".join(part.title() for part in command.value.split("_"))


def _action(command: Command) -> ClaimAction:
    fields = {argument.name: _field(command, argument) for argument in COMMANDS[command].arguments}
    serializer = type(f"Claim{_title(command)}Input", (ExpectedVersionSerializer,), fields)
    return ClaimAction(command, serializer, scopes=ACTION_SCOPES.get(command, (ApiScope.REVIEW,)))


# Every workflow command but the promotion, which editors run from the review desk (the admin).
ACTIONS: list[ClaimAction] = [
    _action(command) for command in Command if command is not Command.PROMOTE
]


class ClaimActionView(CommandView):
    """Run the workflow command on the claim at the version you read (If-Match or
    expected_version). Who may run it in which state is the workflow's rule: 403 or 409."""

    response_serializer = ClaimDetailSerializer
    claim_action: ClaimAction  # not ``action``: DRF reads that name as a viewset's action

    def target(self, object_id: str) -> str:
        # The id: the command checks visibility on the row it reads under the lock.
        return object_id

    def input_refused(self, target: str) -> None:
        claim_get_visible(actor=self.actor, claim_id=target)

    def run(self, target: str, *, arguments: dict[str, Any], expected_version: int) -> Response:
        metadata = self.metadata()
        visible = VisibleClaim(self.actor)
        state = review_command(
            actor=self.actor,
            command=self.claim_action.command,
            claim_id=target,
            expected_version=expected_version,
            arguments=arguments,
            via=metadata.via,
            correlation_id=metadata.correlation_id,
            visible=visible,
        )
        assert visible.claim is not None  # the command found the claim and it passed
        return claim_detail_response(claim=claim_row_after(state, read=visible.claim))


def _action_view(action: ClaimAction) -> type[CommandView]:
    return command_view(
        ClaimActionView,
        name=f"Claim{_title(action.command)}View",
        summary=action.summary,
        operation_id=f"claims_{action.command.value}",
        claim_action=action,
        write_scope=action.scopes,
        serializer_class=action.serializer,
    )


# A view for each action, by its URL segment, so the schema documents each action's own input.
ACTION_VIEWS = {action.path: _action_view(action) for action in ACTIONS}
