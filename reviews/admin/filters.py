"""The review queue's filters: check-worthiness, status, assignee, source, flags and whether a
claim is already checked through its match group."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ledger.claims import ClaimStatus
from ledger.models import Source
from reviews import selectors
from reviews.admin.pages import ConditionFilter, FieldValueFilter, admin_actor, column_values
from reviews.models import ReviewClaim

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices


class CheckWorthyFilter(ConditionFilter):
    """The queue shows check-worthy claims by default (issue 21, docs/checkworthiness.md); this
    filter shows the others, or every claim, and says which is shown."""

    title = "check-worthiness"
    parameter_name = "check_worthy"
    DEFAULT = "yes"
    conditions: ClassVar[dict[str, tuple[str, Q]]] = {
        "yes": ("check-worthy (the queue)", Q(check_worthy=True)),
        "no": ("not check-worthy (promote to queue)", Q(check_worthy=False)),
        "all": ("all claims", Q()),
    }

    def value(self) -> str:
        return str(super().value() or self.DEFAULT)

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        # No "All" entry of Django's: no parameter means the default, so "all claims" is one of
        # the lookups.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class StatusFilter(FieldValueFilter):
    title = "status"
    parameter_name = "status"
    field = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(status.value, status.value.replace("_", " ")) for status in ClaimStatus]


class AssigneeFilter(FieldValueFilter):
    title = "assignee"
    parameter_name = "assignee"
    field = "assignee"
    MINE = "__me__"
    NOBODY = "__nobody__"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        assignees = column_values(ReviewClaim.objects.all(), "assignee")
        return [(self.MINE, "assigned to me"), (self.NOBODY, "unassigned")] + [
            (name, name) for name in assignees
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == self.MINE:
            return queryset.filter(assignee=request.user.get_username())
        if self.value() == self.NOBODY:
            return queryset.filter(assignee="")
        return super().queryset(request, queryset)


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


class FlaggedFilter(ConditionFilter):
    title = "contradiction flags"
    parameter_name = "flagged"
    conditions: ClassVar[dict[str, tuple[str, Q]]] = {
        "yes": ("has open flags", Q(open_flag_count__gt=0)),
        "no": ("no open flags", Q(open_flag_count=0)),
    }


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
