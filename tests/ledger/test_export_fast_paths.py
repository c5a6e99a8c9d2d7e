"""The fast paths of exporting and verifying give exactly the answers of the line-by-line ones.

The verifier folds lines that check out on their own into runs and spreads chunks over
processes (ADR 0013). With one line per chunk there are no runs and no chunk
boundaries inside the export: every line goes through the line-by-line checks, which is the
reference every other chunking, in this process or on several, must agree with, naming the same
first bad line for the same reason.
"""

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ledger import events as ev
from ledger import exports
from ledger import verify_export as ve
from ledger.exports import export_plan
from ledger.services import claim_record
from ledger.store import append
from tests.ledger.exports_helpers import export, signing_key, small_ledger

pytestmark = pytest.mark.django_db

# (CHUNK_BYTES, jobs) for files: a line per chunk, chunks of one or two lines, one chunk.
FILE_CHUNKINGS = [(700, 2), (1500, 1), (1500, 2), (10**6, 1)]


@pytest.fixture
def ledger(metadata):
    built = small_ledger(metadata)
    for number in range(13):
        claim_record(
            text=f"Claim number {number} about Tehran, said the ministry.", metadata=metadata
        )
    return built


def outcome(verify, *arguments, **options):
    """(line, reason) of the first bad line, or the summary when the export verifies."""
    try:
        return verify(*arguments, key=signing_key(), **options)
    except ve.BadLine as bad:
        return bad.line_number, bad.reason


def assert_every_path_agrees(lines, tmp_path, monkeypatch, checkpoints=()):
    """Every chunking of the file gives the reference's answer (a line per chunk, in one
    process); return that answer."""
    path = tmp_path / "checked.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    monkeypatch.setattr(ve, "CHUNK_BYTES", 1)
    expected = outcome(ve.verify_file, str(path), checkpoints=checkpoints)
    for chunk_bytes, jobs in FILE_CHUNKINGS:
        monkeypatch.setattr(ve, "CHUNK_BYTES", chunk_bytes)
        found = outcome(ve.verify_file, str(path), checkpoints=checkpoints, jobs=jobs)
        assert found == expected, (chunk_bytes, jobs)
    return expected


def whole_export(tmp_path: Path) -> list[bytes]:
    return [line.encode() for line in export(tmp_path / "whole.jsonl", "--format", "jsonl")]


def test_an_intact_export_gives_the_same_summary_on_every_path(ledger, tmp_path, monkeypatch):
    lines = whole_export(tmp_path)

    summary = assert_every_path_agrees(lines, tmp_path, monkeypatch)

    assert isinstance(summary, ve.Summary)
    assert (summary.events, summary.first_position, summary.last_position) == (20, 1, 20)


@pytest.mark.parametrize("line", [1, 2, 3, 10, 11, 19, 20])
def test_a_flipped_byte_fails_at_its_line_on_every_path(ledger, tmp_path, monkeypatch, line):
    lines = whole_export(tmp_path)
    tampered = bytearray(lines[line - 1])
    tampered[tampered.index(b'"data":{') + 12] ^= 0x01  # inside the payload
    lines[line - 1] = bytes(tampered)

    found = assert_every_path_agrees(lines, tmp_path, monkeypatch)

    assert found == (line, f"position {line}: hash does not match its content")


@pytest.mark.parametrize("line", [1, 2, 10, 19, 20])
def test_a_deleted_line_fails_where_it_was_on_every_path(ledger, tmp_path, monkeypatch, line):
    lines = whole_export(tmp_path)
    del lines[line - 1]

    found = assert_every_path_agrees(lines, tmp_path, monkeypatch)

    if line == 20:  # the last event: a shorter chain, caught by a checkpoint (below)
        assert isinstance(found, ve.Summary)
        assert found.events == 19
    else:
        assert found[0] == line
        assert found[1].startswith(f"position {line + 1} where {line} was expected")


def test_a_deleted_last_line_fails_against_a_checkpoint_on_every_path(
    ledger, tmp_path, monkeypatch
):
    lines = whole_export(tmp_path)
    head = (20, json.loads(lines[-1])["hash"])

    found = assert_every_path_agrees(lines[:-1], tmp_path, monkeypatch, checkpoints=[head])

    assert found[0] == 20
    assert found[1].startswith("checkpoint position 20 is beyond the end of this export")


def swap(lines, line):
    lines[line - 1], lines[line] = lines[line], lines[line - 1]
    return line + 1  # the position now on the line


def insert(lines, line):
    lines.insert(line - 1, lines[line - 2])  # a genuine event, repeated
    return line - 1


@pytest.mark.parametrize(
    ("tamper", "line"),
    [(swap, 1), (swap, 2), (swap, 10), (swap, 19), (insert, 2), (insert, 11), (insert, 21)],
)
def test_moved_and_inserted_lines_fail_there_on_every_path(
    ledger, tmp_path, monkeypatch, tamper, line
):
    lines = whole_export(tmp_path)
    found_position = tamper(lines, line)

    found = assert_every_path_agrees(lines, tmp_path, monkeypatch)

    assert found[0] == line
    assert found[1].startswith(f"position {found_position} where {line} was expected")


@pytest.mark.parametrize("position", [1, 2, 10, 11, 20])
def test_a_checkpoint_fails_at_its_line_on_every_path(ledger, tmp_path, monkeypatch, position):
    lines = whole_export(tmp_path)
    real = (position, json.loads(lines[position - 1])["hash"])

    assert assert_every_path_agrees(lines, tmp_path, monkeypatch, checkpoints=[real]).events == 20
    found = assert_every_path_agrees(
        lines, tmp_path, monkeypatch, checkpoints=[(position, "f" * 64)]
    )
    assert found[0] == position
    assert "differs from the checkpoint" in found[1]


def test_unusual_lines_are_judged_as_line_by_line_on_every_path(ledger, tmp_path, monkeypatch):
    lines = whole_export(tmp_path)
    cases = {
        "whitespace around a line is allowed": [*lines[:4], b"  " + lines[4] + b" \r", *lines[5:]],
        "an empty line": [*lines[:4], b"", *lines[4:]],
        "not UTF-8": [*lines[:4], b"\xff" + lines[4], *lines[5:]],
        "not JSON": [*lines[:4], lines[4][:-1], *lines[5:]],
        "a float": [*lines[:4], lines[4].replace(b'"version":', b'"version":1.5,"x":'), *lines[5:]],
        "a missing field": [*lines[:4], lines[4].replace(b'"type":', b'"kind":'), *lines[5:]],
    }
    for name, tampered in cases.items():
        found = assert_every_path_agrees(tampered, tmp_path, monkeypatch)
        if name.startswith("whitespace"):
            assert found.events == 20, name
        else:
            assert found[0] == 5, name


def test_partial_exports_verify_alike_on_every_path(ledger, tmp_path, monkeypatch):
    since = [
        line.encode() for line in export(tmp_path / "s.jsonl", "--format", "jsonl", "--since", "9")
    ]
    claim = [
        line.encode()
        for line in export(tmp_path / "c.jsonl", "--format", "jsonl", "--claim", ledger.first_claim)
    ]

    assert assert_every_path_agrees(since, tmp_path, monkeypatch).events == 11
    assert assert_every_path_agrees(claim, tmp_path, monkeypatch).events == 5
    assert assert_every_path_agrees([*since[:5], *since[6:]], tmp_path, monkeypatch)[0] == 6
    assert assert_every_path_agrees(since[:-1], tmp_path, monkeypatch)[0] == 12
    assert assert_every_path_agrees([claim[0], *claim[2:]], tmp_path, monkeypatch)[0] == 2


def rechained(records: list[dict[str, Any]], start: int) -> list[bytes]:
    """The records as lines, with the hashes from index ``start`` on recomputed in order."""
    for index in range(start, len(records)):
        record = records[index]
        if index:
            record["prev_hash"] = records[index - 1]["hash"]
        digest = record.get("data_digest") or ve.unredacted_digest(record)[0]
        record["hash"] = ve.event_hash(record, digest)
    return [ve.canonical_json(record) for record in records]


def test_a_redacted_event_whose_redaction_was_replaced_fails_there_on_every_path(
    ledger, tmp_path, monkeypatch
):
    call_command(
        "redact_event", str(ledger.comment_position), "--field", "body", "--reason", "GDPR",
        "--actor", "user:dpo",
    )  # fmt: skip
    lines = whole_export(tmp_path)
    assert assert_every_path_agrees(lines, tmp_path, monkeypatch).redacted_events == 1
    records = [json.loads(line) for line in lines]
    assert records[20]["type"] == "DataRedacted"
    # the DataRedacted event is swapped for another event, and the chain after it rewritten
    records[20].update(type="ClaimCommented", data={"body": "nothing to see"})

    found = assert_every_path_agrees(rechained(records, 20), tmp_path, monkeypatch)

    assert found == (
        21,
        f"position 21: this event differs from the DataRedacted event embedded in line "
        f"{ledger.comment_position}",
    )


AWKWARD_TEXTS = [
    'quote " back \\ slash',
    "tab\tnew\nline\x01\x1f\x7f",
    "\u2028\u00e9\U0001f600",
    "",
]


def test_the_fast_path_hashes_awkward_envelopes_exactly_as_event_hash_does():
    # given events whose envelope strings and metadata need every kind of escape, hashed by
    # event_hash (the definition) and written canonically
    for number, text in enumerate(AWKWARD_TEXTS, start=1):
        record = {
            "position": 10**18 + number,
            "stream_id": text,
            "stream_type": text + "s",
            "version": 0,
            "type": text + "t",
            "schema_version": -number,
            "metadata": {text: [text, None, True, -7], "actor": text},
            "recorded_at": text + "Z",
            "prev_hash": text + "p",
            "data": {"text": text, text: {"nested": [text]}},
        }
        record["hash"] = ve.event_hash(record, ve.data_digest(record["data"]))
        line = ve.canonical_json(record)

        # when the fast path reads the line, it accepts it: it computed the same hash
        assert ve._plain_event(line) == (record["position"], record["prev_hash"], record["hash"])
        assert ve._plain_event(line.decode()) == (
            record["position"],
            record["prev_hash"],
            record["hash"],
        )
        # and a changed envelope string is refused
        changed = dict(record, recorded_at=text + "z")
        assert ve._plain_event(ve.canonical_json(changed)) is None


def written_hashed(lines: list[bytes], index: int, text: str, hashed: str) -> list[bytes]:
    """The export with line ``index`` replaced by ``text`` (whose hash is 64 zeros for now),
    hashed over its envelope with the SHA-256 of ``hashed`` as the payload digest; the lines
    after it rechained."""
    record = json.loads(text)
    record["hash"] = ve.event_hash(record, hashlib.sha256(hashed.encode()).hexdigest())
    records = [json.loads(line) for line in lines]
    records[index] = record
    rewritten = rechained(records, index + 1)
    rewritten[index] = text.replace('"hash":"' + "0" * 64, '"hash":"' + record["hash"]).encode()
    return rewritten


def test_a_payload_with_a_nested_hash_key_verifies_as_line_by_line(ledger, tmp_path, monkeypatch):
    # given an event whose payload holds an object with a "hash" key after another key, so
    # that the line's first ',"hash":"' is inside the payload
    records = [json.loads(line) for line in whole_export(tmp_path)]
    records[4]["data"] = {"note": {"algorithm": "sha256", "hash": "ab" * 32}}
    lines = rechained(records, 4)
    assert lines[4].count(b',"hash":"') == 2

    # then it verifies on every path, and the fast path accepts it
    assert assert_every_path_agrees(lines, tmp_path, monkeypatch).events == 20
    assert ve._plain_event(lines[4]) is not None

    # but a line hashed over the payload text up to that ',"hash":"' (a prefix of the
    # payload, which would leave the rest of it unhashed) fails there
    text = lines[4].decode()
    placeholder = re.sub(
        ',"hash":"[0-9a-f]{64}","metadata"', f',"hash":"{"0" * 64}","metadata"', text
    )
    prefix = text[len('{"data":') : text.index(',"hash":"')]
    found = assert_every_path_agrees(
        written_hashed(lines, 4, placeholder, prefix), tmp_path, monkeypatch
    )
    assert found == (5, "position 5: hash does not match its content")


def test_re_serialized_lines_verify_as_line_by_line(ledger, tmp_path, monkeypatch):
    # given lines written with spaces, keys in reverse order and \u escapes: not canonical,
    # but the same values, which is what the hashes cover
    lines = whole_export(tmp_path)
    reversed_keys = [
        json.dumps(dict(reversed(json.loads(line).items())), ensure_ascii=True).encode()
        for line in lines
    ]
    assert reversed_keys[4] != lines[4]

    # then they verify on every path, and the fast path accepts them
    assert assert_every_path_agrees(reversed_keys, tmp_path, monkeypatch).events == 20
    accepted = ve._plain_event(reversed_keys[4])
    assert accepted is not None
    assert accepted == ve._plain_event(lines[4])


def test_a_line_hashed_over_its_non_canonical_payload_text_fails_there(
    ledger, tmp_path, monkeypatch
):
    # given a line whose payload is written with its keys in reverse order and whose hash
    # covers those bytes (not the canonical JSON of the payload, as ADR 0002 says)
    lines = whole_export(tmp_path)
    record = json.loads(lines[4])
    payload = json.dumps(dict(reversed(record["data"].items())), separators=(",", ":"))
    assert payload != ve.canonical_text(record["data"])
    rest = ve.canonical_text({**record, "hash": "0" * 64, "data": None})
    text = '{"data":' + payload + rest[len('{"data":null') :]

    # then every path refuses it at that line, as line by line
    found = assert_every_path_agrees(written_hashed(lines, 4, text, payload), tmp_path, monkeypatch)
    assert found == (5, "position 5: hash does not match its content")


def test_postgresql_jsonl_lines_are_the_general_path_byte_for_byte(metadata):
    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")
    odd = ev.Metadata(actor='user:"quoted" \\ back\tslash', via="api\u2028\x01")
    built = small_ledger(odd)
    # A control character is refused by claim_record now; events recorded before that rule keep
    # theirs, so the export still has to escape one in data: appended as such an event was.
    append(
        stream_id="00000000-0000-4000-8000-000000000001",
        stream_type=ev.StreamType.CLAIM,
        expected_version=0,
        events=[
            ev.ClaimRecorded(
                claim_id="00000000-0000-4000-8000-000000000001",
                text='She said "no" \\ twice;\ttab, newline\n, \x01 control, é 日本 😀 \u2028.',
                source_id=None,
                selector=None,
                publisher="",
                check_worthiness={},
                entities=[],
            )
        ],
        metadata=odd,
    )
    claim_record(text="[] {} 9007199254740991 -0 true null", metadata=metadata)
    call_command(
        "redact_event", str(built.comment_position), "--field", "body", "--reason", 'r "1"',
        "--actor", "user:dpo",
    )  # fmt: skip
    with connection.cursor() as cursor:  # envelope strings that need escapes (not via append)
        cursor.execute(
            "INSERT INTO ledger_event (position, stream_id, stream_type, version, type, "
            "schema_version, data, metadata, recorded_at, prev_hash, hash) "
            "VALUES (11, %s, %s, 1, %s, 1, %s, %s, %s, %s, %s)",
            [
                'odd"stream\\id\t1',
                "claim\n",
                "Odd\x02Type",
                json.dumps({"b": [1, {"z": None, "a": "x"}], "a": ""}),
                json.dumps({"actor": "user:x", "via": "api"}),
                timezone.now(),
                'prev"hash',
                "h\\ash",
            ],
        )
    plan = export_plan(export_format="jsonl")
    assert plan.up_to_position == 11

    with exports._snapshot() as redactions:
        general = [exports._jsonl_line(record, redactions) for record in exports._orm_records(plan)]
        fast = list(exports._postgresql_jsonl_lines(plan, redactions))

    assert fast == general
    assert len(fast) == 11
    assert (
        '"stream_id":"odd\\"stream\\\\id\\t1","stream_type":"claim\\n","type":"Odd\\u0002Type"'
        in fast[10]
    )
    assert '"redactions":[' in fast[built.comment_position - 1]


@pytest.mark.parametrize("field", ["data", "metadata", "stream_type"])
def test_an_unpaired_surrogate_fails_at_its_line_on_every_path(
    ledger, tmp_path, monkeypatch, field
):
    # given line 7 with half of a surrogate pair written as a JSON escape: valid JSON, but no
    # Unicode character, so no canonical (UTF-8) form and no event the ledger could hold
    lines = whole_export(tmp_path)
    record = json.loads(lines[6])
    if field == "data":
        record["data"] = {**record["data"], "text": "Tehran \ud800 said"}
    elif field == "metadata":
        record["metadata"] = {**record["metadata"], "actor": "\udfff"}
    else:
        record["stream_type"] = "claim\ud83d"
    lines[6] = json.dumps(record, ensure_ascii=True).encode()

    # then every path names that line and the character, instead of failing with a traceback
    found = assert_every_path_agrees(lines, tmp_path, monkeypatch)
    code = {"data": "d800", "metadata": "dfff", "stream_type": "d83d"}[field]
    assert found == (7, f"a string holds an unpaired surrogate (\\u{code}): not Unicode text")
