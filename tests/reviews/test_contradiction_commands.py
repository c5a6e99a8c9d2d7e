"""score_pairs (the DESIGN.md contract) and eval_contradictions."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.claims import SILENT, SUPPORT, seed_pair_explanation


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
    assert lines[0]["cues"] == [
        "opposite predicates (casualties: whether a person lived): A says “dead”, B says "
        "“alive”, both of “hefner”, “hugh”"
    ]
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
            "type": "antonymy",
        },
        {
            "id": "2",
            "a": "Rain fell in Oslo.",
            "b": "Paris hosted a fair.",
            "label": "none",
            "type": "different_entity",
        },
        {
            "id": "3",
            "a": "Kim Jong Un is ill.",
            "b": "Kim Jong Un had surgery.",
            "label": "contradiction",
            "type": "paraphrase",
        },
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    call_command("eval_contradictions", str(path))
    output = capsys.readouterr().out.splitlines()
    assert output[0] == "detector lexical-19"
    fields = output[2].split()
    assert fields[:8] == ["small.jsonl", "3", "1", "0", "1", "1.000", "0.500", "0.667"]
    # and the pairs flagged per kind of pair, kinds in alphabetical order
    assert output[-1] == "small.jsonl: antonymy 1/1, different_entity 0/1, paraphrase 0/1"


def test_explain_pair_prints_each_detectors_verdict_and_the_alignment(capsys):
    # when two claims with opposite predicates are explained
    call_command(
        "explain_pair",
        "Volta Motors hired 300 workers at its Leipzig plant.",
        "Volta Motors laid off 300 workers at its Leipzig plant.",
    )
    lines = capsys.readouterr().out.splitlines()
    # then the verdict, the subject and each claim's predicates come first
    assert lines[0].startswith("verdict: contradiction (score ")
    assert lines[1] == "subject: entities leipzig, volta motors; shared words plant, worker"
    assert lines[2] == "A: predicates hired (Volta Motors → workers); times none"
    assert lines[3] == "B: predicates laid off (Volta Motors → workers); times none"
    # and every type detector says whether it fired, and why
    verdicts = dict(line.split(": ", 1) for line in lines[4:])
    assert list(verdicts) == [
        "negation",
        "opposite-predicate",
        "swapped-relation",
        "antonymy",
        "numeric",
        "date",
        "stance",
        "answer",
        "refutation",
        "quantifier",
        "update",
    ]
    assert verdicts["opposite-predicate"] == (
        "FIRED — opposite predicates (employment: an employer took on or let go of workers): "
        "A says “hired”, B says “laid off”, both of “leipzig”, “motor”, “volta”, “worker”"
    )
    assert verdicts["date"] == "no — needs a date in each claim: not found"


def test_explain_pair_reads_a_claims_opening_words_as_the_antecedent_given(capsys):
    # given a claim opening with "It", explained alone and then with what its source named
    a = "Volta Motors hired 300 workers at its Leipzig plant."
    b = "It laid off 300 workers at its Leipzig plant."
    call_command("explain_pair", a, b)
    alone = capsys.readouterr().out.splitlines()
    call_command("explain_pair", a, b, antecedent_b="Volta Motors")
    given = capsys.readouterr().out.splitlines()
    # then alone B's doer is unknown; given, B is read as the company, and the output says so
    assert alone[3] == "B: predicates laid off (? → workers); times none"
    assert given[1] == "subject: entities leipzig, volta motors; shared words plant, worker"
    assert given[3] == "B: predicates laid off (Volta Motors → workers); times none"
    assert "B's antecedent: “It” is “Volta Motors”" in given
    assert not any(line.startswith("B's antecedent") for line in alone)


@pytest.mark.parametrize("first", [SUPPORT, SILENT], ids=["support-first", "silent-first"])
def test_explain_pair_names_each_claims_words_by_its_role_in_either_order(capsys, first):
    # when the seed pair is explained with either claim as A
    second = SILENT if first == SUPPORT else SUPPORT
    call_command("explain_pair", first, second)
    # then A's predicates and stance words are the first claim's (what the flag page shows)
    assert capsys.readouterr().out.splitlines() == seed_pair_explanation(first=first)


@pytest.mark.parametrize(
    ("a", "b", "said_a", "said_b"),
    [
        (
            "Unemployment in Portugal stood at 6.5% in 2023.",
            "Unemployment in Portugal stood at 9.8% in 2013.",
            ("none", "2023"),
            ("none", "2013"),
        ),
        (  # days of the week are times too
            "On Monday the River Aln stood at 3.1 metres at the Alnmouth gauge.",
            "By Friday the River Aln had risen to 4.6 metres at the Alnmouth gauge.",
            ("none", "Monday"),
            ("risen (River Aln → metres)", "Friday"),
        ),
    ],
)
def test_explain_pair_says_a_later_dated_value_is_an_update(capsys, a, b, said_a, said_b):
    call_command("explain_pair", a, b)
    lines = capsys.readouterr().out.splitlines()
    # then it is no conflict: the update detector names each claim's time under its role
    assert lines[0].startswith("verdict: no contradiction (score 0.000")
    update = (
        f"A is dated “{said_a[1]}”, B is dated “{said_b[1]}”: an update (the later report of a "
        "change) or two periods, not a conflict"
    )
    assert f"update: FIRED — {update}" in lines
    assert f"numeric: no — {update}" in lines
    assert f"A: predicates {said_a[0]}; times {said_a[1]}" in lines
    assert f"B: predicates {said_b[0]}; times {said_b[1]}" in lines


def test_explain_pair_types_claims_reporting_on_two_months_as_an_update(capsys):
    # given two claims opening with the times they report on, the later one giving a new value
    march = "As of March 2025, the Kelby dam held 62 percent of its capacity."
    august = "As of August 2025, the Kelby dam held 31 percent of its capacity."
    for first, second, times in (
        (march, august, ("March 2025", "August 2025")),
        (august, march, ("August 2025", "March 2025")),
    ):
        # when explained in either order
        call_command("explain_pair", first, second)
        lines = capsys.readouterr().out.splitlines()
        # then it is no contradiction but an update, each claim's time named under its role
        assert lines[0].startswith("verdict: no contradiction (score 0.000")
        assert (
            f"update: FIRED — A is dated “{times[0]}”, B is dated “{times[1]}”: an update (the "
            "later report of a change) or two periods, not a conflict"
        ) in lines


def test_explain_pair_says_a_denial_of_another_argument_is_no_denial_in_either_order(capsys):
    # given a claim denying the verb the other asserts, of another thing done to
    dredged = "The Ostley harbour board dredged the north channel last spring."
    denied = "The Ostley harbour board has not dredged the marina basin, its chair said."
    for first, second, roles in ((dredged, denied, ("A", "B")), (denied, dredged, ("B", "A"))):
        # when explained in either order
        call_command("explain_pair", first, second)
        lines = capsys.readouterr().out.splitlines()
        # then no contradiction, and the negation line names each claim's argument by its role
        asserting, denying = roles
        assert lines[0].startswith("verdict: no contradiction (score 0.000")
        assert (
            f"negation: no — {denying} denies “dredged” of other arguments than {asserting} "
            f"asserts it of ({asserting}'s “the north channel”, {denying}'s “the marina basin”)"
        ) in lines


def test_explain_pair_refuses_an_empty_claim():
    with pytest.raises(CommandError, match="both claims need text"):
        call_command("explain_pair", " ", "Volta Motors hired 300 workers.")


def test_eval_with_grouped_folds_decides_each_topic_by_a_model_that_never_saw_it(tmp_path, capsys):
    # given a labelled file of four topics, a contradiction and a compatible pair each
    path = tmp_path / "topics.jsonl"
    rows = []
    for topic, (a, contradicting, compatible) in enumerate(
        [
            ("The bridge opened in 1932.", "The bridge opened in 1937.", "The bridge was built."),
            ("Acme hired 30 workers.", "Acme laid off 30 workers.", "Acme hired 30 workers."),
            ("The mayor signed the bill.", "The mayor did not sign the bill.", "The mayor spoke."),
            ("All flights were cancelled.", "No flights were cancelled.", "All trains ran."),
        ]
    ):
        rows.append({"id": f"{topic}c", "a": a, "b": contradicting, "label": "contradiction"})
        rows.append({"id": f"{topic}n", "a": a, "b": compatible, "label": "none"})
        for row in rows[-2:]:
            row["topic"] = str(topic)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    # when
    call_command("eval_contradictions", str(path), "--folds", "2")
    output = capsys.readouterr().out.splitlines()
    # then the report says how it was measured, per file and pooled, then per type
    assert output[0] == (
        "detector lexical-19: 2-fold cross-validation grouped by topic (4 topics), seed "
        "20240601, out-of-fold decisions only"
    )
    assert output[2].split() == ["topics.jsonl", "8", "4", "0", "0", "1.000", "1.000", "1.000"]
    assert output[3].split()[0] == "pooled"
    assert output[5] == "per type (a flag counts for every type whose cue it carries):"
    per_type = {line.split()[0]: line.split()[1:] for line in output[7:]}
    assert per_type["opposite-predicate"] == ["1", "1", "1.000", "1"]
    assert per_type["quantifier"] == ["1", "1", "1.000", "1"]
    assert per_type["numeric"] == ["0", "0", "-", "0"]


def test_eval_refuses_a_single_fold(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "1", "a": "x y", "b": "y z", "label": "none"}) + "\n")
    with pytest.raises(CommandError, match="--folds needs at least 2 folds"):
        call_command("eval_contradictions", str(path), "--folds", "1")


@pytest.mark.parametrize("folds", [[], ["--folds", "2"]])
def test_eval_reports_a_missing_file(tmp_path, folds):
    with pytest.raises(CommandError, match=r"cannot read .*absent\.jsonl: No such file"):
        call_command("eval_contradictions", str(tmp_path / "absent.jsonl"), *folds)
