"""For auditors over the API: streamed exports that verify offline, point in time, checkpoints."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

import ledger.verify_export
from ledger import events as ev
from ledger.checkpoints import checkpoint_record
from ledger.claims import ClaimStatus
from ledger.models import Event
from ledger.services import claim_command
from tests.api.conftest import OTHER, OWN, assert_problem
from tests.claims import SYSTEM

VERIFIER = Path(ledger.verify_export.__file__)
MISSING = "00000000-0000-0000-0000-000000000000"


def streamed(response: Any) -> bytes:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content)


def offline_verification(tmp_path: Path, content: bytes, *arguments: str) -> tuple[int, str]:
    """Run the auditor's verifier on the export, as a separate program."""
    target = tmp_path / "export.jsonl"
    target.write_bytes(content)
    result = subprocess.run(
        [sys.executable, str(VERIFIER), str(target), *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def history(claim_in) -> dict[str, Any]:
    return {
        "own": claim_in(ClaimStatus.PUBLISHED, publisher=OWN),
        "other": claim_in(ClaimStatus.IN_REVIEW, publisher=OTHER),
    }


# --- Exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["audrey", "ada"])
def test_an_auditor_streams_the_whole_ledger_and_it_verifies_offline(
    client_for, history, tmp_path, username
):
    response = client_for(username).get("/api/v1/exports/ledger/?format=jsonl")
    content = streamed(response)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ledger.jsonl"'
    lines = content.decode().splitlines()
    positions = [json.loads(line)["position"] for line in lines]
    assert positions == list(Event.objects.order_by("position").values_list("position", flat=True))
    head = Event.objects.order_by("-position").first()
    assert head is not None
    code, output = offline_verification(
        tmp_path, content, "--checkpoint", f"{head.position}:{head.hash}"
    )
    assert code == 0, output


def test_a_claim_export_and_a_since_export_verify_on_their_own(client_for, history, tmp_path):
    client = client_for("audrey")
    own = history["own"]
    claim_export = streamed(client.get(f"/api/v1/exports/ledger/?claim={own.claim_id}"))
    header, *events = (json.loads(line) for line in claim_export.decode().splitlines())
    assert header["export"]["scope"] == "claim"
    assert {event["stream_id"] for event in events} == {own.claim_id}
    assert len(events) == own.version
    assert offline_verification(tmp_path, claim_export)[0] == 0

    since_export = streamed(client.get("/api/v1/exports/ledger/?format=jsonl&since=3"))
    header, *events = (json.loads(line) for line in since_export.decode().splitlines())
    assert header["export"]["scope"] == "since"
    assert events[0]["position"] == 4
    assert offline_verification(tmp_path, since_export)[0] == 0


def test_an_altered_streamed_export_fails_verification_at_its_line(client_for, history, tmp_path):
    content = streamed(client_for("audrey").get("/api/v1/exports/ledger/"))
    tampered = content.replace(b"unwavering", b"wavering", 1)
    code, output = offline_verification(tmp_path, tampered)
    assert code == 1
    assert "line 1" in output


def test_the_csv_export_is_for_people(client_for, history):
    response = client_for("audrey").get("/api/v1/exports/ledger/?format=csv")
    content = streamed(response).decode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == Event.objects.count()
    assert rows[0]["type"] == "ClaimRecorded"
    assert rows[0]["actor"] == "system:test"


def test_an_export_as_of_a_time_stops_there(client_for, history):
    cut = Event.objects.get(position=3).recorded_at
    content = streamed(
        client_for("audrey").get(
            "/api/v1/exports/ledger/", {"format": "jsonl", "as_of": cut.isoformat()}
        )
    )
    assert [json.loads(line)["position"] for line in content.decode().splitlines()] == [1, 2, 3]


@pytest.mark.parametrize("username", ["pat", "gina", "rita", "ed"])
def test_only_auditors_and_administrators_export(client_for, history, username):
    response = client_for(username).get("/api/v1/exports/ledger/?format=jsonl")
    assert_problem(response, 403)


def test_an_export_needs_authentication(db):
    assert_problem(APIClient().get("/api/v1/exports/ledger/?format=jsonl"), 401)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("format=xml", 400, "invalid_request"),
        ("format=", 400, "invalid_request"),
        ("since=", 400, "invalid_request"),
        ("since=-1", 400, "invalid_request"),
        ("since=abc", 400, "invalid_request"),
        ("since=false&since=0", 400, "invalid_request"),
        ("claim=not-a-uuid", 400, "invalid_request"),
        ("since=99999", 422, "invalid_command"),
        (f"since=1&claim={MISSING}", 422, "invalid_command"),
        (f"claim={MISSING}", 404, "not_found"),
    ],
)
def test_a_bad_export_request_is_a_problem_before_any_byte(
    client_for, history, query, status, code
):
    response = client_for("audrey").get(f"/api/v1/exports/ledger/?{query}")
    assert not response.streaming
    assert_problem(response, status, code)


# --- Point in time ----------------------------------------------------------------------------


def test_a_claim_as_it_stood_after_a_position(client_for, history):
    own = history["own"]
    events = list(Event.objects.filter(stream_id=own.claim_id).order_by("version"))
    assigned = events[1]  # recorded, assigned, review started, verdict set, ...
    response = client_for("audrey").get(
        f"/api/v1/claims/{own.claim_id}/as-of/?position={assigned.position}"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == own.claim_id
    assert body["status"] == "pending"
    assert body["version"] == 2
    assert body["assignee"] == "rita"
    assert body["verdict"] is None
    assert body["last_position"] == assigned.position


def test_a_claim_as_it_stood_at_a_time(client_for, history):
    own = history["own"]
    verdict = Event.objects.get(stream_id=own.claim_id, type="ClaimVerdictSet")
    response = client_for("pat").get(
        f"/api/v1/claims/{own.claim_id}/as-of/", {"at": verdict.recorded_at.isoformat()}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "in_review"
    assert body["verdict"]["rating_name"] == "False"
    assert body["version"] == verdict.version


@pytest.mark.parametrize(
    ("query", "status"),
    [("", 422), ("position=1&at=2025-01-01T00:00:00Z", 422), ("position=0", 400)],
)
def test_point_in_time_needs_exactly_one_point(client_for, history, query, status):
    own = history["own"]
    response = client_for("audrey").get(f"/api/v1/claims/{own.claim_id}/as-of/?{query}")
    assert_problem(response, status)


def test_a_point_before_the_claim_existed_is_not_found(client_for, history):
    other = history["other"]
    first = Event.objects.get(stream_id=other.claim_id, version=1)
    response = client_for("ed").get(
        f"/api/v1/claims/{other.claim_id}/as-of/?position={first.position - 1}"
    )
    body = assert_problem(response, 404, "not_found")
    assert "was not recorded yet" in body["detail"]


@pytest.mark.parametrize("username", ["pat", "rita", "ed", "audrey", "ada"])
def test_staff_and_the_owning_organisation_see_past_states(client_for, history, username):
    own = history["own"]
    response = client_for(username).get(f"/api/v1/claims/{own.claim_id}/as-of/?position=1")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending"


def test_another_organisations_past_states_are_not_public(client_for, history):
    # gina sees daily-planet's published claim, but not how it stood during review
    own = history["own"]
    response = client_for("gina").get(f"/api/v1/claims/{own.claim_id}/as-of/?position=1")
    assert_problem(response, 403)


def test_a_claim_the_caller_may_not_see_has_no_past_either(client_for, history):
    other = history["other"]  # gotham's claim in review: invisible to pat
    hidden = client_for("pat").get(f"/api/v1/claims/{other.claim_id}/as-of/?position=1")
    missing = client_for("pat").get(f"/api/v1/claims/{MISSING}/as-of/?position=1")
    assert_problem(hidden, 404, "not_found")
    assert_problem(missing, 404, "not_found")
    assert_problem(APIClient().get(f"/api/v1/claims/{MISSING}/as-of/?position=1"), 401)


# --- Checkpoints ------------------------------------------------------------------------------


def test_auditors_list_checkpoints_newest_first(client_for, history):
    first = checkpoint_record()
    claim_command(
        claim_id=history["other"].claim_id,
        expected_version=history["other"].version,
        event=ev.ClaimCommented(body="later"),
        metadata=SYSTEM,
    )
    second = checkpoint_record()
    assert first is not None
    assert second is not None
    response = client_for("audrey").get("/api/v1/checkpoints/")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == [
        {
            "position": checkpoint.position,
            "hash": checkpoint.hash,
            "recorded_at": checkpoint.recorded_at.isoformat().replace("+00:00", "Z"),
        }
        for checkpoint in (second, first)
    ]


@pytest.mark.parametrize("username", ["pat", "rita", "ed"])
def test_only_auditors_and_administrators_list_checkpoints(client_for, history, username):
    assert_problem(client_for(username).get("/api/v1/checkpoints/"), 403)
    assert_problem(APIClient().get("/api/v1/checkpoints/"), 401)
