"""One event in other words from WordNet (reviews/contradictions/wordnet_words.py and its
generator, generate_synonyms.py): the generator on a small fixture in WordNet's database format,
the committed table's shape, and the detectors reading it in both orders."""

import json

import pytest

from reviews.contradictions import generate_synonyms, wordnet_words
from reviews.contradictions.features import features_extract
from reviews.contradictions.pairs import pair_text_score
from reviews.contradictions.text import lemma

# A fixture in the wndb(5WN) and cntlist(5WN) formats: "die" and "perish" share their first
# sense; "ratify" shares its first sense with "sign", whose first sense is another; "death"
# names the event of "die".
FIXTURE = {
    "data.verb": [
        "00000001 30 v 02 die 0 perish 0 000 | pass from physical life",
        "00000002 41 v 02 sign 0 ratify 0 000 | approve formally",
        "00000003 32 v 01 sign 1 000 | mark with one's signature",
    ],
    "index.verb": [
        "die v 1 0 1 1 00000001",
        "perish v 1 0 1 1 00000001",
        "ratify v 1 0 1 1 00000002",
        "sign v 2 0 2 2 00000003 00000002",
    ],
    "data.noun": [
        "00000010 11 n 01 death 0 001 + 00000001 v 0101 | the event of dying",
        "00000011 18 n 01 killer 0 001 + 00000001 v 0101 | someone who kills",
    ],
    "index.noun": ["death n 1 1 + 1 1 00000010", "killer n 1 1 + 1 1 00000011"],
    "cntlist.rev": [
        "die%2:30:00:: 1 141",
        "perish%2:30:00:: 1 10",
        "ratify%2:41:00:: 1 5",
        "sign%2:41:00:: 2 13",
        "sign%2:32:01:: 1 16",
        "death%1:11:00:: 1 50",
        "killer%1:18:00:: 1 20",
    ],
}


def test_the_generator_links_shared_first_senses_and_the_nouns_of_events(tmp_path):
    for name, lines in FIXTURE.items():
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    tables = generate_synonyms.synonyms_from_wordnet(tmp_path)

    # sign's first sense is another: sign / ratify link nothing; a killer is a doer, no event
    assert tables == {
        "verb_senses": {"die": ["00000001"], "perish": ["00000001"]},
        "noun_events": {"death": "die"},
    }


def test_the_committed_table_loads_with_its_provenance_and_shape():
    payload = json.loads(wordnet_words.SYNONYMS_FILE.read_text(encoding="utf-8"))

    assert payload["generator"] == "reviews/contradictions/generate_synonyms.py"
    assert "WORDNET-LICENSE.txt" in payload["licence"]
    assert all(
        word.isalpha() and offsets and all(len(offset) == 8 for offset in offsets)
        for word, offsets in payload["verb_senses"].items()
    )
    assert all(noun.isalpha() and verb.isalpha() for noun, verb in payload["noun_events"].items())
    # every shared sense is shared by two verbs or more
    members: dict[str, int] = {}
    for offsets in payload["verb_senses"].values():
        for offset in offsets:
            members[offset] = members.get(offset, 0) + 1
    assert min(members.values()) >= 2


def test_the_lookup_reads_lemmas():
    assert wordnet_words.verb_senses(lemma("perished")) & wordnet_words.verb_senses(lemma("died"))
    assert lemma("sanctioned") in wordnet_words.verb_synonyms(lemma("approved"))
    assert wordnet_words.noun_event(lemma("death")) == lemma("die")
    # "signed" and "ratified" date two events: no shared first sense
    assert not wordnet_words.verb_senses(lemma("signed")) & wordnet_words.verb_senses(
        lemma("ratified")
    )


def test_a_dates_events_carry_the_shared_senses_and_a_nouns_event():
    (perished,) = features_extract(text="The skipper perished in 1987.").dates
    (died,) = features_extract(text="The skipper died in 1990.").dates
    (death,) = features_extract(text="The death of the skipper came in 1987.").dates
    (election,) = features_extract(text="The election of the skipper came in 1987.").dates

    assert set(perished.events) & set(died.events) == wordnet_words.verb_senses("die")
    # "came" says only that it happened: the event is the noun's
    assert "die" in death.events
    assert "die" in death.lead
    assert not set(election.events) & set(died.events)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (
            "The river ferry's old skipper perished in 1987.",
            "The river ferry's old skipper died in 1990.",
            "date",
        ),
        (
            "The planning board sanctioned the quarry extension in 2011.",
            "The planning board approved the quarry extension in 2013.",
            "date",
        ),
        (
            "The death of the sculptor Oren Vale came in 1979.",
            "The sculptor Oren Vale died in 1982.",
            "date",
        ),
        # another event of the same thing
        (
            "The river ferry's old skipper retired in 1987.",
            "The river ferry's old skipper died in 1990.",
            "",
        ),
        # "sanctioned" in its other sense, of another thing
        (
            "The planning board sanctioned the quarry operator in 2011.",
            "The planning board approved the quarry extension in 2013.",
            "",
        ),
        # a noun of another event before "came"
        (
            "The election of the sculptor Oren Vale to the academy came in 1971.",
            "The sculptor Oren Vale died in 1982.",
            "",
        ),
        ("The trade pact was signed in 2004.", "The trade pact was ratified in 2006.", ""),
    ],
)
def test_one_event_in_wordnet_words_is_dated_once_in_both_orders(a, b, kind):
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is bool(kind), (first, second, result.explanations)
        if kind:
            assert result.cues[0].kind == kind


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (
            "The harbour commission sanctioned the marina's expansion plan.",
            "The harbour commission rejected the marina's expansion plan.",
            "opposite-predicate",
        ),
        (
            "Attendance at the county museums diminished over the summer.",
            "Attendance at the county museums rose over the summer.",
            "opposite-predicate",
        ),
        (
            "The water company attained its leakage target for the year.",
            "The water company missed its leakage target for the year.",
            "opposite-predicate",
        ),
        # "sanctioned" in its other sense, of another thing
        (
            "The harbour commission sanctioned two trawler skippers for overfishing.",
            "The harbour commission rejected the marina's expansion plan.",
            "",
        ),
        # the same synonym of another measure
        (
            "Ticket prices at the county museums diminished over the summer.",
            "Attendance at the county museums rose over the summer.",
            "",
        ),
    ],
)
def test_a_wordnet_synonym_of_one_side_of_an_opposite_is_that_side_in_both_orders(a, b, kind):
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is bool(kind), (first, second, result.explanations)
        if kind:
            assert result.cues[0].kind == kind


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (
            "Thirty people were injured when the pier at Wexley collapsed.",
            "Fifty people were wounded when the pier at Wexley collapsed.",
            "numeric",
        ),
        (
            "Six fishermen perished when the trawler went down off Skerra.",
            "Two fishermen died when the trawler went down off Skerra.",
            "numeric",
        ),
        # counts of two events of the same people
        (
            "Thirty people were injured when the pier at Wexley collapsed.",
            "Fifty people were killed when the pier at Wexley collapsed.",
            "",
        ),
        (
            "The transit authority purchased 60 trams for the new line.",
            "The transit authority repaired 25 trams for the new line.",
            "",
        ),
    ],
)
def test_counts_of_one_event_in_wordnet_words_clash_and_of_two_events_do_not(a, b, kind):
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is bool(kind), (first, second, result.explanations)
        if kind:
            assert result.cues[0].kind == kind
