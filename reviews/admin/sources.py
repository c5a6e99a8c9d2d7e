"""The sources page of ``ledger.admin``, scoped to what the viewer may see, with the
data-protection action redacting text of a snapshot (``reviews.erasure.source_redact``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from ledger import events as ev
from ledger.admin import SourceAdmin
from ledger.exceptions import LedgerError
from ledger.models import Source
from reviews import selectors
from reviews.admin.pages import admin_actor
from reviews.erasure import actor_may_erase_text, source_redact

REDACT_ACTION = "redact_text"
REDACT_CONFIRM_TEMPLATE = "admin/ledger/source/redact_confirm.html"
REDACTED_TEMPLATE = "admin/ledger/source/redacted.html"

# The sources page of ``ledger.admin``, scoped like the queue: a publisher sees only its
# organisation's sources, and another's by id is "not found", as a missing one. (The scoping
# rule lives in ``reviews``, which ``ledger`` may not import.)
admin.site.unregister(Source)


@admin.register(Source)
class ScopedSourceAdmin(SourceAdmin):
    actions = [REDACT_ACTION]  # type: ignore[assignment]  # the read-only base has none

    def get_queryset(self, request: HttpRequest) -> Any:
        visible = selectors.sources_visible(actor=admin_actor(request)).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        if not actor_may_erase_text(actor=admin_actor(request)):
            return {}
        return super().get_actions(request)

    @admin.action(description="Redact text from this source (a data-protection request)…")
    def redact_text(self, request: HttpRequest, queryset: QuerySet[Source]) -> HttpResponse | None:
        """Ask for the text and a reason on a confirmation page, then redact it from the one
        selected source and show what was touched."""
        sources = list(queryset[:2])
        if len(sources) != 1:
            messages.error(request, "Select one source to redact; nothing was changed.")
            return None
        source = sources[0]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "source": source,
            "action_name": REDACT_ACTION,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        if request.POST.get("confirmed") != "yes":
            context["title"] = "Redact text from this source"
            return TemplateResponse(request, REDACT_CONFIRM_TEMPLATE, context)
        actor = admin_actor(request)
        try:
            result = source_redact(
                actor=actor,
                source_id=str(source.pk),
                text=request.POST.get("text", ""),
                reason=request.POST.get("reason", ""),
                metadata=ev.Metadata(actor=actor.reference, via="admin"),
            )
        except LedgerError as error:
            messages.error(request, f"Redaction refused, nothing was changed: {error.message}")
            return None
        context["title"] = "Source text redacted"
        context["result"] = result
        request.current_app = self.admin_site.name
        return TemplateResponse(request, REDACTED_TEMPLATE, context)
