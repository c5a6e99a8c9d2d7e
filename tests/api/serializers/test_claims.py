"""Output serializers written out by hand give exactly what DRF's generic path gives."""

import datetime
import uuid

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from ledger.claims import ClaimStatus
from ledger.models import ClaimView
from reviews.api.selectors import source_for_provenance
from reviews.api.serializers.claims import ClaimDetailSerializer, ClaimSerializer
from tests.api.conftest import claim_from_a_source

pytestmark = pytest.mark.django_db

WHEN = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)  # a DST change in Europe


def _unsaved(**changes: object) -> ClaimView:
    """A read-model row in memory, for values the services never write."""
    fields: dict[str, object] = {
        "claim_id": uuid.UUID("2f1c0c5e-8d0a-4c57-9a52-0a1f5f3b7c11"),
        "source_id": None,
        "publisher": "",
        "text": "Plain.",
        "status": "pending",
        "version": 1,
        "assignee": "",
        "verdict": None,
        "selector": None,
        "check_worthiness": {},
        "entities": [],
        "open_flag_count": 0,
        "recorded_at": WHEN,
        "updated_at": WHEN + datetime.timedelta(microseconds=7),
        "last_position": 1,
    }
    return ClaimView(**{**fields, **changes})


def _rendered(data: object) -> bytes:
    return bytes(JSONRenderer().render(data))


def _claims(claim_in) -> list[ClaimView]:
    extracted = claim_from_a_source()
    published = claim_in(ClaimStatus.PUBLISHED, text="Z\u00fcrich\u2019s budget rose 5%.")
    pending = claim_in(text="Plain pending claim.", assignee="")
    stored = [
        ClaimView.objects.get(pk=claim_id)
        for claim_id in (extracted.claim_id, published.claim_id, pending.claim_id)
    ]
    return [
        *stored,
        _unsaved(open_flag_count=3, verdict={"rating": 0, "rating_name": "", "explanation": ""}),
        _unsaved(verdict={"rating": None, "rating_name": None, "explanation": "x", "extra": 1}),
        _unsaved(recorded_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)),
    ]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_the_claim_serializer_gives_what_the_generic_path_gives(claim_in, people, zone):
    claims = _claims(claim_in)
    with timezone.override(zone):
        fast = ClaimSerializer(claims, many=True).data
        generic = [
            serializers.ModelSerializer.to_representation(ClaimSerializer(claim), claim)
            for claim in claims
        ]
    assert _rendered(fast) == _rendered(generic)
    assert [list(item) for item in fast] == [list(ClaimSerializer().fields)] * len(claims)


def test_the_claim_detail_serializer_gives_what_the_generic_path_gives(claim_in, people):
    for claim in _claims(claim_in)[:3]:
        context = {"source": source_for_provenance(source_id=claim.source_id)}
        fast = ClaimDetailSerializer(claim, context=context).data
        generic = serializers.ModelSerializer.to_representation(
            ClaimDetailSerializer(claim, context=context), claim
        )
        assert _rendered(fast) == _rendered(generic)
        assert list(fast) == list(ClaimDetailSerializer().fields)
