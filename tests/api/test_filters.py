"""The filter backend skips django-filter's form only when no parameter can be a filter's."""

import pytest
from django.http import QueryDict
from django_filters import rest_framework as filters

from ledger.claims import ClaimStatus
from ledger.models import ClaimView
from reviews.api.filters import ClaimFilter, filtering_requested
from reviews.api.views.claims import ClaimListView


@pytest.mark.parametrize(
    ("query", "requested"),
    [
        ("", False),
        ("page_size=10&cursor=cD05", False),
        ("status=", True),
        ("status=pending", True),
        ("flagged=true&page_size=3", True),
        ("q=iran", True),
        ("updated_since_after=2026-01-01", True),  # a suffixed widget's name counts too
    ],
)
def test_which_parameters_ask_for_filtering(query, requested):
    assert (
        filtering_requested(parameters=QueryDict(query), base_filters=ClaimFilter.base_filters)
        is requested
    )


def test_a_required_filter_is_always_validated():
    class Required(filters.FilterSet):  # type: ignore[misc]
        status = filters.CharFilter(required=True)

        class Meta:
            model = ClaimView
            fields = ["status"]

    assert filtering_requested(parameters=QueryDict(""), base_filters=Required.base_filters)


@pytest.mark.django_db
def test_a_plain_page_builds_no_filter_form_and_a_filtered_one_does(
    client_for, claim_in, monkeypatch
):
    # given a claim and a filter set that counts its instances
    claim_in(ClaimStatus.PENDING)
    built: list[object] = []

    class CountedClaimFilter(ClaimFilter):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(ClaimListView, "filterset_class", CountedClaimFilter)
    client = client_for("audrey")

    # when a plain page, then a filtered one, are read
    plain = client.get("/api/v1/claims/?page_size=5")
    filtered = client.get("/api/v1/claims/?status=published")

    # then only the filtered one went through django-filter, and both answered as before
    assert len(built) == 1
    assert len(plain.json()["results"]) == 1
    assert filtered.json()["results"] == []
