"""Refutations read with what their word is said of (branch detect-emergent, issue 15): a genre
adjective before a noun, a thing qualified as another of its kind, a document that carries the
report, a denial of a headline's report noun and a question asking whether something was a
hoax. Every pair is written fresh for its kind (no eval file's pair), and
each is checked in both orders."""

import pytest

from reviews.contradictions.features import features_extract
from reviews.contradictions.pairs import pair_text_score
from reviews.contradictions.scoring import pair_explain


def _kinds(a: str, b: str, forward: bool) -> list[str]:
    first, second = (a, b) if forward else (b, a)
    return [cue.kind for cue in pair_text_score(a=first, b=second).cues]


def _refuted(a: str, b: str, forward: bool) -> bool:
    first, second = (a, b) if forward else (b, a)
    explanation = pair_explain(a=first, b=second)
    return next(v.fired for v in explanation.verdicts if v.detector == "refutation")


PIT_CLOSURE = "Corvale Mining will close its Hexham pit next spring."


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    "genre",
    [
        "Corvale Mining's safety video is set at a fictional pit near Hexham.",
        "Corvale Mining's founder wrote a satirical novel about a pit closure.",
    ],
)
def test_a_genre_adjective_before_a_noun_describes_that_thing_not_the_report(genre, forward):
    # given a claim in which "fictional" / "satirical" names a kind of thing or of writing
    # then it calls nothing the other claim reports false
    assert _refuted(PIT_CLOSURE, genre, forward) is False
    assert pair_text_score(a=PIT_CLOSURE, b=genre).contradiction is False


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    "refuting",
    [
        "The story that Corvale Mining will close its Hexham pit is fictional.",
        # a satirical site is where the report came from: still said of the report
        "Corvale Mining said the pit closure report came from a satirical site.",
    ],
)
def test_a_genre_word_said_of_the_report_still_refutes_it(refuting, forward):
    assert _refuted(PIT_CLOSURE, refuting, forward) is True


def test_a_genre_adjective_before_a_report_noun_keeps_the_report_noun():
    refutations = features_extract(text="A satirical blog site ran the pit story.").refutations
    assert [(words, noun) for words, _, noun, _ in refutations] == [("satirical", "site")]


STATUE_TOPPLED = "Vandals toppled a bronze statue at the Brenmore Gallery on Sunday."


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    ("other", "refuted"),
    [
        # the statue the other claim names, qualified as another one: a forgery, no refutation
        ("The Brenmore Gallery said the statue in its rose garden is a fake.", False),
        ("Brenmore Gallery staff warned that the statues sold at the gate are fake.", False),
        # the same thing without another qualifier, or a report of it: refuted
        ("The Brenmore Gallery said the toppled statue story is fake.", True),
        ("The Brenmore Gallery said the photo of the toppled statue is fake.", True),
    ],
)
def test_a_thing_the_other_claim_names_qualified_as_another_is_not_its_report(
    other, refuted, forward
):
    assert _refuted(STATUE_TOPPLED, other, forward) is refuted


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    "document",
    [
        "Dalby Foods said the memo about cutting 200 jobs is fake.",
        "Dalby Foods said the job cuts notice posted in its canteen is bogus.",
    ],
)
def test_a_document_that_carries_the_report_is_the_report(document, forward):
    a = "Dalby Foods will cut 200 jobs at its Leeds bakery."
    assert _kinds(a, document, forward)[:1] == ["refutation"]
    assert pair_text_score(a=a, b=document).contradiction is True


@pytest.mark.parametrize("forward", [True, False])
def test_a_denial_of_a_headlines_report_noun_is_said_of_the_report(forward):
    # given a headline whose denied noun phrase ends in a report noun after a word the other
    # claim never uses ("Belgian")
    a = "Ferris Motors agreed a pay deal with its Ostend workers."
    b = "Ferris Motors Denies Belgian Pay Deal Claim"
    # then the denial is of the report (the strong kind), not loose
    assert "refutation" in _kinds(a, b, forward)
    assert "refutation-loose" not in _kinds(a, b, forward)


def test_a_report_noun_is_found_only_within_its_noun_phrase():
    # "denies" is said of the plan, not of the claims made later in another phrase
    refutations = features_extract(
        text="Ferris Motors denies plan to close Ostend, despite claims by unions"
    ).refutations
    assert [noun for _, _, noun, _ in refutations] == ["plan"]


SERPENT_PHOTO = "A photo shows a sea serpent swimming in Loch Arden."


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize(
    ("question", "refuted"),
    [
        # a question that asks whether its subject was a hoax leans to the refutation
        ("Was the Loch Arden sea serpent photo all a hoax?", True),
        ("Is the Loch Arden sea serpent photo a hoax?", True),
        # a bare "Hoax?" or one of two answers asks without leaning
        ("Loch Arden sea serpent photo: real or hoax?", False),
        ("Loch Arden sea serpent photo a hoax?", False),
    ],
)
def test_a_question_putting_hoax_as_what_its_subject_is_refutes(question, refuted, forward):
    assert _refuted(SERPENT_PHOTO, question, forward) is refuted
