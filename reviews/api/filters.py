"""List filters: claims (status, verdict, source, publisher, flagged, updated since, search) and
contradiction flags (status, claim, detector version)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from ledger.claims import ClaimStatus
from ledger.models import ClaimView, ContradictionView
from reviews.api.serializers import FLAG_STATUSES

MAX_SEARCH_TERMS = 10


class ClaimFilter(filters.FilterSet):  # type: ignore[misc]
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
    q = filters.CharFilter(
        method="filter_search",
        help_text="Words the claim's text must all contain (case-insensitive).",
    )

    class Meta:
        model = ClaimView
        fields = ["status", "verdict", "source", "publisher", "flagged", "updated_since", "q"]

    def filter_flagged(
        self, queryset: QuerySet[ClaimView], name: str, value: bool | None
    ) -> QuerySet[ClaimView]:
        if value is None:
            return queryset
        return (
            queryset.filter(open_flag_count__gt=0) if value else queryset.filter(open_flag_count=0)
        )

    def filter_search(
        self, queryset: QuerySet[ClaimView], name: str, value: str
    ) -> QuerySet[ClaimView]:
        terms = value.split()[:MAX_SEARCH_TERMS]
        condition = Q()
        for term in terms:
            condition &= Q(text__icontains=term)
        return queryset.filter(condition)


class ContradictionFilter(filters.FilterSet):  # type: ignore[misc]
    status = filters.MultipleChoiceFilter(
        choices=FLAG_STATUSES,
        help_text="One or more of open, confirmed, dismissed (repeat the parameter).",
    )
    claim = filters.UUIDFilter(
        method="filter_claim", help_text="Flags naming this claim (either side)."
    )
    detector_version = filters.CharFilter(
        field_name="detector_version",
        help_text="The detector version that flagged, e.g. lexical-1.",
    )

    class Meta:
        model = ContradictionView
        fields = ["status", "claim", "detector_version"]

    def filter_claim(
        self, queryset: QuerySet[ContradictionView], name: str, value: Any
    ) -> QuerySet[ContradictionView]:
        if value is None:
            return queryset
        return queryset.filter(Q(claim_a=value) | Q(claim_b=value))
