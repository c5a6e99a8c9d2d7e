"""Admin for contradiction flags: both quotes side by side in context, confirm or dismiss.

The list and the page are read-only views of the ``ContradictionView`` read model; the two
actions call ``contradiction_confirm`` / ``contradiction_dismiss`` with the note typed in the
action bar, so every decision is an event with its author.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ledger.events import Metadata
from ledger.exceptions import LedgerError
from ledger.models import ClaimView, ContradictionView
from reviews import selectors
from reviews.contradictions.services import contradiction_confirm, contradiction_dismiss
from reviews.workflow import CONTRADICTION_DECIDERS, workflow_check_contradiction_decision

CONTEXT_CHARACTERS = 240


class DecisionForm(ActionForm):
    note = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"size": 60, "placeholder": "why (required)"}),
    )


def _quote_in_context(claim_id: Any) -> SafeString:
    claim = ClaimView.objects.filter(pk=claim_id).first()
    if claim is None:
        return format_html("<em>claim {} not found</em>", claim_id)
    context = selectors.claim_source_context(
        source_id=str(claim.source_id) if claim.source_id else None,
        selector=claim.selector,
        characters=CONTEXT_CHARACTERS,
    )
    return format_html(
        '<div style="font-size:0.9em;color:#666">{}</div>'
        '<p>…{}<mark style="font-weight:bold">{}</mark>{}…</p>',
        (context.title or context.source_id) if context else "no source",
        context.before if context else "",
        context.quote if context else claim.text,
        context.after if context else "",
    )


@admin.register(ContradictionView)
class ContradictionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("pair_id", "status", "score", "detector_version", "flagged_at")
    list_filter = ("status", "detector_version")
    search_fields = ("pair_id", "claim_a", "claim_b")
    ordering = ("-flagged_at",)
    action_form = DecisionForm
    actions = ["confirm_flags", "dismiss_flags"]
    readonly_fields = ("side_by_side", "why", "status", "score", "note", "decided_by", "version")
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # decisions go through the actions, which call services

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Only roles that decide flags see the actions; auditors read."""
        if not selectors.actor_for_user(user=request.user).roles & CONTRADICTION_DECIDERS:
            return {}
        return super().get_actions(request)

    @admin.display(description="the two claims in their source context")
    def side_by_side(self, obj: ContradictionView) -> SafeString:
        return format_html(
            '<table style="width:100%"><tr><th>A</th><th>B</th></tr>'
            '<tr><td style="width:50%;vertical-align:top">{}</td>'
            '<td style="width:50%;vertical-align:top">{}</td></tr></table>',
            _quote_in_context(obj.claim_a),
            _quote_in_context(obj.claim_b),
        )

    @admin.display(description="why it was flagged")
    def why(self, obj: ContradictionView) -> SafeString:
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((c,) for c in obj.cues))
        )

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ContradictionView], decide: Any
    ) -> None:
        note = request.POST.get("note", "")
        metadata = Metadata(actor=f"user:{request.user.get_username()}", via="admin")
        actor = selectors.actor_for_user(user=request.user)
        done = 0
        for flag in queryset:
            try:
                workflow_check_contradiction_decision(
                    actor=actor,
                    claim_assignees=ClaimView.objects.filter(
                        pk__in=[flag.claim_a, flag.claim_b]
                    ).values_list("assignee", flat=True),
                )
                decide(
                    pair_id=str(flag.pair_id),
                    expected_version=flag.version,
                    note=note,
                    metadata=metadata,
                )
                done += 1
            except LedgerError as error:
                self.message_user(request, f"{flag.pair_id}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} flag(s) updated", messages.SUCCESS)

    @admin.action(description="Confirm: the claims contradict each other (note required)")
    def confirm_flags(self, request: HttpRequest, queryset: QuerySet[ContradictionView]) -> None:
        self._decide(request, queryset, contradiction_confirm)

    @admin.action(description="Dismiss: not a contradiction (note required)")
    def dismiss_flags(self, request: HttpRequest, queryset: QuerySet[ContradictionView]) -> None:
        self._decide(request, queryset, contradiction_dismiss)
