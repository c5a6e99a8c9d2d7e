"""The contradiction flags in the admin: the list the desk works, and the page of one flag.

The list shows both claims' words, why they were flagged and where each came from, open flags
first and strongest first, in a constant number of queries per page. The flag page shows both
quotes side by side in their source context, today's detectors' explanation of the pair (what
``explain_pair`` prints; never computed for the list) and decides the flag with a required note
at the version the page showed (``services.contradiction_decide``, the API's rule too): a stale
page is refused with a conflict message and keeps the note typed, so no decision is silently
lost.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ledger.admin import NeverWritten
from ledger.events import Metadata
from ledger.exceptions import ConcurrencyConflict, LedgerError
from ledger.models import ClaimView
from reviews import selectors
from reviews.actors import Actor
from reviews.admin.pages import FieldValueFilter, RowPageAdmin, admin_actor, column_values
from reviews.contradictions.detectors import CUE_KIND_CHOICES, UNKNOWN_CUE_KIND, cue_kind_label
from reviews.models import ContradictionFlag
from reviews.services import FlagDecision, contradiction_decide
from reviews.wording import opening_words
from reviews.workflow.checks import CONTRADICTION_DECIDERS

FLAG_PAGE_TEMPLATE = "admin/reviews/contradictionflag/flag_page.html"
LIST_TEXT_LENGTH = 90
CLAIM_PAGE = "admin:reviews_reviewclaim_change"


def flag_title(*, text_a: str, text_b: str) -> str:
    """How a flag is named to people: the opening words of its two claims."""
    return f"“{opening_words(text_a)}” vs “{opening_words(text_b)}”"


class DecisionForm(ActionForm):
    note = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"size": 60, "placeholder": "why (required)"}),
    )


class FlagStatusFilter(FieldValueFilter):
    title = "status"
    parameter_name = "status"
    field = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(status.value, status.value) for status in selectors.FlagStatus]


class FlagTypeFilter(admin.SimpleListFilter):
    """By the flag's type (its strongest cue's detector), named in words; no query."""

    title = "type"
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return CUE_KIND_CHOICES

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        return queryset.filter(cue_kind="" if self.value() == UNKNOWN_CUE_KIND else self.value())


class FlagPriorityFilter(FieldValueFilter):
    """Low: neither claim is check-worthy (``selectors.flags_with_priority``)."""

    title = "priority"
    parameter_name = "priority"
    field = "priority"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (selectors.FlagPriority.NORMAL.value, "normal (a check-worthy claim)"),
            (selectors.FlagPriority.LOW.value, "low (neither claim check-worthy)"),
        ]


class FlagPublisherFilter(admin.SimpleListFilter):
    title = "publisher (either claim)"
    parameter_name = "publisher"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        publishers = column_values(ClaimView.objects.all(), "publisher")
        return [(publisher, publisher) for publisher in publishers]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        return selectors.flags_involving(flags=queryset, publisher=self.value())


class FlagAssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assigned"
    MINE = "me"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.MINE, "involves a claim assigned to me")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != self.MINE:
            return queryset
        return selectors.flags_involving(flags=queryset, assignee=request.user.get_username())


@admin.register(ContradictionFlag)
class ContradictionFlagAdmin(NeverWritten, RowPageAdmin):
    """Decisions go through the flag page and the actions, which call services."""

    row_noun = "contradiction flag"

    list_display = (
        "claim_a_words",
        "claim_b_words",
        "flag_type",
        "why",
        "score",
        "priority",
        "status",
        "flagged_at",
    )
    list_display_links = ("claim_a_words",)
    list_filter = (
        FlagStatusFilter,
        FlagPriorityFilter,
        FlagTypeFilter,
        FlagPublisherFilter,
        FlagAssigneeFilter,
        "detector_version",
    )
    search_fields = ("claim text",)  # matched against both claims' text (get_search_results)
    search_help_text = "Find flags by words of either claim."
    ordering = ()  # get_queryset sorts: open first, normal priority first, strongest first
    list_per_page = 50
    action_form = DecisionForm
    actions = ["confirm_flags", "dismiss_flags"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        flags = selectors.flags_with_claims(flags=super().get_queryset(request))
        return selectors.flags_with_priority(flags=flags).order_by(
            selectors.FLAG_STATUS_ORDER,
            selectors.FLAG_PRIORITY_ORDER,
            "-score",
            "-flagged_at",
            "pair_id",
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return selectors.flags_involving(flags=queryset, text__icontains=term), False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Only roles that decide flags see the actions; auditors read."""
        if not admin_actor(request).roles & CONTRADICTION_DECIDERS:
            return {}
        return super().get_actions(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request, {"title": "Contradiction flags", **(extra_context or {})}
        )

    @admin.display(description="claim A")
    def claim_a_words(self, obj: Any) -> SafeString:
        return self._claim_cell(obj, "a")

    @admin.display(description="claim B")
    def claim_b_words(self, obj: Any) -> SafeString:
        return self._claim_cell(obj, "b")

    @staticmethod
    def _claim_cell(obj: Any, side: str) -> SafeString:
        """The claim's opening words, and under them its source's title and publisher."""
        text = getattr(obj, f"{side}_text") or str(getattr(obj, f"claim_{side}"))
        title = getattr(obj, f"{side}_source_title")
        publisher = getattr(obj, f"{side}_source_publisher") or getattr(obj, f"{side}_publisher")
        where = " · ".join(part for part in (title, publisher) if part) or "no source"
        return format_html(
            '{}<div class="flag-source">{}</div>',
            opening_words(text, length=LIST_TEXT_LENGTH),
            where,
        )

    @admin.display(description="type", ordering="cue_kind")
    def flag_type(self, obj: Any) -> str:
        return cue_kind_label(obj.cue_kind)

    @admin.display(description="priority", ordering="priority")
    def priority(self, obj: Any) -> str:
        return str(obj.priority)

    @admin.display(description="why it was flagged")
    def why(self, obj: Any) -> SafeString:
        return format_html_join("", '<div class="flag-cue">{}</div>', ((cue,) for cue in obj.cues))

    # The flag page ----------------------------------------------------------------------------

    def row_page(self, request: HttpRequest, flag: Any, actor: Actor, /) -> HttpResponse:
        if request.method != "POST":
            return self._flag_page(request, flag=flag, actor=actor)
        note = request.POST.get("note", "")
        try:
            decision = FlagDecision(request.POST.get("decision", ""))
            version = int(request.POST.get("expected_version", ""))
        except ValueError:
            messages.error(request, "Nothing was recorded: the page sent no decision or version.")
            return self._flag_page(request, flag=flag, actor=actor, note=note, status=400)
        try:
            contradiction_decide(
                actor=actor,
                pair_id=str(flag.pair_id),
                expected_version=version,
                decision=decision,
                note=note,
                metadata=Metadata(actor=actor.reference, via="admin"),
            )
        except ConcurrencyConflict:
            current = self.get_queryset(request).get(pk=flag.pk)
            decided = f" by {current.decided_by}" if current.decided_by else ""
            messages.error(
                request,
                f"{decision.label} refused, nothing was recorded: this flag changed since you "
                f"opened it (it is now {current.status}{decided}). Your note is kept below; "
                "read the flag again before deciding.",
            )
            return self._flag_page(request, flag=current, actor=actor, note=note, status=409)
        except LedgerError as error:
            messages.error(
                request, f"{decision.label} refused, nothing was recorded: {error.message}"
            )
            return self._flag_page(request, flag=flag, actor=actor, note=note, status=400)
        done = "confirmed" if decision is FlagDecision.CONFIRM else "dismissed"
        name = flag_title(text_a=flag.a_text or "", text_b=flag.b_text or "")
        messages.success(request, f"Flag {done}: {name}.")
        back_to = request.POST.get("back_to_claim", "")
        if back_to in {str(flag.claim_a), str(flag.claim_b)}:
            return HttpResponseRedirect(reverse(CLAIM_PAGE, args=[back_to]))
        return HttpResponseRedirect(request.path)

    def _flag_page(
        self, request: HttpRequest, *, flag: Any, actor: Actor, note: str = "", status: int = 200
    ) -> HttpResponse:
        sides = []
        claims = selectors.flag_claims(flags=[flag])
        for side in selectors.SIDES:
            claim = claims.get(str(getattr(flag, f"claim_{side}")))
            sides.append(
                {
                    "label": side.upper(),
                    "quote_id": f"flag-quote-{side}",
                    "claim_id": str(getattr(flag, f"claim_{side}")),
                    "claim": claim,
                    "context": selectors.claim_source_context(
                        source_id=str(claim.source_id) if claim and claim.source_id else None,
                        selector=claim.selector if claim else None,
                    ),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": flag_title(text_a=flag.a_text or "", text_b=flag.b_text or ""),
            "flag": flag,
            "sides": sides,
            "explanation": selectors.flag_explain(flag=flag, claims=claims),
            "may_decide": bool(actor.roles & CONTRADICTION_DECIDERS),
            "note": note,
            "has_view_permission": True,
            "has_change_permission": False,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, FLAG_PAGE_TEMPLATE, context, status=status)

    # Deciding several flags at once, from the list ----------------------------------------------

    def _decide_many(
        self, request: HttpRequest, queryset: QuerySet[Any], decision: FlagDecision
    ) -> None:
        note = request.POST.get("note", "")
        actor = admin_actor(request)
        done = 0
        for flag in queryset:
            try:
                contradiction_decide(
                    actor=actor,
                    pair_id=str(flag.pair_id),
                    expected_version=flag.version,
                    decision=decision,
                    note=note,
                    metadata=Metadata(actor=actor.reference, via="admin"),
                )
                done += 1
            except LedgerError as error:
                name = flag_title(text_a=flag.a_text or "", text_b=flag.b_text or "")
                self.message_user(request, f"{name}: {error.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} flag(s) updated", messages.SUCCESS)

    @admin.action(description="Confirm the selected flags: the claims contradict (note required)")
    def confirm_flags(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide_many(request, queryset, FlagDecision.CONFIRM)

    @admin.action(description="Dismiss the selected flags: no contradiction (note required)")
    def dismiss_flags(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._decide_many(request, queryset, FlagDecision.DISMISS)
