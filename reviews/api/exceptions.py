"""Every API error as an RFC 9457 problem details document, mapped in this one place.

Domain errors (the ``ledger.exceptions.LedgerError`` family) and DRF's own errors become
``application/problem+json`` with ``type``, ``title``, ``status``, ``detail`` and ``instance``,
plus a stable ``code`` and, where useful, extension members (``errors`` for invalid fields; a
domain error's own, such as ``current_version`` for a conflict). A domain error's status, code,
extensions and headers are declared on its class; this module only reads them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ledger.exceptions import LedgerError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://claims-ledger.example/problems/"
API_PATH_PREFIX = "/api/"  # the API and its schema and docs (config/urls.py)


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "send the version you read, as If-Match or as expected_version in the body"
    default_code = "precondition_required"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "the request body is larger than this API accepts"
    default_code = "request_too_large"


class IdempotencyKeyInvalid(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Idempotency-Key must be 1 to 200 visible ASCII characters (no spaces)"
    default_code = "idempotency_key_invalid"


def problem_body(
    *, status_code: int, title: str, detail: str, code: str, instance: str = "", **extensions: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code.replace("_", "-"),
        "title": title,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extensions)
    return body


def problem_response(
    *,
    status_code: int,
    title: str,
    detail: str,
    code: str,
    instance: str = "",
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body = problem_body(
        status_code=status_code,
        title=title,
        detail=detail,
        code=code,
        instance=instance,
        **extensions,
    )
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``: an unhandled error under ``/api/`` answers a problem document
    (whatever raised it: a view, a middleware, the database); elsewhere, Django's own page.

    The error itself is logged by Django (``django.request``), never echoed to the caller.
    """
    if not request.path.startswith(API_PATH_PREFIX):
        return defaults.server_error(request)
    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    body = problem_body(
        status_code=status_code,
        title=_title(status_code),
        detail="the server failed to answer this request; the error was logged, try again later",
        code="server_error",
        instance=request.get_full_path(),
    )
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _title(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _flatten(detail: Any) -> str:
    if isinstance(detail, list):
        return "; ".join(_flatten(item) for item in detail)
    if isinstance(detail, dict):
        return "; ".join(f"{key}: {_flatten(value)}" for key, value in detail.items())
    return str(detail)


def problem_exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: any known error becomes a problem details response."""
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(error, LedgerError):
        return problem_response(
            status_code=error.http_status,
            title=_title(error.http_status),
            detail=error.message,
            code=error.code,
            instance=instance,
            headers=error.problem_headers(),
            **error.problem_extensions(),
        )
    if isinstance(error, RequestDataTooBig):
        error = RequestTooLarge()
    elif isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied()
    response = exception_handler(error, context)
    if response is None or not isinstance(error, exceptions.APIException):
        return response
    extensions: dict[str, Any] = {}
    if isinstance(error, exceptions.ValidationError):
        extensions["errors"] = response.data
        detail = "the request is invalid: " + _flatten(response.data)
        code = "invalid_request"
    else:
        detail = _flatten(response.data.get("detail", response.data))
        code = str(error.get_codes()) if isinstance(error.get_codes(), str) else "error"
    headers = {
        name: value
        for name, value in response.headers.items()
        if name.lower() in {"retry-after", "www-authenticate", "allow"}
    }
    return problem_response(
        status_code=response.status_code,
        title=_title(response.status_code),
        detail=detail,
        code=code,
        instance=instance,
        headers=headers,
        **extensions,
    )
