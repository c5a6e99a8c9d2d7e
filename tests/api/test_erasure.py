"""Erasing a claim's text reaches every copy: events, read models, the contradiction index,
webhook payloads and stored idempotent responses (issue 19)."""

from __future__ import annotations

import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.models import ClaimView, Event
from ledger.verification import ledger_verify
from reviews.contradictions.indexing import contradiction_index_check
from reviews.contradictions.models import ClaimFeatureRow
from reviews.models import ApiIdempotentRequest, WebhookDelivery
from tests.api.conftest import assert_problem
from tests.api.test_webhooks import eager_celery, receiver, register
from tests.claims import SILENT, SUPPORT

__all__ = ["eager_celery", "receiver"]

# A distinctive part of the sentence: a partial copy of it is found too.
FRAGMENT = "ideological convergence"


def tables_holding(text: str) -> dict[str, int]:
    """Every (table.column) of the database whose value, read as text, contains ``text``."""
    found: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} "
                    f"WHERE CAST({quote(column.name)} AS TEXT) LIKE %s",
                    [f"%{text}%"],
                )
                (hits,) = cursor.fetchone()
                if hits:
                    found[f"{table}.{column.name}"] = hits
    return found


def exports_holding(text: str, directory: Path) -> list[str]:
    holding = []
    for export_format in ("jsonl", "csv"):
        path = directory / f"ledger.{export_format}"
        call_command("export_ledger", "--format", export_format, "-o", str(path))
        if text in path.read_text(encoding="utf-8"):
            holding.append(export_format)
    return holding


@pytest.mark.usefixtures("ledger_transactional_db", "eager_celery")
def test_erasing_a_flagged_delivered_and_replayed_claim_leaves_no_copy(
    client_for, receiver, tmp_path
):
    # given a publisher's endpoint for flags, and two contradicting claims submitted over the
    # API with idempotency keys: the first is flagged, delivered by webhook, and stored as a
    # response to replay
    register(receiver.url, ["claim.flagged"])
    publisher = client_for("pat")
    key = str(uuid.uuid4())
    first = publisher.post(
        "/api/v1/claims/", {"text": SUPPORT}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == 201
    claim_id = first.json()["id"]
    second = publisher.post(
        "/api/v1/claims/", {"text": SILENT}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert second.status_code == 201
    assert any(FRAGMENT.encode() in request["body"] for request in receiver.requests)
    assert WebhookDelivery.objects.filter(claim_id=claim_id, status="succeeded").exists()
    assert ClaimFeatureRow.objects.filter(pk=claim_id).exists()
    assert set(tables_holding(FRAGMENT)) >= {
        "ledger_event.data",
        "ledger_claimview.text",
        "contradictions_claimfeaturerow.text",
        "reviews_webhookdelivery.payload",
        "reviews_apiidempotentrequest.body",
    }

    # when an administrator erases its text
    erased = client_for("ada").post(
        f"/api/v1/claims/{claim_id}/erase-text/",
        {"reason": "erasure request of the person named"},
        format="json",
    )

    # then the answer lists what was redacted, and no table and no export holds the sentence
    assert erased.status_code == 200, erased.content
    assert [item["field"] for item in erased.json()["redactions"]] == ["text"]
    assert tables_holding(FRAGMENT) == {}
    assert tables_holding(SUPPORT) == {}
    assert exports_holding(FRAGMENT, tmp_path) == []
    # the claim stays, redacted, and leaves the contradiction index; the chain verifies
    assert ClaimView.objects.get(pk=claim_id).text == "[redacted]"
    assert not ClaimFeatureRow.objects.filter(pk=claim_id).exists()
    assert contradiction_index_check() == []
    assert ledger_verify().intact
    # a retry of the first request still learns its outcome, without the sentence
    replay = publisher.post(
        "/api/v1/claims/", {"text": SUPPORT}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay["Location"] == f"/api/v1/claims/{claim_id}/"
    assert FRAGMENT not in replay.content.decode()
    assert ApiIdempotentRequest.objects.filter(body__erased=True).count() == 1
    # and nothing is left to erase
    again = client_for("ada").post(
        f"/api/v1/claims/{claim_id}/erase-text/", {"reason": "again"}, format="json"
    )
    assert_problem(again, 422, "invalid_command")


@pytest.mark.django_db
def test_only_administrators_and_the_data_protection_role_erase_claim_text(client_for, claim_in):
    # given a claim
    claim = claim_in()
    url = f"/api/v1/claims/{claim.claim_id}/erase-text/"
    events = Event.objects.count()

    # when its publisher and an editor ask to erase its text, they are refused
    for username in ("pat", "ed"):
        refused = client_for(username).post(url, {"reason": "no"}, format="json")
        assert_problem(refused, 403)
    assert Event.objects.count() == events
    assert ClaimView.objects.get(pk=claim.claim_id).text == claim.text

    # when the data-protection officer asks, the text is erased
    erased = client_for("dora").post(url, {"reason": "erasure request"}, format="json")

    assert erased.status_code == 200, erased.content
    assert [item["field"] for item in erased.json()["redactions"]] == ["text"]
    assert ClaimView.objects.get(pk=claim.claim_id).text == "[redacted]"


def check_followers() -> tuple[bool, list[str]]:
    out = StringIO()
    try:
        call_command("check_followers", stdout=out)
    except CommandError:
        return False, out.getvalue().splitlines()
    return True, out.getvalue().splitlines()


@pytest.mark.usefixtures("ledger_transactional_db", "eager_celery")
def test_check_followers_finds_a_payload_and_a_response_an_erasure_left_behind(
    client_for, receiver
):
    # given a flagged claim delivered by webhook and stored as an idempotent response
    register(receiver.url, ["claim.flagged"])
    publisher = client_for("pat")
    created = publisher.post(
        "/api/v1/claims/", {"text": SUPPORT}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    claim_id = created.json()["id"]
    publisher.post("/api/v1/claims/", {"text": SILENT}, format="json")
    delivery = WebhookDelivery.objects.get(claim_id=claim_id)
    stale_payload = delivery.payload
    stored = ApiIdempotentRequest.objects.get(body__id=claim_id)
    stale_body = stored.body
    assert check_followers() == (
        True,
        ["the webhook payloads and idempotent responses match the log"],
    )

    # when its text is erased (the followers remove their copies) ...
    erased = client_for("dora").post(
        f"/api/v1/claims/{claim_id}/erase-text/", {"reason": "erasure request"}, format="json"
    )
    assert erased.status_code == 200, erased.content
    assert check_followers()[0]
    # ... and the copies come back, as if a follower had missed the erasure
    WebhookDelivery.objects.filter(pk=delivery.pk).update(payload=stale_payload)
    ApiIdempotentRequest.objects.filter(pk=stored.pk).update(body=stale_body)

    # then the check names both, and exits non-zero
    assert check_followers() == (
        False,
        [
            f"delivery {delivery.pk}: its claim text is not one claim {claim_id}'s events "
            "hold (erased since?)",
            f"idempotent request {stored.pk}: its stored body names claim {claim_id}, whose "
            "text was redacted",
        ],
    )
