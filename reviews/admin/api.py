"""Read-only admin pages for the publisher API: keys (revocable), webhook endpoints, deliveries.

Only administrators (the admin role or a superuser) see them. Nothing is added or edited through
forms: keys are created from a login session over the API or with ``create_api_key``, and the
one action here, revoking, calls ``api_key_revoke``. A key's token is never stored, so never
shown; nor is its hash or a webhook's signing secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ledger.admin import NeverWritten
from ledger.exceptions import LedgerError
from reviews.admin.pages import ConditionFilter, ModelAdmin, admin_actor
from reviews.keys import api_key_revoke
from reviews.models import ApiKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from reviews.roles import Role

if TYPE_CHECKING:
    TabularInline = admin.TabularInline[Any, Any]
else:
    TabularInline = admin.TabularInline


def _is_administrator(request: HttpRequest) -> bool:
    return Role.ADMIN in admin_actor(request).roles


class AdministratorsReadOnly(NeverWritten):
    """Visible to administrators only; never added, changed or deleted through the admin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_administrator(request)


class RevokedFilter(ConditionFilter):
    title = "state"
    parameter_name = "state"
    conditions = {
        "active": ("active", Q(revoked_at__isnull=True)),
        "revoked": ("revoked", Q(revoked_at__isnull=False)),
    }


@admin.register(ApiKey)
class ApiKeyAdmin(AdministratorsReadOnly, ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "organisation",
        "scope_list",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = (RevokedFilter, "organisation")
    search_fields = ("name", "prefix", "user__username")
    ordering = ("-created_at",)
    list_select_related = ("user", "organisation")
    # The page shows the id and every column. The token is never stored and its hash is not
    # shown: the prefix tells keys apart.
    fields = ("id", *list_display)
    readonly_fields = fields
    actions = ["revoke_keys"]

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    @admin.action(description="Revoke the selected keys (they never authenticate again)")
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for key in queryset:
            try:
                api_key_revoke(key_id=str(key.pk), actor=admin_actor(request))
            except LedgerError as error:
                self.message_user(request, f"{key}: {error.message}", messages.ERROR)
                continue
            revoked += 1
        if revoked:
            self.message_user(request, f"{revoked} key(s) revoked", messages.SUCCESS)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdministratorsReadOnly, ModelAdmin):
    list_display = ("url", "organisation", "event_type_list", "is_active", "created_at")
    list_filter = ("is_active", "organisation")
    search_fields = ("url", "description")
    ordering = ("-created_at",)
    # The signing secret is left out: it is shown once, to the publisher who registered it.
    fields = (
        "id",
        "url",
        "organisation",
        "event_type_list",
        "description",
        "is_active",
        "created_at",
        "created_by",
    )
    readonly_fields = fields

    @admin.display(description="event types")
    def event_type_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.event_types)


class WebhookAttemptInline(AdministratorsReadOnly, TabularInline):
    model = WebhookAttempt
    fields = WebhookAttempt.SHOWN_FIELDS
    readonly_fields = fields
    ordering = ("number",)
    extra = 0
    can_delete = False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdministratorsReadOnly, ModelAdmin):
    list_display = (
        "event_type",
        "event_position",
        "claim_id",
        "endpoint",
        "status",
        "attempt_count",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("status", "event_type")
    search_fields = ("claim_id", "endpoint__url")
    ordering = ("-created_at",)
    list_select_related = ("endpoint",)
    fields = WebhookDelivery.SHOWN_FIELDS
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
