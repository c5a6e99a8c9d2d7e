"""The sources page of ``ledger.admin``, scoped to what the viewer may see."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ledger.admin import SourceAdmin
from ledger.models import Source
from reviews import selectors
from reviews.admin.pages import admin_actor

# The sources page of ``ledger.admin``, scoped like the queue: a publisher sees only its
# organisation's sources, and another's by id is "not found", as a missing one. (The scoping
# rule lives in ``reviews``, which ``ledger`` may not import.)
admin.site.unregister(Source)


@admin.register(Source)
class ScopedSourceAdmin(SourceAdmin):
    def get_queryset(self, request: HttpRequest) -> Any:
        visible = selectors.sources_visible(actor=admin_actor(request)).values("pk")
        return super().get_queryset(request).filter(pk__in=visible)
