"""Read-only admin over the event log and the stored sources.

Events are append-only and written by ``ledger.store.append`` alone; sources are immutable
snapshots. Nothing here can add, change or delete a row, and there are no bulk actions.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from ledger.models import Event, Source

if TYPE_CHECKING:
    ModelAdmin = admin.ModelAdmin[Any]
else:
    ModelAdmin = admin.ModelAdmin  # generic only for the type checker


class NeverWritten:
    """Mixed into a model admin or an inline: nothing is added, changed or deleted through
    forms (what a user may do to such rows goes through services, as admin actions)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(NeverWritten, ModelAdmin):
    actions = None


def _pretty_json(value: Any) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = (
        "position",
        "type",
        "stream_type",
        "stream_id",
        "version",
        "actor",
        "recorded_at",
    )
    list_filter = ("type", "stream_type")
    search_fields = ("=stream_id", "=hash")
    ordering = ("-position",)
    list_per_page = 100
    show_full_result_count = False  # counting a long log on every page is wasted work
    fields = (
        "position",
        "stream_type",
        "stream_id",
        "version",
        "type",
        "schema_version",
        "recorded_at",
        "pretty_data",
        "pretty_metadata",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description="actor")
    def actor(self, obj: Event) -> str:
        return str(obj.metadata.get("actor", ""))

    @admin.display(description="data")
    def pretty_data(self, obj: Event) -> str:
        return _pretty_json(obj.data)

    @admin.display(description="metadata")
    def pretty_metadata(self, obj: Event) -> str:
        return _pretty_json(obj.metadata)


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ("title", "publisher", "url", "media_type", "captured_at")
    list_filter = ("publisher", "media_type")
    search_fields = ("title", "url", "=sha256")
    ordering = ("-captured_at",)
    fields = (
        "id",
        "title",
        "publisher",
        "url",
        "published_at",
        "captured_at",
        "media_type",
        "sha256",
        "size",
        "text",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("content")

    @admin.display(description="stored bytes")
    def size(self, obj: Source) -> int:
        return len(obj.content)
