"""Erasing a claim's text reaches every copy: events, read models, the contradiction index,
webhook payloads and stored idempotent responses (issue 19)."""

from __future__ import annotations

import uuid
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.models import ClaimView, Event, Source
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
# Where a flagged claim, delivered by webhook and returned by an idempotent request, has its
# text (the redaction ADR lists every store).
COPIES_OF_A_CLAIM = {
    "ledger_event.data",
    "ledger_claimview.text",
    "contradictions_claimfeaturerow.text",
    "reviews_webhookdelivery.payload",
    "reviews_apiidempotentrequest.body",
}


def _binary_columns(cursor: Any, table: str) -> set[str]:
    """PostgreSQL's bytea columns of ``table``: cast to text they read as hex, so they are
    searched for the bytes of the text instead."""
    if connection.vendor != "postgresql":
        return set()  # SQLite casts a blob's bytes to text as they are
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s AND data_type = 'bytea'",
        [table],
    )
    return {name for (name,) in cursor.fetchall()}


def tables_holding(text: str) -> dict[str, int]:
    """Every (table.column) of the database whose value, read as text (a binary column: as
    bytes), contains ``text``."""
    found: dict[str, int] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            binary = _binary_columns(cursor, table)
            for column in connection.introspection.get_table_description(cursor, table):
                if column.name in binary:
                    condition = f"position(convert_to(%s, 'UTF8') in {quote(column.name)}) > 0"
                    argument = text
                else:
                    condition = f"CAST({quote(column.name)} AS TEXT) LIKE %s"
                    argument = f"%{text}%"
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {condition}", [argument])
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
    assert set(tables_holding(FRAGMENT)) >= COPIES_OF_A_CLAIM

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


ARTICLE = f"Iran and its allies\n\n{SUPPORT} {SILENT}\n".encode()


@pytest.mark.usefixtures("ledger_transactional_db", "eager_celery")
def test_erasing_a_claim_and_redacting_its_source_leaves_no_copy_of_the_sentence(
    client_for, receiver, tmp_path
):
    # given an article submitted over the API with an idempotency key, whose two claims are
    # flagged as contradicting and delivered by webhook: the sentence is in the snapshot's
    # text and bytes, the events, the read models, the index, a payload and a stored response
    register(receiver.url, ["claim.flagged"])
    submitted = client_for("pat").post(
        "/api/v1/sources/?title=Allies",
        ARTICLE,
        content_type="text/plain",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert submitted.status_code == 201, submitted.content
    source_id = submitted.json()["source"]["id"]
    claims = {claim["text"]: claim["id"] for claim in submitted.json()["claims"]}
    claim_id = claims[SUPPORT]
    assert WebhookDelivery.objects.filter(claim_id=claim_id, status="succeeded").exists()
    assert set(tables_holding(FRAGMENT)) >= {
        *COPIES_OF_A_CLAIM,
        "ledger_source.text",
        "ledger_source.content",
    }

    # when an administrator erases the claim's text, and the data-protection officer redacts
    # the sentence from the source
    erased = client_for("ada").post(
        f"/api/v1/claims/{claim_id}/erase-text/", {"reason": "erasure request"}, format="json"
    )
    assert erased.status_code == 200, erased.content
    assert tables_holding(FRAGMENT) == {
        "ledger_source.text": 1,
        "ledger_source.content": 1,
    }  # the snapshot alone: erasing a claim leaves its source as it was
    redacted = client_for("dora").post(
        f"/api/v1/sources/{source_id}/redact/",
        {"reason": "erasure request", "text": SUPPORT},
        format="json",
    )

    # then the answer says what it filled and which copies it redacted, and no column of any
    # table and no export holds the sentence or a part of it
    assert redacted.status_code == 200, redacted.content
    start = ARTICLE.decode().index(SUPPORT)
    assert redacted.json()["spans"] == [{"start": start, "end": start + len(SUPPORT)}]
    assert [item["field"] for item in redacted.json()["redactions"]] == ["selector.prefix"]
    assert tables_holding(FRAGMENT) == {}
    assert tables_holding(SUPPORT[-30:]) == {}  # the tail a neighbour's context kept
    assert exports_holding(FRAGMENT, tmp_path) == []
    # the other claim's selector still resolves; the chain, the followers and the index agree
    selector = ClaimView.objects.get(pk=claims[SILENT]).selector
    assert selector is not None
    text = Source.objects.get(pk=source_id).text
    assert text[selector["start"] : selector["end"]] == selector["exact"] == SILENT
    assert ledger_verify().intact
    assert check_followers()[0]
    assert contradiction_index_check() == []
    # and a bad request changes nothing: the text is no longer there
    again = client_for("dora").post(
        f"/api/v1/sources/{source_id}/redact/",
        {"reason": "again", "text": SUPPORT},
        format="json",
    )
    assert_problem(again, 422, "invalid_command")


@pytest.mark.django_db
def test_only_administrators_and_the_data_protection_role_redact_a_source(client_for, metadata):
    from ledger.ingestion import source_ingest

    source = source_ingest(content=ARTICLE, metadata=metadata, publisher="daily-planet")
    url = f"/api/v1/sources/{source.source_id}/redact/"
    events = Event.objects.count()

    for username in ("pat", "ed", "audrey"):
        refused = client_for(username).post(url, {"reason": "no", "text": SILENT}, format="json")
        assert_problem(refused, 403)
    assert Event.objects.count() == events
    missing = client_for("ada").post(
        "/api/v1/sources/00000000-0000-4000-8000-000000000000/redact/",
        {"reason": "request", "text": SILENT},
        format="json",
    )
    assert_problem(missing, 404)
    assert Event.objects.count() == events


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
