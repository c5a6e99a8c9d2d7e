"""A claim export proves itself: its header lists every event it holds, signed.

The claim's events are scattered over the chain, so their prev_hash links cannot be followed
inside the export. Before, an event not adjacent to another included one could be edited and
its hash recomputed, and the claim's last events dropped with the header's counts edited to
match; both verified. The header now lists (position, hash) of every event, signed with the
key auditors hold (LEDGER_CHECKPOINT_KEY), and the verifier demands it.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from ledger.verify_export import (
    Unverifiable,
    canonical_text,
    claim_header_signature,
    event_hash,
    main,
    unredacted_digest,
)
from tests.ledger.exports_helpers import bad_line, export, signing_key, small_ledger, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim_lines(metadata, tmp_path):
    ledger = small_ledger(metadata)
    return export(tmp_path / "claim.jsonl", "--format", "jsonl", "--claim", ledger.first_claim)


def rehashed(line, **changes):
    """The event line with ``changes`` to its payload and its hash recomputed (by someone
    holding the export: every salt in it)."""
    record = json.loads(line)
    record["data"] = {**record["data"], **changes}
    record["hash"] = event_hash(record, unredacted_digest(record)[0])
    return canonical_text(record)


def test_a_claim_export_lists_and_signs_its_events(claim_lines):
    header = json.loads(claim_lines[0])["export"]
    events = [json.loads(line) for line in claim_lines[1:]]

    assert header["events"] == [[event["position"], event["hash"]] for event in events]
    assert header["hmac_sha256"] == claim_header_signature(header, signing_key())
    assert verify(claim_lines).events == 5


def test_an_edited_event_not_adjacent_to_another_fails_at_its_line(claim_lines):
    # given: lines are header, #1, #3, #4, #5 (contradiction), #7; #7 follows no included event
    tampered = [*claim_lines[:5], rehashed(claim_lines[5], rating=4)]

    # when
    bad = bad_line(tampered)

    # then
    assert bad.line_number == 6
    assert bad.reason.startswith("position 7: not the event the signed header lists here (7:")


def test_dropping_the_last_events_and_editing_the_counts_fails(claim_lines):
    # given the claim's last event removed and the header's count edited to match
    header = json.loads(claim_lines[0])
    claim_id = header["export"]["claim_id"]
    header["export"]["streams"][claim_id] -= 1
    tampered = [canonical_text(header), *claim_lines[1:-1]]

    # when / then: the header no longer matches its signature
    bad = bad_line(tampered)
    assert (bad.line_number, bad.reason) == (
        1,
        "header signature does not match (another key, or the header changed)",
    )

    # and re-listing the events without re-signing does not help either
    header["export"]["events"] = header["export"]["events"][:-1]
    assert bad_line([canonical_text(header), *claim_lines[1:-1]]).line_number == 1


def test_a_claim_export_without_the_key_cannot_be_verified(claim_lines, tmp_path, monkeypatch):
    path = tmp_path / "claim.jsonl"
    path.write_text("\n".join(claim_lines) + "\n")
    monkeypatch.delenv("LEDGER_CHECKPOINT_KEY")

    with pytest.raises(Unverifiable, match="set LEDGER_CHECKPOINT_KEY to check it"):
        verify(claim_lines, key=None)
    assert main([str(path)]) == 2

    monkeypatch.setenv("LEDGER_CHECKPOINT_KEY", "another key")
    assert main([str(path)]) == 1


def test_a_jsonl_claim_export_needs_the_signing_key(metadata, tmp_path, settings):
    ledger = small_ledger(metadata)
    settings.LEDGER_CHECKPOINT_KEY = ""

    with pytest.raises(CommandError, match="a JSONL claim export is signed"):
        call_command(
            "export_ledger",
            "--format",
            "jsonl",
            "--claim",
            ledger.first_claim,
            "-o",
            str(tmp_path / "claim.jsonl"),
        )
    assert not (tmp_path / "claim.jsonl").exists()
