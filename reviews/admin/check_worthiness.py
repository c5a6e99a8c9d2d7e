"""The review queue's check-worthiness filter: check-worthy claims unless the editor asks for
the others or for every claim (issue 21, docs/checkworthiness.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices


class CheckWorthyFilter(admin.SimpleListFilter):
    """The queue shows check-worthy claims by default (issue 21); this filter shows the others,
    or every claim, and says which is shown."""

    title = "check-worthiness"
    parameter_name = "check_worthy"
    DEFAULT = "yes"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("yes", "check-worthy (the queue)"),
            ("no", "not check-worthy (promote to queue)"),
            ("all", "all claims"),
        ]

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

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(check_worthy=True)
        if self.value() == "no":
            return queryset.filter(check_worthy=False)
        return queryset
