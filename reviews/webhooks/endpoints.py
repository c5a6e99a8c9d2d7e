"""Webhook subscriptions: publishers register and deactivate their organisation's endpoints.

Each service authorises its actor: publishers and administrators manage their own
organisation's endpoints (``webhooks_managed_organisation``); everyone else is refused.
"""

from __future__ import annotations

import secrets
import urllib.parse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from ledger.exceptions import InvalidCommand, NotFound
from reviews.actors import Actor
from reviews.exceptions import PermissionDenied
from reviews.models import WebhookEndpoint, WebhookEventType
from reviews.roles import Role
from reviews.webhooks.selectors import endpoint_visible

MAX_ENDPOINTS_PER_ORGANISATION = 20
SECRET_PREFIX = "whsec_"

_url_validator = URLValidator(schemes=["http", "https"])


def _check_url(url: str) -> str:
    url = url.strip()
    try:
        _url_validator(url)
    except ValidationError as error:
        raise InvalidCommand(f"{url!r} is not a valid http(s) URL") from error
    parts = urllib.parse.urlsplit(url)
    allowed = {"https", "http"} if settings.LEDGER_WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed:
        raise InvalidCommand(f"a webhook URL must use {' or '.join(sorted(allowed))}")
    if not parts.hostname:
        raise InvalidCommand("a webhook URL needs a host")
    if parts.username or parts.password:
        raise InvalidCommand("a webhook URL cannot carry credentials; verify the signature")
    return url


def webhooks_managed_organisation(*, actor: Actor) -> str:
    """The organisation whose endpoints and deliveries ``actor`` may change.

    Publishers and administrators manage their own organisation's webhooks; anyone else, or an
    actor with no organisation, is refused (PermissionDenied).
    """
    if not actor.has_role(Role.PUBLISHER, Role.ADMIN):
        raise PermissionDenied("only publishers manage webhooks")
    if not actor.organisation:
        raise PermissionDenied("webhooks belong to a publisher organisation")
    return actor.organisation


def webhook_endpoint_register(
    *, actor: Actor, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint of ``actor``'s organisation; return it and its signing secret (shown
    once). PermissionDenied unless ``actor`` manages the organisation's webhooks."""
    organisation = webhooks_managed_organisation(actor=actor)
    if not event_types:
        raise InvalidCommand("choose at least one event type")
    unknown = sorted(set(event_types) - set(WebhookEventType.values))
    if unknown:
        raise InvalidCommand(f"unknown event type(s): {', '.join(unknown)}")
    url = _check_url(url)
    with transaction.atomic():
        active = WebhookEndpoint.objects.filter(organisation_id=organisation, is_active=True)
        if active.count() >= MAX_ENDPOINTS_PER_ORGANISATION:
            raise InvalidCommand(
                f"an organisation can have at most {MAX_ENDPOINTS_PER_ORGANISATION} endpoints"
            )
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        endpoint = WebhookEndpoint.objects.create(
            organisation_id=organisation,
            url=url,
            event_types=sorted(set(event_types)),
            secret=secret,
            description=description.strip(),
            created_by=actor.reference,
        )
    return endpoint, secret


def webhook_endpoint_deactivate(*, actor: Actor, endpoint_id: str) -> WebhookEndpoint:
    """Stop sending to an endpoint of ``actor``'s organisation (its deliveries stay readable).

    NotFound for an endpoint ``actor`` does not see, before PermissionDenied for one they see
    but may not change, so nothing leaks about other organisations' endpoints.
    """
    endpoint = endpoint_visible(actor=actor, endpoint_id=endpoint_id)
    if endpoint.organisation_id != webhooks_managed_organisation(actor=actor):
        # An administrator sees every organisation's endpoints but changes only their own.
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
    return endpoint
