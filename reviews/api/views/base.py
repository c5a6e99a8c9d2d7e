"""What every API view shares: scopes, the caller, size limits, versions, the command views
and problem docs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from django.http import HttpResponseNotModified
from django_filters.rest_framework import FilterSet
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.events import Metadata
from ledger.exceptions import InvalidCommand, LedgerError
from reviews.actors import Actor
from reviews.api.authentication import actor_from_request
from reviews.api.exceptions import PROBLEM_CONTENT_TYPE, PreconditionRequired
from reviews.api.idempotency import idempotent
from reviews.api.permissions import HasScope
from reviews.api.serializers.common import ProblemSerializer
from reviews.models import ApiScope

Decision = TypeVar("Decision", bound=StrEnum)

ENTITY_TAG = re.compile(r'^(?:W/)?"?(\d{1,15})"?$')


def problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


COMMON_ERRORS: dict[int | tuple[int, str], Any] = {
    (401, PROBLEM_CONTENT_TYPE): problem("No valid API key or session."),
    (403, PROBLEM_CONTENT_TYPE): problem("The key lacks the scope, or the role the action."),
    (429, PROBLEM_CONTENT_TYPE): problem("Too many requests for this key; see Retry-After."),
}
NOT_FOUND = {(404, PROBLEM_CONTENT_TYPE): problem("No such object, or not visible to you.")}
INVALID = {
    (400, PROBLEM_CONTENT_TYPE): problem("The request is malformed; see errors."),
    (413, PROBLEM_CONTENT_TYPE): problem("The request body is too large."),
    (422, PROBLEM_CONTENT_TYPE): problem("The command breaks a rule; nothing was written."),
}
UNCHANGED = {304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match.")}
CONFLICT = {
    (409, PROBLEM_CONTENT_TYPE): problem("Stale version: current_version says where it is."),
    (428, PROBLEM_CONTENT_TYPE): problem("Send the version you read (If-Match)."),
}

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type={"type": "string", "pattern": "^[!-~]{1,200}$"},
    location=OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (a UUID). A retry with the same key returns the first "
    "response and writes nothing; reusing it for another request answers 422.",
)
IF_MATCH = OpenApiParameter(
    name="If-Match",
    type={"type": "string", "pattern": '^(W/)?"?[0-9]{1,15}"?$'},
    location=OpenApiParameter.HEADER,
    required=False,
    description='The claim version you read, as its ETag ("3"); or expected_version in the body.',
)


class LedgerAPIView(generics.GenericAPIView):  # type: ignore[type-arg]
    """Base of every API view: scope check, and the request size limit on writes."""

    permission_classes = [HasScope]
    # The event store's idempotency key of an ``@idempotent()`` POST (None without the header).
    idempotency_key: str | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in {"POST", "PUT", "PATCH"}:
            # Reading the body applies DATA_UPLOAD_MAX_MEMORY_SIZE (413) before any parsing.
            request._request.body  # noqa: B018

    @property
    def actor(self) -> Actor:
        return actor_from_request(self.request)

    def page_response(self) -> Response:
        """The caller's page of ``get_queryset()``, filtered (by ``filterset_class``, if any)
        and serialized. Not ListModelMixin's ``list``: with it the schema would document the
        pagination and filter parameters of some lists and not of others."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def metadata(self) -> Metadata:
        request_id = self.request.headers.get("X-Request-Id", "")
        actor = self.actor
        if request_id and len(request_id) <= 100 and request_id.isascii():
            return Metadata(actor=actor.reference, via=actor.api_via, correlation_id=request_id)
        return Metadata(actor=actor.reference, via=actor.api_via)


class CommandView(LedgerAPIView):
    """Run the command on the object at the version you read (If-Match or expected_version).

    A stale version is a conflict (409) and writes nothing.
    """

    # A subclass names its input (``serializer_class``), its answer (``response_serializer``),
    # what it acts on (``target``) and what it runs (``run``); ``command_view`` makes one view
    # of it per command.
    write_scope: str | tuple[str, ...] = ApiScope.REVIEW
    response_serializer: type[serializers.BaseSerializer[Any]]

    def target(self, object_id: str) -> Any:
        """The object the command acts on, read before the input: a hidden one is 404 whatever
        the body says. The id itself where the service decides visibility."""
        return object_id

    def input_refused(self, target: Any) -> None:
        """Called when the input is refused (400, 422, 428), before that answer: a view whose
        ``target`` is the id raises NotFound here for a hidden object, as for a missing one."""

    def run(self, target: Any, *, arguments: dict[str, Any], expected_version: int) -> Response:
        """Call the one service with the validated input and answer."""
        raise NotImplementedError

    @idempotent()
    def post(self, request: Request, **url: Any) -> Response:
        (object_id,) = url.values()  # a command's route names its object by one id
        target = self.target(str(object_id))
        try:
            serializer = self.get_serializer_class()(data=request.data)
            serializer.is_valid(raise_exception=True)
            arguments = dict(serializer.validated_data)
            version = expected_version(request, arguments.pop("expected_version", None))
        except (exceptions.APIException, LedgerError):
            self.input_refused(target)
            raise
        return self.run(target, arguments=arguments, expected_version=version)


def command_view(
    base: type[CommandView],
    *,
    name: str,
    summary: str,
    operation_id: str,
    **attributes: Any,
) -> type[CommandView]:
    """A ``base`` view for one command (``attributes`` set on it), named ``name``, so the
    schema documents each command with its own input, summary and operation id."""
    view: type[CommandView] = type(name, (base,), {"__module__": base.__module__, **attributes})
    schema = extend_schema(
        summary=summary,
        operation_id=operation_id,
        request=view.serializer_class,
        parameters=[IF_MATCH, IDEMPOTENCY_KEY],
        responses={
            200: view.response_serializer,
            **COMMON_ERRORS,
            **INVALID,
            **NOT_FOUND,
            **CONFLICT,
        },
    )
    extend_schema_view(post=schema)(view)
    return view


def decision_views(
    base: type[CommandView], summaries: Mapping[Decision, str], *, resource: str, operations: str
) -> dict[str, type[CommandView]]:
    """A ``base`` view per decision of a pair (its ``decision``), by its URL segment: named
    ``<resource><Decision>View``, operation ``<operations>_<decision>``."""
    return {
        decision.value: command_view(
            base,
            name=f"{resource}{decision.value.title()}View",
            summary=summary,
            operation_id=f"{operations}_{decision.value}",
            decision=decision,
        )
        for decision, summary in summaries.items()
    }


def filter_parameter(filterset: type[FilterSet], name: str, **schema: Any) -> OpenApiParameter:
    """A filter of ``filterset`` as a query parameter of the schema, described by its help
    text (``schema``: its enum, default, ...)."""
    description = filterset.base_filters[name].extra["help_text"]
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, description=description, **schema)


def expected_version(request: Request, body_version: int | None) -> int:
    """The claim version the caller acts on: If-Match or ``expected_version``, not both apart."""
    header = request.headers.get("If-Match")
    header_version: int | None = None
    if header is not None:
        match = ENTITY_TAG.match(header.strip())
        if match is None:
            raise exceptions.ValidationError(
                {"If-Match": ['send the ETag you read, e.g. "3" (a claim version)']}
            )
        header_version = int(match.group(1))
    if header_version is not None and body_version is not None and header_version != body_version:
        raise InvalidCommand(
            f"expected_version {body_version} differs from If-Match {header_version}; "
            "send one version"
        )
    version = header_version if header_version is not None else body_version
    if version is None:
        raise PreconditionRequired()
    return version


def query_parameters(request: Request) -> dict[str, str]:
    """The query string as a plain dict, so a serializer validates ``?since=`` as the empty
    string it is (400) instead of treating it like a missing parameter, as it does for forms.
    A parameter given twice is refused (400) rather than read as its last value."""
    repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
    if repeated:
        raise exceptions.ValidationError({name: ["give this parameter once"] for name in repeated})
    return {name: request.query_params[name] for name in request.query_params}


def etag(version: int) -> str:
    return f'"{version}"'


def unchanged(request: Request, version: int) -> HttpResponseNotModified | None:
    """304 when the caller already holds this version (If-None-Match is its ETag), else None."""
    if request.headers.get("If-None-Match") == etag(version):
        return HttpResponseNotModified(headers={"ETag": etag(version)})
    return None
