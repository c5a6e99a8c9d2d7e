"""Organisations and their members; administrators turn the four-eyes sign-off rule on or off."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest

from ledger.exceptions import LedgerError
from reviews import selectors
from reviews.admin.pages import ModelAdmin, admin_actor
from reviews.models import Membership, Organisation
from reviews.roles import Role
from reviews.services import organisation_set_four_eyes


class RuleChangeForm(helpers.ActionForm):
    reason = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"size": 50, "placeholder": "why (required, recorded)"}),
    )


@admin.register(Organisation)
class OrganisationAdmin(ModelAdmin):
    list_display = ("slug", "name", "four_eyes", "created_at")
    search_fields = ("slug", "name")
    action_form = RuleChangeForm
    actions = ["require_four_eyes", "allow_one_person_sign_off"]

    @admin.display(description="sign-off")
    def four_eyes(self, obj: Organisation) -> str:
        rule = selectors.organisation_four_eyes_rule(organisation=obj.slug)
        if rule.required:
            return "needs a second person (four eyes)"
        return (
            f"one person may approve and sign off (turned off by {rule.changed_by}: {rule.reason})"
        )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Only administrators change the sign-off rule (the service refuses anyone else)."""
        if Role.ADMIN not in admin_actor(request).roles:
            return {}
        return super().get_actions(request)

    def _set_four_eyes(
        self, request: HttpRequest, queryset: QuerySet[Organisation], *, required: bool
    ) -> None:
        actor = admin_actor(request)
        for organisation in queryset:
            rule = selectors.organisation_four_eyes_rule(organisation=organisation.slug)
            try:
                organisation_set_four_eyes(
                    actor=actor,
                    organisation=organisation.slug,
                    required=required,
                    reason=request.POST.get("reason", ""),
                    expected_version=rule.version,
                )
            except LedgerError as error:
                messages.error(
                    request, f"{organisation.name}: nothing was changed: {error.message}"
                )
            else:
                state = "needs a second person" if required else "may be done by one person"
                messages.success(request, f"{organisation.name}: sign-off now {state}.")

    @admin.action(description="Require a second person to sign off claims (four eyes)")
    def require_four_eyes(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        self._set_four_eyes(request, queryset, required=True)

    @admin.action(description="Let one person approve and sign off claims (reason required)")
    def allow_one_person_sign_off(
        self, request: HttpRequest, queryset: QuerySet[Organisation]
    ) -> None:
        self._set_four_eyes(request, queryset, required=False)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # claims keep naming the organisation as their publisher


@admin.register(Membership)
class MembershipAdmin(ModelAdmin):
    list_display = ("user", "organisation")
    list_filter = ("organisation",)
    search_fields = ("user__username",)
    autocomplete_fields = ("organisation",)
