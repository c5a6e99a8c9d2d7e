"""The OpenAPI schema validates, the docs work offline, and the API keeps to its schema.

The property-based test (schemathesis) generates requests from ``/api/schema/`` for every
operation and fails on any 5xx or any response the schema does not describe. CI runs it with
``SCHEMATHESIS_MAX_EXAMPLES`` examples per operation (default 25).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis.config import SchemathesisConfig

from ledger.claims import ClaimStatus
from reviews.actor_reads import actor_for_user
from reviews.contradictions.detectors import CUE_KIND_LABELS, UNKNOWN_CUE_KIND
from reviews.keys import api_key_create

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


@pytest.mark.django_db
def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert "/api/v1/claims/{claim_id}/approve/" in text
    assert "ApiKey" in text


@pytest.mark.django_db
def test_the_schema_is_public_json(people):
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Claims ledger API"


@pytest.mark.django_db
def test_submitting_a_source_documents_every_answer_and_no_cross_organisation_one(people):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    responses = schema.json()["paths"]["/api/v1/sources/"]["post"]["responses"]
    assert sorted(responses) == ["200", "201", "400", "401", "403", "413", "422", "429"]
    assert responses["200"]["description"] == (
        "The publisher already submitted these exact bytes: the stored source and its claims, "
        "created false; nothing was recorded."
    )


@pytest.mark.django_db
def test_the_docs_are_served_without_any_cdn(people):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert cdn not in html


# A request the schema allows may still break a domain rule (422), arrive stale (409) or without
# a version (428), name something gone (410): those are valid answers, not rejections of valid
# data. 400 is not listed: the schema must describe what the API accepts.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": [
                    "2xx",
                    "3xx",
                    "401",
                    "403",
                    "404",
                    "409",
                    "410",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                ]
            }
        }
    }
)


@pytest.fixture
def connections_kept() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client does.

    Schemathesis calls the WSGI handler directly, whose request signals would otherwise close
    the connection that holds the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def published_claim(claim_in) -> str:
    """Something for generated requests to find (once per operation, not per example)."""
    return str(claim_in(ClaimStatus.PUBLISHED).claim_id)


# Loaded at collection: the schema view needs neither a database nor credentials.
schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=CONFIG)


@pytest.mark.slow
@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_to_its_schema(case, people, published_claim, connections_kept):
    # An administrator's key holds every scope, so every operation is really exercised.
    _, token = api_key_create(
        actor=actor_for_user(user=people["ada"]), name="fuzz", scopes=["read", "submit", "review"]
    )
    case.call_and_validate(headers={"Authorization": f"Api-Key {token}"})


@pytest.mark.django_db
def test_the_claim_list_documents_its_check_worthy_filter(people):
    # when the schema is read / then the list's check_worthy parameter names its three values
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    parameters = response.json()["paths"]["/api/v1/claims/"]["get"]["parameters"]
    check_worthy = next(item for item in parameters if item["name"] == "check_worthy")
    assert check_worthy["in"] == "query"
    assert check_worthy["schema"] == {
        "type": "string",
        "enum": ["all", "false", "true"],
        "default": "true",
    }
    assert check_worthy["description"].startswith("true (the default): the check-worthy queue")


@pytest.mark.django_db
def test_the_flag_detail_documents_its_explanation_and_the_list_has_none(people):
    # when the schema is read
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schemas = response.json()["components"]["schemas"]
    # then the flag detail (and the decisions, which answer with it) documents the explanation
    assert schemas["ContradictionFlagDetail"]["properties"]["explanation"] == {
        "allOf": [{"$ref": "#/components/schemas/FlagExplanation"}],
        "nullable": True,
        "readOnly": True,
        "description": "How today's detectors read the two claims (null when either claim is "
        "no longer in the claim list).",
    }
    explanation = schemas["FlagExplanation"]
    assert list(explanation["properties"]) == [
        "detector_version",
        "contradiction",
        "score",
        "threshold",
        "subject",
        "claims",
        "detectors",
        "lines",
    ]
    assert sorted(explanation["required"]) == sorted(explanation["properties"])
    assert explanation["properties"]["detector_version"]["description"] == (
        "The detectors that computed this explanation now; the flag's own detector_version, "
        "score and cues are from when it was flagged."
    )
    assert explanation["properties"]["detectors"]["items"] == {
        "$ref": "#/components/schemas/DetectorVerdict"
    }
    assert list(schemas["DetectorVerdict"]["properties"]) == ["detector", "fired", "reason"]
    assert list(schemas["ExplanationClaim"]["properties"]) == ["role", "predicates", "times"]
    assert list(schemas["ExplanationSubject"]["properties"]) == ["entities", "shared_words"]
    # and the list, which never computes one, does not promise it
    assert "explanation" not in schemas["ContradictionFlag"]["properties"]


@pytest.mark.django_db
def test_the_flag_list_documents_its_type_filter_and_field(people):
    # when the schema is read
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    parameters = schema["paths"]["/api/v1/contradictions/"]["get"]["parameters"]
    # then the list's type parameter names every type, and each flag shows its type
    type_filter = next(item for item in parameters if item["name"] == "type")
    assert type_filter["in"] == "query"
    assert type_filter["schema"]["items"]["enum"] == sorted([*CUE_KIND_LABELS, UNKNOWN_CUE_KIND])
    assert type_filter["description"].startswith("One or more flag types")
    flag = schema["components"]["schemas"]["ContradictionFlag"]["properties"]
    assert flag["type"]["type"] == "string"
    assert flag["type"]["description"].startswith("The strongest cue's detector")
    assert flag["type_label"] == {
        "type": "string",
        "description": "The type in words for people.",
        "readOnly": True,
    }
