"""A published claim's ClaimReview (schema.org JSON-LD)."""

import pytest

from ledger import events as ev
from ledger.claims import ClaimStatus
from ledger.ingestion import source_ingest
from ledger.services import claim_command
from tests.api.conftest import OWN, assert_problem
from tests.claims import PATH_TO, SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_from_source(people) -> tuple[str, str]:
    result = source_ingest(
        content=b"Iran's parliament approved a budget of $100 million on 3 May 2024, aides said.",
        media_type="text/plain",
        metadata=SYSTEM,
        url="https://news.example/budget",
        title="Budget passes",
        publisher=OWN,
        published_at="2024-05-04T08:00:00Z",
    )
    claim = result.claims[0]
    version = 1
    for event in [ev.ClaimAssigned(assignee="rita"), *PATH_TO[ClaimStatus.PUBLISHED]]:
        state = claim_command(
            claim_id=claim.claim_id, expected_version=version, event=event, metadata=SYSTEM
        )
        version = state.version
    return claim.claim_id, state.text


def test_claimreview_of_a_published_claim(client_for, published_from_source):
    claim_id, text = published_from_source

    response = client_for("gina").get(f"/api/v1/claims/{claim_id}/claimreview/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = response.json()
    assert document["@context"] == "https://schema.org"
    assert document["@type"] == "ClaimReview"
    assert document["claimReviewed"] == text
    assert document["url"] == "https://checks.example/1"
    assert len(document["datePublished"]) == 10
    assert document["author"] == {"@type": "Organization", "name": "Claims ledger"}
    assert document["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "worstRating": 1,
        "bestRating": 5,
        "alternateName": "False",
        "ratingExplanation": "the record shows otherwise",
    }
    item = document["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Organization", "name": "Daily Planet"}
    assert item["datePublished"] == "2024-05-04"
    assert item["appearance"] == [
        {
            "@type": "CreativeWork",
            "url": "https://news.example/budget",
            "headline": "Budget passes",
            "datePublished": "2024-05-04",
            "author": {"@type": "Organization", "name": "Daily Planet"},
        }
    ]


def test_claimreview_also_answers_plain_json_when_asked(client_for, published_from_source):
    claim_id, _ = published_from_source
    response = client_for("pat").get(
        f"/api/v1/claims/{claim_id}/claimreview/", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_an_unpublished_claim_has_no_claimreview(client_for, claim_in):
    claim = claim_in(ClaimStatus.SIGNED_OFF)
    body = assert_problem(
        client_for("pat").get(f"/api/v1/claims/{claim.claim_id}/claimreview/"), 404
    )
    assert body["detail"] == f"claim {claim.claim_id} has no published review"


def test_a_retracted_claims_review_is_gone(client_for, claim_in):
    claim = claim_in(ClaimStatus.RETRACTED)
    assert_problem(client_for("pat").get(f"/api/v1/claims/{claim.claim_id}/claimreview/"), 410)
