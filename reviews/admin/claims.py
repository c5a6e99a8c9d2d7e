"""The review desk in the Django admin: the queue, the claim page and the bulk actions.

The queue's filters are ``reviews.admin.filters``; the claim page's matches (its group, the
suggestions to confirm or reject) ``reviews.admin.matches``.

The admin never writes a row: every button and bulk action calls a review service with the
stream version the page showed, and a stale version is refused with a message. The erasure
action (a data-protection request) calls ``reviews.erasure.claim_erase_text``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from ledger import events as ev
from ledger.exceptions import LedgerError
from ledger.history import claim_as_of
from ledger.services import claim_load
from reviews import selectors
from reviews.actors import Actor
from reviews.admin.filters import (
    AssigneeFilter,
    CheckedGroupFilter,
    CheckWorthyFilter,
    FlaggedFilter,
    SourceFilter,
    StatusFilter,
)
from reviews.admin.matches import claim_match_post, claim_matches_context, is_match_post
from reviews.admin.pages import (
    ConfirmedAction,
    RowPageAdmin,
    admin_actor,
    confirmed_action_run,
)
from reviews.erasure import actor_may_erase_text, claim_erase_text
from reviews.models import ReviewClaim
from reviews.services import (
    BulkOutcome,
    ClaimTarget,
    review_bulk_assign,
    review_bulk_change_status,
    review_command,
)
from reviews.timeline import claim_timeline
from reviews.verdicts import RATING_SCALE
from reviews.wording import opening_words
from reviews.workflow.checks import CONTRADICTION_DECIDERS
from reviews.workflow.commands import COMMANDS, Command
from reviews.workflow.states import workflow_available_commands, workflow_roles_for

CLAIM_PAGE_TEMPLATE = "admin/reviews/reviewclaim/claim_page.html"
BULK_CONFIRM_TEMPLATE = "admin/reviews/reviewclaim/bulk_confirm.html"
ERASE_ACTION = "erase_text"
ERASE = ConfirmedAction(
    name=ERASE_ACTION,
    noun="claim",
    select_one="Select one claim to erase its text; nothing was changed.",
    confirm_title="Erase this claim's text",
    confirm_template="admin/reviews/reviewclaim/erase_confirm.html",
    done_title="Claim text erased",
    done_template="admin/reviews/reviewclaim/erased.html",
    refused="Erasure",
)
SHORT_TEXT_LENGTH = 200
# Commands whose bulk form asks for a reason.
NEEDS_REASON = {Command.REQUEST_CHANGES, Command.REJECT, Command.RETRACT}


def _bulk_action(command: Command) -> Callable[..., HttpResponse | None]:
    """An admin action running ``command`` on the selected claims, after a confirmation page.

    The confirmation page shows each claim with the version it is at; confirming runs the
    command at those versions, so a claim that changed in between is refused on its own.
    """

    def action(
        model_admin: ReviewClaimAdmin, request: HttpRequest, queryset: QuerySet[ReviewClaim]
    ) -> HttpResponse | None:
        return model_admin.run_bulk(request, queryset, command)

    action.__name__ = f"bulk_{command.value}"
    return admin.action(description=BULK_LABELS[command])(action)


# What the action menu says, in the editor's words.
BULK_LABELS: dict[Command, str] = {
    Command.ASSIGN: "Assign the selected claims to a reviewer…",
    Command.START_REVIEW: "Start reviewing the selected claims",
    Command.APPROVE: "Approve the selected claims (they then wait for an editor's sign-off)",
    Command.SIGN_OFF: "Sign off the selected claims (not ones you approved or gave a verdict)",
    Command.PUBLISH: "Publish the selected signed-off claims",
    Command.REQUEST_CHANGES: "Send the selected claims back for changes…",
    Command.REJECT: "Reject the selected claims…",
    Command.RETRACT: "Retract the selected published claims…",
}


BULK_COMMANDS = (
    Command.ASSIGN,
    Command.START_REVIEW,
    Command.APPROVE,
    Command.SIGN_OFF,
    Command.PUBLISH,
    Command.REQUEST_CHANGES,
    Command.REJECT,
    Command.RETRACT,
)


@admin.register(ReviewClaim)
class ReviewClaimAdmin(RowPageAdmin):
    row_noun = "claim"
    list_display = (
        "short_text",
        "check_worthy",
        "status",
        "assignee",
        "publisher",
        "verdict_name",
        "open_flag_count",
        "version",
        "updated_at",
    )
    list_display_links = ("short_text",)
    list_filter = (
        CheckWorthyFilter,
        StatusFilter,
        AssigneeFilter,
        SourceFilter,
        "publisher",
        FlaggedFilter,
        CheckedGroupFilter,
    )
    search_fields = ("text",)
    # The likeliest first (issue 21): the queue shows check-worthy claims by default
    # (CheckWorthyFilter); with "all claims" they come before the others. Scores are "0.000"
    # to "1.000", so they sort as text; a claim recorded without a score (by hand) comes
    # first, as a person asked for it to be checked.
    # (Django takes expressions here, as in Meta.ordering; django-stubs types only strings.)
    ordering = (  # type: ignore[assignment]
        "-check_worthy",
        KeyTextTransform("score", "check_worthiness").desc(nulls_first=True),
        "-updated_at",
    )
    list_per_page = 50
    actions = [*(_bulk_action(command) for command in BULK_COMMANDS), ERASE_ACTION]

    @admin.display(description="claim")
    def short_text(self, obj: ReviewClaim) -> str:
        if len(obj.text) <= SHORT_TEXT_LENGTH:
            return obj.text
        return obj.text[: SHORT_TEXT_LENGTH - 1] + "…"

    @admin.display(description="verdict")
    def verdict_name(self, obj: ReviewClaim) -> str:
        return str(obj.verdict["rating_name"]) if obj.verdict else "—"

    # The queue is a read model: nothing is added, changed or deleted through forms.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewClaim]:
        return selectors.claims_visible(actor=admin_actor(request), model=ReviewClaim)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actor = admin_actor(request)
        return {
            name: entry
            for name, entry in actions.items()
            if (name == ERASE_ACTION and actor_may_erase_text(actor=actor))
            or (
                name.startswith("bulk_")
                and actor.roles & workflow_roles_for(command=Command(name.removeprefix("bulk_")))
            )
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().changelist_view(
            request,
            {
                "title": "Review queue",
                "subtitle": "Claims to check, the likeliest first. Open a claim to work on it.",
                **(extra_context or {}),
            },
        )

    # The claim page ---------------------------------------------------------------------------

    def row_page(self, request: HttpRequest, row: Any, actor: Actor, /) -> HttpResponse:
        claim_id = str(row.pk)
        refusal = None
        if request.method == "POST" and is_match_post(request):
            refusal = claim_match_post(request, actor=actor, claim_id=claim_id)
            if refusal is None:
                return HttpResponseRedirect(request.path)
        elif request.method == "POST":
            self._run_claim_command(request, actor=actor, claim_id=claim_id)
            return HttpResponseRedirect(request.path)
        as_of = request.GET.get("as_of")
        if as_of is not None:
            return self._claim_as_of_view(request, claim_id=claim_id, as_of=as_of, row=row)
        claim = claim_load(claim_id=claim_id)
        available = workflow_available_commands(actor=actor, claim=claim)
        flags = selectors.claim_flag_list(claim_id=claim_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": opening_words(claim.text),
            "claim": claim,
            "open_flag_count": row.open_flag_count,
            "flags": flags,
            "open_flags": [flag for flag in flags if flag.status == selectors.FlagStatus.OPEN],
            "may_decide_flags": bool(actor.roles & CONTRADICTION_DECIDERS),
            "sign_off_parties": selectors.claim_sign_off_parties(claim_id=claim_id),
            "four_eyes": selectors.organisation_four_eyes_rule(organisation=claim.publisher),
            "source_context": selectors.claim_source_context(
                source_id=claim.source_id, selector=claim.selector
            ),
            "timeline": claim_timeline(claim_id=claim_id),
            "commands": [{"name": command.value, "label": command.label} for command in available],
            "rating_scale": RATING_SCALE,
            "assignable_users": selectors.review_assignable_users(),
            "actor": actor,
            **claim_matches_context(actor=actor, claim_id=claim_id),
            "match_refusal": refusal,
            "has_view_permission": True,
            "has_change_permission": False,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, CLAIM_PAGE_TEMPLATE, context, status=refusal.status if refusal else 200
        )

    def _claim_as_of_view(
        self, request: HttpRequest, *, claim_id: str, as_of: str, row: ReviewClaim
    ) -> HttpResponse:
        """The claim page as the claim stood after one event of its timeline: read-only."""
        try:
            position = int(as_of)
            claim = claim_as_of(claim_id=claim_id, position=position)
        except ValueError:
            messages.error(request, f"{as_of!r} is not an event position; showing the claim now.")
            return HttpResponseRedirect(request.path)
        except LedgerError as error:
            messages.error(request, f"No earlier state to show: {error.message}")
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{opening_words(claim.text)} (as of event #{claim.last_position})",
            "claim": claim,
            "as_of": {"position": claim.last_position, "requested": position},
            "current_version": row.version,
            "source_context": selectors.claim_source_context(
                source_id=claim.source_id, selector=claim.selector
            ),
            "timeline": claim_timeline(claim_id=claim_id),
            **claim_matches_context(actor=admin_actor(request), claim_id=claim_id),
            "commands": [],
            "has_view_permission": True,
            "has_change_permission": False,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, CLAIM_PAGE_TEMPLATE, context)

    def _run_claim_command(self, request: HttpRequest, *, actor: Actor, claim_id: str) -> None:
        try:
            command = Command(request.POST.get("command", ""))
        except ValueError:
            messages.error(request, "Nothing was changed: unknown action.")
            return
        try:
            expected_version = int(request.POST.get("expected_version", ""))
        except ValueError:
            messages.error(request, "Nothing was changed: the page did not send the claim version.")
            return
        arguments = {name: request.POST.get(name, "") for name in COMMANDS[command].argument_names}
        try:
            state = review_command(
                actor=actor,
                command=command,
                claim_id=claim_id,
                expected_version=expected_version,
                arguments=arguments,
                via="admin",
            )
        except LedgerError as error:
            messages.error(
                request, f"{command.label} refused, nothing was changed: {error.message}"
            )
            return
        messages.success(
            request,
            f"{command.label}: done. The claim is {state.status.replace('_', ' ')} "
            f"(version {state.version}).",
        )

    # Bulk actions -----------------------------------------------------------------------------

    def run_bulk(
        self, request: HttpRequest, queryset: QuerySet[ReviewClaim], command: Command
    ) -> HttpResponse | None:
        claims = list(queryset.order_by("-updated_at"))
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                BULK_CONFIRM_TEMPLATE,
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": f"{command.label}: {len(claims)} claim(s)",
                    "command": {"name": command.value, "label": command.label},
                    "action_name": f"bulk_{command.value}",
                    "claims": claims,
                    "needs_reason": command in NEEDS_REASON,
                    "needs_assignee": command is Command.ASSIGN,
                    "assignable_users": selectors.review_assignable_users(),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        targets = []
        refused = []
        for claim in claims:
            try:
                version = int(request.POST.get(f"version_{claim.pk}", ""))
            except ValueError:
                refused.append(
                    BulkOutcome(
                        claim_id=str(claim.pk),
                        succeeded=False,
                        error="the page did not send its version",
                        error_code="invalid_command",
                    )
                )
                continue
            targets.append(ClaimTarget(claim_id=str(claim.pk), expected_version=version))
        actor = admin_actor(request)
        try:
            if command is Command.ASSIGN:
                outcomes = review_bulk_assign(
                    actor=actor, targets=targets, assignee=request.POST.get("assignee", "")
                )
            else:
                outcomes = review_bulk_change_status(
                    actor=actor,
                    command=command,
                    targets=targets,
                    reason=request.POST.get("reason", ""),
                )
        except LedgerError as error:
            messages.error(
                request, f"{command.label} refused, nothing was changed: {error.message}"
            )
            return None
        self._report_bulk(request, command, [*outcomes, *refused], claims)
        return None

    def _report_bulk(
        self,
        request: HttpRequest,
        command: Command,
        outcomes: list[BulkOutcome],
        claims: list[ReviewClaim],
    ) -> None:
        texts = {str(claim.pk): claim.text[:60] for claim in claims}
        succeeded = [outcome for outcome in outcomes if outcome.succeeded]
        if succeeded:
            messages.success(request, f"{command.label}: done for {len(succeeded)} claim(s).")
        for outcome in outcomes:
            if not outcome.succeeded:
                messages.error(
                    request,
                    f"{command.label} refused for “{texts.get(outcome.claim_id, outcome.claim_id)}”"
                    f", nothing was changed: {outcome.error}",
                )

    # Erasure -----------------------------------------------------------------------------------

    @admin.action(description="Erase this claim's text (a data-protection request)…")
    def erase_text(
        self, request: HttpRequest, queryset: QuerySet[ReviewClaim]
    ) -> HttpResponse | None:
        """Ask for a reason on a confirmation page, then erase the one selected claim's text
        from every event that carries it and show what was touched."""

        def erase(claim: ReviewClaim, actor: Actor, metadata: ev.Metadata) -> dict[str, Any]:
            result = claim_erase_text(
                actor=actor,
                claim_id=str(claim.pk),
                reason=request.POST.get("reason", ""),
                metadata=metadata,
            )
            events = len({redaction.position for redaction in result.redactions})
            return {"redactions": result.redactions, "event_count": events}

        return confirmed_action_run(ERASE, self, request, queryset, erase)
