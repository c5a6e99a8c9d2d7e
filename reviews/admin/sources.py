"""The sources page of ``ledger.admin``, scoped to what the viewer may see, with the
data-protection action redacting text of a snapshot (``reviews.erasure.source_redact``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from ledger import events as ev
from ledger.admin import SourceAdmin
from ledger.models import Source
from ledger.source_redaction import SourceRedaction
from reviews import selectors
from reviews.actors import Actor
from reviews.admin.pages import ConfirmedAction, admin_actor, confirmed_action_run
from reviews.erasure import actor_may_erase_text, source_redact

REDACT_ACTION = "redact_text"
REDACT = ConfirmedAction(
    name=REDACT_ACTION,
    noun="source",
    select_one="Select one source to redact; nothing was changed.",
    confirm_title="Redact text from this source",
    confirm_template="admin/ledger/source/redact_confirm.html",
    done_title="Source text redacted",
    done_template="admin/ledger/source/redacted.html",
    refused="Redaction",
)

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

        def redact(source: Source, actor: Actor, metadata: ev.Metadata) -> dict[str, Any]:
            redaction = SourceRedaction(
                source_id=str(source.pk),
                reason=request.POST.get("reason", ""),
                text=request.POST.get("text", ""),
            )
            result = source_redact(actor=actor, redaction=redaction, metadata=metadata)
            return {"result": result}

        return confirmed_action_run(REDACT, self, request, queryset, redact)
