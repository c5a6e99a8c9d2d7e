"""score_pairs (the DESIGN.md contract) and eval_contradictions."""

import json

import pytest
from django.core.management import CommandError, call_command


def test_score_pairs_writes_one_line_per_pair(tmp_path, capsys):
    # given
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        json.dumps({"id": "p1", "a": "Hugh Hefner is dead.", "b": "Hugh Hefner is alive."})
        + "\n\n"
        + json.dumps({"id": "p2", "a": "Rain fell in Oslo.", "b": "Paris hosted a fair."})
        + "\n"
    )
    # when
    call_command("score_pairs", str(path))
    # then
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2"]
    assert lines[0]["contradiction"] is True
    assert lines[0]["cues"] == ["opposite words: A says “dead…”, B says “aliv…”"]
    assert lines[1] == {"id": "p2", "contradiction": False, "score": 0.0, "cues": []}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1: not JSON"),
        ('{"id": "x", "a": "text"}\n', "line 1: missing 'b'"),
        ('["a", "b"]\n', "line 1: expected an object"),
    ],
)
def test_score_pairs_names_the_bad_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("score_pairs", str(path))


def test_score_pairs_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("score_pairs", str(tmp_path / "absent.jsonl"))


def test_eval_prints_precision_recall_f1_per_file(tmp_path, capsys):
    path = tmp_path / "small.jsonl"
    rows = [
        {
            "id": "1",
            "a": "Hugh Hefner is dead.",
            "b": "Hugh Hefner is alive.",
            "label": "contradiction",
        },
        {"id": "2", "a": "Rain fell in Oslo.", "b": "Paris hosted a fair.", "label": "none"},
        {
            "id": "3",
            "a": "Kim Jong Un is ill.",
            "b": "Kim Jong Un had surgery.",
            "label": "contradiction",
        },
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    call_command("eval_contradictions", str(path))
    output = capsys.readouterr().out.splitlines()
    assert output[0] == "detector lexical-4"
    fields = output[2].split()
    assert fields[:8] == ["small.jsonl", "3", "1", "0", "1", "1.000", "0.500", "0.667"]
