"""export_ledger and the offline verifier: whole, partial and claim exports; tampering caught."""

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ledger import events as ev
from ledger.exports import ledger_export
from ledger.models import Event
from ledger.verify_export import GENESIS_HASH, BadLine, main
from tests.ledger.exports_helpers import bad_line, export, records, small_ledger, verify

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(metadata):
    return small_ledger(metadata)


def test_whole_export_has_one_line_per_event_with_the_contract_fields(ledger, tmp_path):
    # when
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")

    # then
    exported = records(lines)
    assert [record["position"] for record in exported] == [1, 2, 3, 4, 5, 6, 7]
    stored = Event.objects.get(position=1)
    assert exported[0] == {
        "position": 1,
        "stream_id": ledger.first_claim,
        "stream_type": "claim",
        "version": 1,
        "type": "ClaimRecorded",
        "schema_version": 1,
        "data": stored.data,
        "metadata": stored.metadata,
        "recorded_at": stored.recorded_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "prev_hash": GENESIS_HASH,
        "hash": stored.hash,
        "fields_digest": stored.fields_digest,
        "salt": stored.salt,
    }
    assert (len(stored.fields_digest), len(stored.salt)) == (64, 32)
    assert exported[0]["data"]["text"] == "Tehran's support for its allies is unwavering."
    assert exported[4]["type"] == "ContradictionFlagged"
    assert exported[4]["data"]["claims"] == [ledger.first_claim, ledger.second_claim]


def test_whole_export_verifies(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")

    summary = verify(lines)

    assert (summary.events, summary.first_position, summary.last_position) == (7, 1, 7)
    assert summary.last_hash == Event.objects.get(position=7).hash


def test_export_to_standard_output_matches_the_file(ledger, tmp_path):
    out = io.StringIO()
    call_command("export_ledger", "--format", "jsonl", stdout=out)

    assert out.getvalue().splitlines() == export(tmp_path / "ledger.jsonl", "--format", "jsonl")


def test_since_export_carries_its_starting_point_and_verifies(ledger, tmp_path):
    # when
    lines = export(tmp_path / "since.jsonl", "--format", "jsonl", "--since", "4")

    # then
    header = json.loads(lines[0])["export"]
    assert header["scope"] == "since"
    assert header["chains_from"] == {"position": 4, "hash": Event.objects.get(position=4).hash}
    assert header["up_to_position"] == 7
    assert [record["position"] for record in records(lines[1:])] == [5, 6, 7]
    assert verify(lines).events == 3


def test_since_export_whose_first_event_is_removed_fails_at_that_line(ledger, tmp_path):
    lines = export(tmp_path / "since.jsonl", "--format", "jsonl", "--since", "4")

    bad = bad_line([lines[0], *lines[2:]])

    assert bad.line_number == 2
    assert "position 6 where 5 was expected" in bad.reason


def test_since_export_whose_last_event_is_removed_fails_after_the_last_line(ledger, tmp_path):
    lines = export(tmp_path / "since.jsonl", "--format", "jsonl", "--since", "4")

    bad = bad_line(lines[:-1])

    assert bad.line_number == 4
    assert "ends at position 6 but its header says 7" in bad.reason


def test_since_the_head_gives_an_empty_export_that_verifies(ledger, tmp_path):
    lines = export(tmp_path / "since.jsonl", "--format", "jsonl", "--since", "7")

    assert len(lines) == 1
    assert verify(lines).events == 0


def test_claim_export_holds_its_history_and_the_contradictions_naming_it(ledger, tmp_path):
    # when
    lines = export(tmp_path / "claim.jsonl", "--format", "jsonl", "--claim", ledger.first_claim)

    # then
    header = json.loads(lines[0])["export"]
    assert header["scope"] == "claim"
    assert header["streams"] == {ledger.first_claim: 4, ledger.contradiction: 1}
    assert [record["position"] for record in records(lines[1:])] == [1, 3, 4, 5, 7]
    assert verify(lines).events == 5


@pytest.mark.parametrize(
    ("change", "line_number", "reason"),
    [
        ("remove", 3, "version 3 where 2 was expected"),
        ("swap", 3, "version 3 where 2 was expected"),
        ("remove-last", 6, "has 3 event(s) but the header says 4"),
    ],
)
def test_claim_export_catches_removed_and_reordered_events(
    ledger, tmp_path, change, line_number, reason
):
    lines = export(tmp_path / "claim.jsonl", "--format", "jsonl", "--claim", ledger.first_claim)
    # lines: header, #1, #3, #4, #5 (contradiction), #7
    if change == "remove":
        lines = [lines[0], lines[1], *lines[3:]]
    elif change == "swap":
        lines = [lines[0], lines[1], lines[3], lines[2], *lines[4:]]
    else:
        lines = lines[:-1]

    bad = bad_line(lines)

    assert bad.line_number == line_number
    assert reason in bad.reason


def test_claim_export_catches_an_event_inserted_from_another_stream(ledger, tmp_path):
    claim_lines = export(
        tmp_path / "claim.jsonl", "--format", "jsonl", "--claim", ledger.first_claim
    )
    whole = export(tmp_path / "ledger.jsonl", "--format", "jsonl")
    # insert the other claim's event at position 2 (a genuine, verifying event) after line 2
    lines = [*claim_lines[:2], whole[1], *claim_lines[2:]]

    bad = bad_line(lines)

    assert bad.line_number == 3
    assert f"stream {ledger.second_claim} is not one the header lists" in bad.reason


def test_as_of_export_is_the_ledger_as_it_stood_then(ledger, tmp_path):
    cutoff = Event.objects.get(position=3).recorded_at

    lines = export(tmp_path / "as-of.jsonl", "--format", "jsonl", "--as-of", cutoff.isoformat())

    assert [record["position"] for record in records(lines)] == [1, 2, 3]
    assert verify(lines).events == 3


def test_byte_flip_fails_at_the_flipped_line(ledger, tmp_path):
    path = tmp_path / "ledger.jsonl"
    export(path, "--format", "jsonl")
    content = bytearray(path.read_bytes())
    line_starts = [0] + [index + 1 for index, byte in enumerate(content) if byte == 0x0A]
    # flip a byte inside the claim text of line 4 ("Checked with ..." comment)
    target = content.index(b"Checked", line_starts[3])
    content[target] ^= 0x01
    path.write_bytes(bytes(content))

    bad = bad_line(path.read_bytes().splitlines())

    assert bad.line_number == 4
    assert "position 4: hash does not match its content" in bad.reason


def test_flipping_any_byte_of_a_line_fails_at_that_line(ledger, tmp_path):
    lines = [line.encode() for line in export(tmp_path / "ledger.jsonl", "--format", "jsonl")]
    undetected = []
    for offset in range(len(lines[2])):
        for flip in (0x01, 0x20, 0x80):
            line = bytearray(lines[2])
            line[offset] ^= flip
            tampered = [*lines[:2], bytes(line), *lines[3:]]
            if bad_line_number(tampered) != 3:
                undetected.append((offset, flip))

    assert undetected == []


def bad_line_number(lines):
    try:
        verify(lines)
    except BadLine as bad:
        return bad.line_number
    return None


def test_deleted_line_fails_at_the_line_now_in_its_place(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")

    bad = bad_line(lines[:2] + lines[3:])

    assert bad.line_number == 3
    assert "position 4 where 3 was expected" in bad.reason


def test_swapped_lines_fail_at_the_first_of_them(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")

    bad = bad_line([lines[0], lines[2], lines[1], *lines[3:]])

    assert bad.line_number == 2
    assert "position 3 where 2 was expected" in bad.reason


def test_inserted_line_fails_at_the_insertion(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")
    forged = json.loads(lines[2])
    forged["data"]["assignee"] = "someone-else"

    bad = bad_line([*lines[:3], json.dumps(forged), *lines[3:]])

    assert bad.line_number == 4
    assert "position 3 where 4 was expected" in bad.reason


def test_an_unexpected_field_is_refused(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")
    record = json.loads(lines[1])
    record["note"] = "added"

    bad = bad_line([lines[0], json.dumps(record), *lines[2:]])

    assert (bad.line_number, bad.reason) == (2, "unexpected field(s) note")


def test_checkpoint_matching_the_export_passes_and_a_rewritten_one_fails(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")
    real = (5, Event.objects.get(position=5).hash)

    assert verify(lines, checkpoints=[real]).events == 7
    bad = bad_line(lines, checkpoints=[(5, "f" * 64)])
    assert bad.line_number == 5
    assert "differs from the checkpoint" in bad.reason


def test_checkpoint_beyond_a_truncated_export_fails(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")
    head = (7, Event.objects.get(position=7).hash)

    bad = bad_line(lines[:-2], checkpoints=[head])

    assert bad.line_number == 6
    assert "checkpoint position 7 is beyond the end of this export" in bad.reason


def test_parallel_verification_gives_the_same_answer(ledger, tmp_path):
    lines = export(tmp_path / "ledger.jsonl", "--format", "jsonl")

    assert verify(lines, jobs=2) == verify(lines)
    assert bad_line(lines[:2] + lines[3:], jobs=2).line_number == 3


def test_verifier_exit_codes(ledger, tmp_path, capsys):
    path = tmp_path / "ledger.jsonl"
    lines = export(path, "--format", "jsonl")
    assert main([str(path)]) == 0
    assert "intact: 7 events, positions 1..7" in capsys.readouterr().out

    path.write_text("\n".join([lines[0], *lines[2:]]) + "\n", encoding="utf-8")
    assert main([str(path)]) == 1
    assert "TAMPERED: line 2: position 3 where 2 was expected" in capsys.readouterr().err

    assert main([str(tmp_path / "missing.jsonl")]) == 2


def test_verifier_runs_alone_after_being_copied_anywhere(ledger, tmp_path):
    export(tmp_path / "ledger.jsonl", "--format", "jsonl")
    elsewhere = tmp_path / "auditor"
    elsewhere.mkdir()
    shutil.copy(REPOSITORY / "ledger" / "verify_export.py", elsewhere / "check.py")

    result = subprocess.run(
        [sys.executable, "-I", "check.py", str(tmp_path / "ledger.jsonl")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("intact: 7 events")


def test_csv_has_one_row_per_event_with_a_readable_summary(ledger, tmp_path):
    lines = export(tmp_path / "ledger.csv", "--format", "csv")

    rows = list(csv.DictReader(lines))
    assert [int(row["position"]) for row in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [row["summary"] for row in rows] == [
        "Claim recorded: “Tehran's support for its allies is unwavering.”",
        "Claim recorded: “Iran's allies have been largely silent.”",
        "Assigned to editor",
        "Comment: “Checked with Jane Q. Whistleblower by phone.”",
        f"Contradiction flagged between {ledger.first_claim} and {ledger.second_claim} "
        "(score 0.91; cues: stance)",
        "Review started",
        "Verdict: false (1): “Contradicted.”",
    ]
    assert rows[0]["actor"] == "user:tester"
    assert json.loads(rows[2]["data"]) == {"assignee": "editor", "note": ""}


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(metadata, tmp_path):
    from ledger.services import claim_record

    claim_record(text='=HYPERLINK("http://x")', metadata=metadata)

    rows = list(csv.DictReader(export(tmp_path / "ledger.csv", "--format", "csv")))

    assert rows[0]["data"].startswith("{")
    assert rows[0]["summary"].startswith("Claim recorded:")
    assert ev.EventType(rows[0]["type"]) == ev.EventType.CLAIM_RECORDED


def test_export_generator_streams_chunks_of_whole_lines(ledger):
    chunks = list(ledger_export(export_format="jsonl"))

    assert all(chunk.endswith("\n") for chunk in chunks)
    assert len("".join(chunks).splitlines()) == 7


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--since", "99"], "--since 99 is beyond the ledger's last position 7"),
        (["--since", "-1"], "--since must be a position, 0 or more"),
        (["--claim", "nope"], "no claim nope"),
        (["--since", "2", "--claim", "x"], "--since and --claim cannot be combined"),
        (["--as-of", "yesterday"], "'yesterday' is not an ISO 8601 time"),
    ],
)
def test_bad_export_requests_are_refused_clearly_and_write_nothing(
    ledger, tmp_path, arguments, message
):
    path = tmp_path / "out.jsonl"

    with pytest.raises(CommandError, match=message):
        call_command("export_ledger", "--format", "jsonl", *arguments, "-o", str(path))

    assert not path.exists()
    assert not (tmp_path / "out.jsonl.partial").exists()


class _ClosedPipe(io.StringIO):
    """Standard output whose reader went away (``export_ledger ... | head -n 1``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.django_db
def test_an_export_whose_reader_stops_early_ends_quietly(monkeypatch):
    # given a reader that closed the pipe; stdout is pointed at nothing, not really replaced
    redirected = []
    monkeypatch.setattr("os.dup2", lambda fd, fd2: redirected.append(fd2))
    # when the ledger is exported to it
    with pytest.raises(SystemExit) as stopped:
        call_command("export_ledger", "--format", "jsonl", stdout=_ClosedPipe())
    # then the export stops with a failing status and no traceback, and the final flush is silenced
    assert stopped.value.code == 1
    assert redirected == [sys.stdout.fileno()]
