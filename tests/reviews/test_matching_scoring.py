"""The pair matcher (reviews.matching.scoring) and match_pairs, the DESIGN.md contract."""

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from reviews.matching.scoring import MATCH_THRESHOLD, match_score_texts


def test_a_paraphrase_of_the_same_claim_matches_and_says_why():
    # given the example: one claim in other words, Tehran and Iran one entity
    score = match_score_texts(
        a="Tehran's support is unwavering", b="Iran's backing remains steadfast"
    )
    # then it is a match, explained by the shared entity and the paraphrased predicate
    assert score.match is True
    assert score.reasons == [
        "shared entities: iran",
        "paraphrase: unwavering ~ backing, support ~ back",
    ]


def test_the_same_entity_saying_it_of_another_thing_is_no_match():
    # given the same subject and verb, but another organisation backed
    score = match_score_texts(a="Iran backs Hamas", b="Iran backs Hezbollah")
    # then no match, and the reasons name what differs
    assert score.match is False
    assert "each names something the other does not: hamas / hezbollah" in score.reasons


def test_a_claim_and_its_contradiction_are_related_not_the_same_claim():
    # given claims the contradiction scorer flags (the same words, one denies the other)
    a = "Police arrested three men after the attack in Lyon"
    b = "Police have not arrested anyone after the attack in Lyon"
    score = match_score_texts(a=a, b=b)
    # then the contradiction vetoes the match, and says so
    assert score.match is False
    assert any(reason.startswith("related, not the same claim") for reason in score.reasons)


def test_claims_with_nothing_in_common_score_zero():
    score = match_score_texts(a="Rain fell in Oslo.", b="Paris hosted a fair.")
    assert (score.match, score.score, score.reasons) == (
        False,
        0.0,
        ["nothing said of them in common"],
    )


def test_match_pairs_writes_one_line_per_pair(tmp_path, capsys):
    # given two pairs (and a blank line)
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        json.dumps({"id": "p1", "a": "Iran backs Hamas", "b": "Tehran backs Hamas"})
        + "\n\n"
        + json.dumps({"id": "p2", "a": "Rain fell in Oslo.", "b": "Paris hosted a fair."})
        + "\n"
    )
    # when
    call_command("match_pairs", str(path))
    # then one line each, in order, with the contract's keys
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2"]
    assert lines[0]["match"] is True
    assert lines[0]["score"] >= MATCH_THRESHOLD
    # ("backs" is a stance cue of commitment and "back" the predicate read from it)
    assert lines[0]["reasons"] == ["shared entities: hamas, iran", "aligned predicate: backs, back"]
    assert lines[1] == {
        "id": "p2",
        "match": False,
        "score": 0.0,
        "reasons": ["nothing said of them in common"],
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1: not JSON"),
        ('{"id": "x", "a": "text"}\n', "line 1: missing 'b'"),
    ],
)
def test_match_pairs_names_the_bad_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("match_pairs", str(path))


@pytest.mark.django_db(databases=[])
def test_match_pairs_reads_no_database(tmp_path, capsys):
    # given a test that may touch no database / when match_pairs runs / then it works
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"id": "p", "a": "Iran backs Hamas", "b": "Iran backs Hamas"}))
    call_command("match_pairs", str(path))
    assert json.loads(capsys.readouterr().out)["match"] is True


def test_eval_matching_reports_suggestions_and_retrieval(tmp_path, capsys):
    # given an Emergent-shaped file: two rumoured claims, each with a headline that repeats
    # it (for), and one denial (against); and a labelled pair file
    emergent = tmp_path / "emergent.jsonl"
    lemur = "A lemur escaped from the Oslo zoo"
    tower = "The Pisa tower was closed to visitors"
    rows = [
        ("1", lemur, "Lemur Escapes From Oslo Zoo, Keepers Say", "for", "c-lemur"),
        ("2", tower, "Pisa tower closed to visitors after storm", "observing", "c-tower"),
        ("3", lemur, "Oslo zoo denies that a lemur escaped", "against", "c-lemur"),
    ]
    emergent.write_text(
        "".join(
            json.dumps({"id": i, "a": a, "b": b, "label": "none", "stance": s, "claim_id": c})
            + "\n"
            for i, a, b, s, c in rows
        )
    )
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps(
            {"id": "t", "a": lemur, "b": "A lemur got out of the Oslo zoo", "label": "match"}
        )
        + "\n"
    )
    # when both halves are measured
    out: list[dict[str, Any]] = []
    for half in ("development", "held-out"):
        call_command(
            "eval_matching",
            "--emergent",
            str(emergent),
            "--pairs",
            str(pairs),
            "--half",
            half,
            "--json",
        )
        out.extend(json.loads(line) for line in capsys.readouterr().out.splitlines())
    # then each headline of either claim is counted once, in its claim's half
    emergent_rows = [row for row in out if row["name"].startswith("emergent")]
    assert sum(row["pairs"] for row in emergent_rows) == 2
    assert sum(row["against"] for row in emergent_rows) == 1
    assert sum(row["true_positives"] for row in emergent_rows) == 2
    assert all(row["recall_at_5"] == 1.0 for row in emergent_rows if row["pairs"])
    assert [row["true_positives"] for row in out if row["name"] == "pairs.jsonl"] == [1, 1]


def test_eval_matching_refuses_an_unlabelled_pair(tmp_path):
    emergent = tmp_path / "emergent.jsonl"
    emergent.write_text("")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "x", "a": "one", "b": "two"}) + "\n")
    with pytest.raises(CommandError, match="pair x needs 'label' match or none"):
        call_command("eval_matching", "--emergent", str(emergent), "--pairs", str(pairs))
