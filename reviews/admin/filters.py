"""The review queue's filters: status, assignee, source, flags and whether a claim is already
checked through its match group (check-worthiness is ``reviews.admin.check_worthiness``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ledger.claims import ClaimStatus
from ledger.models import Source
from reviews import selectors
from reviews.admin.pages import admin_actor
from reviews.models import ReviewClaim


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(status.value, status.value.replace("_", " ")) for status in ClaimStatus]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(status=self.value()) if self.value() else queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = "assignee"
    parameter_name = "assignee"
    MINE = "__me__"
    NOBODY = "__nobody__"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        assignees = (
            ReviewClaim.objects.exclude(assignee="")
            .order_by("assignee")
            .values_list("assignee", flat=True)
            .distinct()
        )
        return [(self.MINE, "assigned to me"), (self.NOBODY, "unassigned")] + [
            (name, name) for name in assignees
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == self.MINE:
            return queryset.filter(assignee=request.user.get_username())
        if value == self.NOBODY:
            return queryset.filter(assignee="")
        return queryset.filter(assignee=value) if value else queryset


class SourceFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        # Only sources of claims the user may see: a publisher never learns others' titles.
        claims = selectors.claims_visible(actor=admin_actor(request), model=ReviewClaim)
        source_ids = claims.exclude(source_id=None).values("source_id").distinct()
        sources = Source.objects.filter(pk__in=source_ids).only("id", "title", "url", "sha256")
        return sorted(
            ((str(source.pk), str(source)[:80]) for source in sources), key=lambda x: x[1]
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        try:
            return queryset.filter(source_id=uuid.UUID(value))
        except ValueError:
            return queryset.none()


class FlaggedFilter(admin.SimpleListFilter):
    title = "contradiction flags"
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "has open flags"), ("no", "no open flags")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(open_flag_count__gt=0)
        if self.value() == "no":
            return queryset.filter(open_flag_count=0)
        return queryset


class CheckedGroupFilter(admin.SimpleListFilter):
    """Claims matched into a group whose canonical claim is published: its verdict is checked
    already (``selectors.claims_in_checked_group``, the API's ``in_checked_group`` too)."""

    title = "match group"
    parameter_name = "checked_group"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("hide", "hide claims of a checked group"),
            ("only", "only claims of a checked group"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("hide", "only"):
            return queryset
        return selectors.claims_in_checked_group(claims=queryset, in_group=self.value() == "only")
