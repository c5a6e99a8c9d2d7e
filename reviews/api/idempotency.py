"""Idempotency-Key on POST: a retried request gets the first response back and writes nothing.

The first request reserves (caller, key) by inserting a row before it runs (one
``INSERT ... ON CONFLICT DO NOTHING``); a concurrent retry blocks on that unique row and, once
the first commits, replays its response. The row, the
command's events and its response commit together, so a failed request leaves no trace and
can be retried with the same key. A key sent again with a different request is refused (422).

A view opts in with ``@idempotent()`` on its ``post``: the method then validates, calls its one
service and serializes as any other, and finds the event store's key (for single-append
services) in ``self.idempotency_key``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils.timezone import now
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from ledger.exceptions import IdempotencyKeyReused
from reviews.api.authentication import actor_from_request
from reviews.api.exceptions import IdempotencyKeyInvalid
from reviews.models import ApiIdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
KEY_PATTERN = re.compile(rf"[!-~]{{1,{MAX_KEY_LENGTH}}}")  # visible ASCII, no spaces
REPLAYED_HEADER = "Idempotent-Replayed"
KEPT_HEADERS = ("Location", "ETag")

ViewMethod = Callable[..., Response]


class KeyedView(Protocol):
    """A view whose POST is idempotent: ``idempotency_key`` is set before its method runs."""

    idempotency_key: str | None


def _key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if KEY_PATTERN.fullmatch(key) is None:
        raise IdempotencyKeyInvalid()
    return key


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), request.content_type or ""):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update(request._request.body)  # read before DRF parses: body stays available
    return digest.hexdigest()


def _replay(record: ApiIdempotentRequest) -> Response:
    headers = dict(record.headers)
    headers[REPLAYED_HEADER] = "true"
    return Response(record.body, status=record.status_code, headers=headers)


def store_key(namespace: str, key: str) -> str:
    """The event store's idempotency key for an API key: never longer than the store allows."""
    return "api:" + hashlib.sha256(f"{namespace}\x00{key}".encode()).hexdigest()


def idempotent(*, never_stored: tuple[str, ...] = ()) -> Callable[[ViewMethod], ViewMethod]:
    """Run the decorated view method once per (caller, Idempotency-Key); replay its response
    on a retry.

    With a key, the method runs inside the transaction that reserves the key and records its
    response, ``self.idempotency_key`` being the event store's key (for single-append services).
    Without one it runs as any view does (``self.idempotency_key`` None), each service it calls
    in a transaction of its own (so a command is its append's transaction, with no savepoint
    around it). Top-level response fields named in ``never_stored`` (secrets shown once) are
    left out of the stored copy and the replay.
    """

    def decorate(method: ViewMethod) -> ViewMethod:
        @functools.wraps(method)
        def post(view: KeyedView, request: Request, *args: Any, **kwargs: Any) -> Response:
            key = _key(request)
            if key is None:
                view.idempotency_key = None
                return method(view, request, *args, **kwargs)
            namespace = actor_from_request(request).idempotency_namespace
            fingerprint = _fingerprint(request)
            with transaction.atomic():
                record = _reserved(namespace=namespace, key=key, fingerprint=fingerprint)
                if record is None:
                    # This key's first request committed (a concurrent one was waited for).
                    existing = ApiIdempotentRequest.objects.get(principal=namespace, key=key)
                    return _checked_replay(existing, fingerprint, key)
                view.idempotency_key = store_key(namespace, key)
                response = method(view, request, *args, **kwargs)
                _record(record, response, never_stored=never_stored)
            return response

        return post

    return decorate


def _record(
    record: ApiIdempotentRequest, response: Response, *, never_stored: tuple[str, ...]
) -> None:
    """Store ``response`` on the key's reserved row, without the fields ``never_stored``."""
    record.status_code = response.status_code
    body = _json(response.data)
    if isinstance(body, dict):
        body = {name: value for name, value in body.items() if name not in never_stored}
    record.body = body
    record.headers = {name: response[name] for name in KEPT_HEADERS if name in response}
    record.save(update_fields=["status_code", "body", "headers"])


def _reserved(*, namespace: str, key: str, fingerprint: str) -> ApiIdempotentRequest | None:
    """Reserve (caller, key) with one statement: the new row, or None when the key is taken.

    ``INSERT ... ON CONFLICT DO NOTHING``: a concurrent first request with this key makes it
    wait until that request's transaction ends; then the key is taken (it committed) or
    reserved here (it rolled back). No savepoint, no read before: a taken key costs one more
    statement, the read of the stored response.
    """
    record = ApiIdempotentRequest(
        principal=namespace, key=key, fingerprint=fingerprint, status_code=0, created_at=now()
    )
    meta = ApiIdempotentRequest._meta
    names = ("principal", "key", "fingerprint", "status_code", "headers", "created_at")
    fields = {field.name: field for field in meta.concrete_fields}
    values = [fields[name].get_db_prep_save(getattr(record, name), connection) for name in names]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(name) for name in names)})"
            f" VALUES ({', '.join(['%s'] * len(names))})"
            f" ON CONFLICT ({quote('principal')}, {quote('key')}) DO NOTHING"
            f" RETURNING {quote(meta.pk.column)}",
            values,
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return None
    record.pk = inserted[0]
    record._state.adding = False
    return record


def _checked_replay(record: ApiIdempotentRequest, fingerprint: str, key: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"Idempotency-Key {key!r} was already used for a different request; "
            "use a new key for a new request"
        )
    return _replay(record)


def _json(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))
