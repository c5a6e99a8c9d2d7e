"""List filters: claims (status, verdict, source, publisher, flagged, updated since, in a checked
match group, search) and contradiction flags (status, type, claim, detector version, priority)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django_filters import rest_framework as filters
from rest_framework.request import Request

from ledger.claims import ClaimStatus
from ledger.models import ClaimView, ContradictionView
from reviews.api.serializers.contradictions import FLAG_PRIORITIES, FLAG_STATUSES
from reviews.contradictions.detectors import CUE_KIND_CHOICES, UNKNOWN_CUE_KIND
from reviews.selectors import claims_in_checked_group

MAX_SEARCH_TERMS = 10


class FilterBackend(filters.DjangoFilterBackend):  # type: ignore[misc]
    """django-filter's backend, which skips the filter form when no parameter names a filter.

    Without any of its parameters every filter of a set is a no-op, so building and validating
    its form (a deep copy of the filters, a form class, a bound form) for a plain page only cost
    time: about 9% of a claim list request (docs/performance.md, section 4b). Any parameter that
    could belong to a filter, or a required filter, takes django-filter's own path.
    """

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not filtering_requested(
            parameters=request.query_params, base_filters=filterset_class.base_filters
        ):
            return filterset_class.defaults_applied(queryset)
        return super().filter_queryset(request, queryset, view)


def filtering_requested(*, parameters: QueryDict, base_filters: dict[str, Any]) -> bool:
    """Whether any parameter may be a filter's (its name, or its name with a widget's suffix
    such as ``_min`` or ``_after``), or a filter is required and must be validated anyway."""
    return any(
        name.startswith(filter_name) for name in parameters for filter_name in base_filters
    ) or any(filter_.extra.get("required") for filter_ in base_filters.values())


class LedgerFilterSet(filters.FilterSet):  # type: ignore[misc]
    """A filter set whose defaults apply also when a request names none of its filters."""

    @classmethod
    def defaults_applied(cls, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` filtered as when no parameter is given (no filter: all of it)."""
        return queryset


CHECK_WORTHY_CHOICES = [("true", "true"), ("false", "false"), ("all", "all")]
CHECK_WORTHY_DEFAULT = "true"
# A choice, not a boolean filter: that one reads "maybe" as no filter instead of refusing it.
IN_CHECKED_GROUP_CHOICES = [("true", "true"), ("false", "false")]


class ClaimFilter(LedgerFilterSet):
    check_worthy = filters.ChoiceFilter(
        choices=CHECK_WORTHY_CHOICES,
        method="filter_check_worthy",
        empty_label=None,
        help_text="true (the default): the check-worthy queue; false: claims the classifier "
        "found not check-worthy (an editor may promote them); all: every claim.",
    )
    status = filters.MultipleChoiceFilter(
        choices=[(status.value, status.value) for status in ClaimStatus],
        help_text="One or more statuses (repeat the parameter).",
    )
    verdict = filters.CharFilter(
        field_name="verdict__rating_name",
        lookup_expr="iexact",
        help_text="The verdict's rating name, e.g. false.",
    )
    source = filters.UUIDFilter(field_name="source_id")
    publisher = filters.CharFilter(field_name="publisher")
    flagged = filters.BooleanFilter(
        method="filter_flagged", help_text="true: claims with an open contradiction flag."
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    in_checked_group = filters.ChoiceFilter(
        choices=IN_CHECKED_GROUP_CHOICES,
        method="filter_in_checked_group",
        help_text="false: hide claims matched into a group whose canonical claim is published "
        "(already checked); true: only those claims.",
    )
    q = filters.CharFilter(
        method="filter_search",
        help_text="Words the claim's text must all contain (case-insensitive).",
    )

    class Meta:
        model = ClaimView
        fields = [
            "check_worthy",
            "status",
            "verdict",
            "source",
            "publisher",
            "flagged",
            "updated_since",
            "in_checked_group",
            "q",
        ]

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and "check_worthy" not in data:
            data = data.copy()
            data["check_worthy"] = CHECK_WORTHY_DEFAULT
        super().__init__(data, *args, **kwargs)
        # Absent means the default (check_worthy) or no filter (in_checked_group); given empty
        # ("?check_worthy=") is an error, not "no filter". Only this request's copy of a filter
        # is required: ``filtering_requested`` reads the class's filters, so a plain page keeps
        # its fast path.
        for name in ("check_worthy", "in_checked_group"):
            if data is not None and name in data:
                self.filters[name].extra["required"] = True

    @classmethod
    def defaults_applied(cls, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(check_worthy=True)

    def filter_check_worthy(
        self, queryset: QuerySet[ClaimView], name: str, value: str
    ) -> QuerySet[ClaimView]:
        if value == "all":
            return queryset
        return queryset.filter(check_worthy=value != "false")

    def filter_flagged(
        self, queryset: QuerySet[ClaimView], name: str, value: bool | None
    ) -> QuerySet[ClaimView]:
        if value is None:
            return queryset
        return (
            queryset.filter(open_flag_count__gt=0) if value else queryset.filter(open_flag_count=0)
        )

    def filter_in_checked_group(
        self, queryset: QuerySet[ClaimView], name: str, value: str
    ) -> QuerySet[ClaimView]:
        return claims_in_checked_group(claims=queryset, in_group=value == "true")

    def filter_search(
        self, queryset: QuerySet[ClaimView], name: str, value: str
    ) -> QuerySet[ClaimView]:
        terms = value.split()[:MAX_SEARCH_TERMS]
        condition = Q()
        for term in terms:
            condition &= Q(text__icontains=term)
        return queryset.filter(condition)


class ContradictionFilter(LedgerFilterSet):
    status = filters.MultipleChoiceFilter(
        choices=FLAG_STATUSES,
        help_text="One or more of open, confirmed, dismissed (repeat the parameter).",
    )
    type = filters.MultipleChoiceFilter(
        choices=CUE_KIND_CHOICES,
        method="filter_type",
        help_text="One or more flag types, the strongest cue's detector: "
        + ", ".join(kind for kind, _ in CUE_KIND_CHOICES)
        + " (repeat the parameter).",
    )
    claim = filters.UUIDFilter(
        method="filter_claim", help_text="Flags naming this claim (either side)."
    )
    detector_version = filters.CharFilter(
        field_name="detector_version",
        help_text="The detector version that flagged, e.g. lexical-1.",
    )
    priority = filters.ChoiceFilter(
        choices=FLAG_PRIORITIES,
        field_name="priority",
        help_text="normal: at least one claim is check-worthy; low: neither is.",
    )

    class Meta:
        model = ContradictionView
        fields = ["status", "type", "claim", "detector_version", "priority"]

    def filter_type(
        self, queryset: QuerySet[ContradictionView], name: str, value: list[str]
    ) -> QuerySet[ContradictionView]:
        if not value:
            return queryset
        kinds = ["" if kind == UNKNOWN_CUE_KIND else kind for kind in value]
        return queryset.filter(cue_kind__in=kinds)

    def filter_claim(
        self, queryset: QuerySet[ContradictionView], name: str, value: Any
    ) -> QuerySet[ContradictionView]:
        if value is None:
            return queryset
        return queryset.filter(Q(claim_a=value) | Q(claim_b=value))
