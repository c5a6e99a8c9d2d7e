"""verify_export.py on hostile input: a clear "line N" and exit 1, never a traceback or a pass."""

import json

import pytest

from ledger.verify_export import main
from tests.ledger.exports_helpers import bad_line, export, small_ledger, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(metadata, tmp_path):
    small_ledger(metadata)
    return export(tmp_path / "ledger.jsonl", "--format", "jsonl")


def run_verifier(path, lines, capsys):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    status = main([str(path), "--jobs", "1"])
    return status, capsys.readouterr().err.strip()


def test_deeply_nested_json_fails_at_its_line_without_a_traceback(lines, tmp_path, capsys):
    # given: line 3's payload nested far deeper than the interpreter recurses
    nested = lines[2].replace('"data":{', '"data":' + "[" * 200_000 + "]" * 200_000 + ',"x":{', 1)
    tampered = [*lines[:2], nested, *lines[3:]]

    # when
    status, error = run_verifier(tmp_path / "deep.jsonl", tampered, capsys)

    # then
    assert status == 1
    assert error == "TAMPERED: line 3: not valid JSON (nested too deeply)"
    assert bad_line(tampered).line_number == 3


def test_a_zero_byte_file_is_not_intact(tmp_path, capsys):
    status, error = run_verifier(tmp_path / "empty.jsonl", [], capsys)

    assert status == 1
    assert error == (
        "TAMPERED: line 1: the file is empty (an export holds a header or at least one event)"
    )
    assert bad_line([]).line_number == 1


def test_an_export_of_an_empty_ledger_has_a_header_and_verifies(tmp_path):
    exported = export(tmp_path / "nothing.jsonl", "--format", "jsonl")

    assert [json.loads(line)["export"]["scope"] for line in exported] == ["since"]
    summary = verify(exported)
    assert (summary.events, summary.last_position) == (0, None)


def test_a_key_given_twice_fails_at_its_line(lines, tmp_path, capsys):
    # given: line 4 with a second "data" member; a parser taking the last one sees the original
    # payload (so the hash matches), one taking the first sees the forged one
    tampered_line = lines[3].replace('{"data":', '{"data":{"forged":true},"data":', 1)
    tampered = [*lines[:3], tampered_line, *lines[4:]]

    # when
    status, error = run_verifier(tmp_path / "twice.jsonl", tampered, capsys)

    # then
    assert status == 1
    assert error == "TAMPERED: line 4: not valid JSON (duplicate key 'data')"


def test_a_key_given_twice_inside_the_payload_fails_too(lines):
    record = json.loads(lines[0])
    text_value = json.dumps(record["data"]["text"])
    tampered_line = lines[0].replace('"text":', '"text":"forged","text":', 1)
    assert text_value in tampered_line

    assert str(bad_line([tampered_line, *lines[1:]])) == (
        "line 1: not valid JSON (duplicate key 'text')"
    )
