"""Hostile request bodies against every POST operation of the API: a clear 4xx, never a 5xx.

The operations come from the OpenAPI schema, so a new endpoint is covered without editing this
file. Malformed bodies (wrong JSON types, unknown fields, huge or NUL-bearing strings, lone
surrogates, huge numbers, deep nesting, invalid UTF-8, broken JSON, wrong content types, a body
over the size limit) must answer a problem in the 4xx range and store nothing. Injection strings
(SQL, HTML, template, path) in well-formed bodies may be accepted, are stored verbatim, and
never cause a 5xx.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from ledger.claims import ClaimStatus
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, Event
from ledger.verification import ledger_verify
from reviews.models import WebhookDelivery
from reviews.webhooks.endpoints import webhook_endpoint_register
from reviews.webhooks.outbox import webhooks_collect
from tests.actors import publisher_actor
from tests.api.conftest import OWN
from tests.claims import SYSTEM
from tests.reliability.conftest import figures_record, flag_between

pytestmark = pytest.mark.django_db

SOURCE_LIMIT = 64 * 1024
REQUEST_LIMIT = 1024 * 1024
HUGE_STRING = "A" * (SOURCE_LIMIT * 3)  # over every field's limit, under the request limit
DEPTH = 100_000

INJECTIONS = [
    "'; DROP TABLE ledger_event; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM reviews_apikey WHERE ('1'='1",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}} {% debug %} ${jndi:ldap://example.org/a}",
    "../../../../etc/passwd",
]
# Stored text follows ingestion's rule (issue 17.11): a bidi override is refused, not stored.
SPOOFING = "\u202eevil\u202c"


def _schema() -> dict[str, Any]:
    return dict(SchemaGenerator().get_schema(request=None, public=True))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return dict(node)


def post_operations() -> list[tuple[str, dict[str, Any] | None]]:
    """Every POST operation: (path template, {JSON property: its schema}, None if no body)."""
    schema = _schema()
    found: list[tuple[str, dict[str, Any] | None]] = []
    for path, operations in sorted(schema["paths"].items()):
        operation = operations.get("post")
        if operation is None:
            continue
        content = operation.get("requestBody", {}).get("content", {})
        body = content.get("application/json", {}).get("schema")
        if body is None:
            found.append((path, None))
            continue
        properties = _resolve(schema, body).get("properties", {})
        found.append((path, {n: _resolve(schema, p) for n, p in properties.items()}))
    return found


OPERATIONS = post_operations()

WRONG_VALUES: dict[str, list[Any]] = {
    "string": [12345, True, ["x"], {"x": "y"}, 1.5],
    "integer": ["3", True, [3], {"n": 3}, 1.5],
    "array": ["x", 3, {"x": "y"}, True],
    "object": ["x", 3, ["x"], True],
}


def malformed_bodies(properties: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, request keyword arguments) for bodies that must be refused."""
    cases: list[tuple[str, dict[str, Any]]] = []

    def as_json(label: str, value: Any) -> None:
        cases.append((label, {"data": json.dumps(value), "content_type": "application/json"}))

    top_level: list[Any] = [[], "text", 42, None, True]
    for value in top_level:
        as_json(f"top-level {type(value).__name__}", value)
    for name, prop in properties.items():
        kind = prop.get("type", "string")
        for wrong in WRONG_VALUES.get(kind, []):
            as_json(f"{name}: {type(wrong).__name__} for {kind}", {name: wrong})
        if kind == "string":
            as_json(f"{name}: huge string", {name: HUGE_STRING})
            as_json(f"{name}: NUL character", {name: "Iran said\x00 so."})
            as_json(f"{name}: lone surrogate", {name: "Iran \ud800 said so."})
            if prop.get("format") == "uuid":
                as_json(f"{name}: not a uuid", {name: "1 OR 1=1"})
        if kind == "integer":
            as_json(f"{name}: huge integer", {name: 10**40})
            as_json(f"{name}: negative", {name: -1})
    as_json("unknown fields", {"unexpected": "x", "is_superuser": True, "organisation_id": OWN})
    cases += [
        ("deeply nested array", {"data": "[" * DEPTH + "]" * DEPTH}),
        ("deeply nested object", {"data": '{"a":' * DEPTH + "1" + "}" * DEPTH}),
        ("broken JSON", {"data": '{"text": "Iran'}),
        ("invalid UTF-8", {"data": b'{"text": "Iran \xff\xfe said"}'}),
        ("JSON with a BOM and garbage", {"data": b"\xef\xbb\xbf\x00\x01\x02"}),
        ("over the request limit", {"data": json.dumps({"text": "A" * (REQUEST_LIMIT + 1)})}),
        (
            "form encoded",
            {"data": "text=Iran", "content_type": "application/x-www-form-urlencoded"},
        ),
        ("XML", {"data": "<claim><text>Iran</text></claim>", "content_type": "application/xml"}),
        ("octet stream", {"data": b"\x00\x01\x02", "content_type": "application/octet-stream"}),
        ("multipart", {"data": "--b\r\n\r\nx\r\n--b--", "content_type": "multipart/form-data"}),
    ]
    for case in cases:
        case[1].setdefault("content_type", "application/json")
    return cases


def stored_rows() -> Counter[str]:
    """How many rows every table of the project holds (the API's users aside)."""
    counts: Counter[str] = Counter()
    for label in ("ledger", "reviews", "contradictions"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._base_manager.count()
    return counts


@pytest.fixture
def targets(people, claim_in, settings) -> dict[str, str]:
    """Path parameters: a pending claim of pat's, a failed delivery of pat's endpoint, a flag,
    a source of pat's."""
    settings.LEDGER_MAX_SOURCE_BYTES = SOURCE_LIMIT
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_LIMIT
    settings.LEDGER_API_RATE = "1000000/minute"
    claim = claim_in(ClaimStatus.PENDING)
    webhook_endpoint_register(
        actor=publisher_actor(organisation=OWN, username="pat"),
        url="https://hooks.example.org/in",
        event_types=["claim.approved"],
    )
    approved = claim_in(ClaimStatus.APPROVED)
    _, [delivery_id] = webhooks_collect()
    WebhookDelivery.objects.filter(pk=delivery_id).update(status="failed")
    assert approved.claim_id != claim.claim_id
    pair_id = flag_between(claim.claim_id, approved.claim_id)
    source = source_ingest(
        content=b"Iran's parliament approved a budget of $100 million on 3 May 2024.\n",
        metadata=SYSTEM,
        publisher=OWN,
    )
    return {
        "claim_id": claim.claim_id,
        "delivery_id": delivery_id,
        "pair_id": pair_id,
        "source_id": source.source_id,
    }


def admin_client(people) -> APIClient:
    """The administrator's session: every role and scope, so bodies reach validation."""
    client = APIClient(raise_request_exception=False)  # a crash is a 500 to count, not a raise
    client.force_login(people["ada"])
    return client


def url_for(path: str, targets: dict[str, str]) -> str:
    return path.format(**targets)


def test_malformed_bodies_get_a_4xx_problem_and_store_nothing(people, targets):
    # given the administrator's session and every POST operation of the schema
    client = admin_client(people)
    version = ClaimView.objects.get(pk=targets["claim_id"]).version
    before = stored_rows()
    tried = 0
    statuses: Counter[int] = Counter()
    failures = []

    # when each malformed body is sent to each operation (with the right If-Match)
    for path, properties in OPERATIONS:
        for label, request in malformed_bodies(properties or {}):
            response = client.post(url_for(path, targets), HTTP_IF_MATCH=f'"{version}"', **request)
            tried += 1
            statuses[response.status_code] += 1
            problem = response.get("Content-Type") == "application/problem+json"
            refused = 400 <= response.status_code < 500 and problem
            # an operation that takes no body ignores one; it must still never fail
            if not refused and (properties is not None or response.status_code >= 500):
                failures.append((path, label, response.status_code, response.content[:80]))

    # then every one is a problem in the 4xx range, and nothing was stored
    assert failures == [], "\n".join(str(failure) for failure in failures)
    assert stored_rows() == before
    assert len(OPERATIONS) >= 17
    figures_record(
        "hostile-api-malformed",
        operations=len(OPERATIONS),
        bodies_tried=tried,
        statuses=dict(sorted(statuses.items())),
        server_errors=sum(n for status, n in statuses.items() if status >= 500),
    )


def test_injection_strings_are_stored_verbatim_or_refused_never_a_server_error(people, targets):
    # given the administrator's session
    client = admin_client(people)
    tried = accepted = 0
    server_errors = []

    # when every string field of every operation carries each injection string
    for path, properties in OPERATIONS:
        for name, prop in (properties or {}).items():
            if prop.get("type", "string") != "string" or "format" in prop or "enum" in prop:
                continue
            for injection in [*INJECTIONS, SPOOFING]:
                version = ClaimView.objects.get(pk=targets["claim_id"]).version
                response = client.post(
                    url_for(path, targets),
                    {name: injection},
                    format="json",
                    HTTP_IF_MATCH=f'"{version}"',
                )
                tried += 1
                accepted += response.status_code < 300
                if response.status_code >= 500:
                    server_errors.append((path, name, injection, response.status_code))

    # then none was a server error, the tables are intact and the chain verifies
    assert server_errors == []
    assert ledger_verify().intact
    figures_record("hostile-api-injection", bodies_tried=tried, accepted=accepted, server_errors=0)


@pytest.mark.parametrize("injection", INJECTIONS)
def test_an_injection_string_in_a_claim_is_kept_exactly_as_sent(people, client_for, injection):
    # given a publisher
    client = client_for("pat")
    before = Event.objects.count()

    # when its claim text is an injection string
    response = client.post("/api/v1/claims/", {"text": f"Iran said {injection}"}, format="json")

    # then it is one claim whose text is exactly what was sent, and reads back the same
    assert response.status_code == 201, response.content
    assert Event.objects.count() == before + 1
    claim_id = response.json()["id"]
    assert ClaimView.objects.get(pk=claim_id).text == f"Iran said {injection}"
    assert client.get(f"/api/v1/claims/{claim_id}/").json()["text"] == f"Iran said {injection}"


def test_a_bidi_override_in_a_claim_is_refused_not_stored(people, client_for):
    # given a publisher
    client = client_for("pat")
    before = Event.objects.count()

    # when its claim text would display differently from what it stores
    response = client.post("/api/v1/claims/", {"text": f"Iran said {SPOOFING}"}, format="json")

    # then it is refused as ingestion refuses such a file, and nothing is appended
    assert response.status_code == 422, response.content
    assert response.json()["detail"].startswith(
        "claim text contains a bidirectional override character (U+202E at character 10)"
    )
    assert Event.objects.count() == before
    assert SYSTEM.actor == "system:test"
