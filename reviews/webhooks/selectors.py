"""Which webhook endpoints and deliveries an actor sees: its organisation's; auditors and
administrators every organisation's."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ledger.exceptions import NotFound
from reviews.actors import Actor
from reviews.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from reviews.roles import Role

READ_ALL_ROLES = (Role.AUDITOR, Role.ADMIN)


def endpoints_visible(*, actor: Actor) -> QuerySet[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.all()
    if actor.has_role(*READ_ALL_ROLES):
        return endpoints
    if actor.organisation:
        return endpoints.filter(organisation_id=actor.organisation)
    return endpoints.none()


def endpoint_visible(*, actor: Actor, endpoint_id: str) -> WebhookEndpoint:
    """The endpoint, if ``actor`` sees it; NotFound otherwise (as for one that does not exist,
    so nothing leaks about other organisations' endpoints)."""
    endpoint = endpoints_visible(actor=actor).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


def deliveries_visible(*, actor: Actor) -> QuerySet[WebhookDelivery]:
    """The deliveries of the endpoints ``actor`` sees."""
    return WebhookDelivery.objects.filter(endpoint__in=endpoints_visible(actor=actor))


def deliveries_with_attempts(
    deliveries: QuerySet[WebhookDelivery],
) -> QuerySet[WebhookDelivery]:
    """``deliveries`` with their attempts, in the order they were made (one more query)."""
    return deliveries.prefetch_related(
        Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("number"))
    )
