"""The detectors: each kind of contradiction fires with a reviewer-readable cue; compatible facts
about the same subject do not."""

import json
from pathlib import Path
from typing import Any

import pytest

from reviews.contradictions.features import features_extract
from reviews.contradictions.lexicon import antonyms
from reviews.contradictions.pairs import pair_text_score


def kinds(a: str, b: str) -> list[str]:
    return [cue.kind for cue in pair_text_score(a=a, b=b).cues]


def test_seed_stance_pair_is_flagged_through_the_tehran_alias():
    # given the canonical example: Tehran (an alias of Iran) against Iran's allies
    a = (
        "The unwavering support from Tehran, rooted in ideological convergence and strategic "
        "necessity, is unlikely to diminish."
    )
    b = (
        "Iran's allies, including Hezbollah, the Houthi movement, Hamas, and Palestinian Islamic "
        "Jihad, have been largely silent since Israel launched a series of attacks."
    )
    # when
    result = pair_text_score(a=a, b=b)
    # then
    assert result.contradiction is True
    assert result.explanations == [
        "opposite stances: A says the support is firm (“unwavering”), "
        "B says the support is absent or fading (“silent”)"
    ]
    assert "iran" in features_extract(text=a).entities


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # two events of one treaty
        ("The treaty was signed in 1994.", "The treaty was ratified in 1996."),
        # rounding and stated approximation
        ("The city has 2.1 million residents.", "The city has about 2 million residents."),
        ("The city has 2.1 million residents.", "The city has 2 million residents."),
        # a part against the whole
        (
            "Iran's allies include Hezbollah.",
            "Iran's allies include Hezbollah, Hamas and the Houthi movement.",
        ),
        # a lower bound and a value inside it
        ("At least 30 people died in the flood.", "The flood killed 42 people."),
        # nothing in common
        ("Unemployment rose in Spain.", "The museum opened a new wing in Oslo."),
        # two events of one treaty, with the party named (the names date nothing)
        ("Jordan signed the treaty in 1994.", "Jordan ratified the treaty in 1996."),
        # a part against the whole, in money
        (
            "Iran provides $100 million a year to Hezbollah.",
            "Iran provides $700 million a year to its proxies.",
        ),
        # a whole number written short
        ("Apple delayed the 12-inch iPad Pro.", "Apple delayed the 12.9-inch iPad Pro."),
        # an upper bound under a negation, and a value inside it
        ("The Apple Watch battery doesn't last more than one day.", "The battery lasts a day."),
    ],
)
def test_compatible_facts_are_not_flagged(a, b):
    result = pair_text_score(a=a, b=b)
    assert result.contradiction is False, result.explanations


def test_numeric_mismatch_on_the_same_quantity():
    result = pair_text_score(
        a="The bombing in Kabul killed 28 people.", b="The bombing in Kabul killed 45 people."
    )
    assert result.contradiction is True
    assert [cue.kind for cue in result.cues] == ["numeric"]
    assert result.explanations == [
        "different numbers for person: A “killed 28 people”, B “killed 45 people”"
    ]


def test_numbers_of_different_things_are_not_compared():
    assert "numeric" not in kinds(
        "The bombing in Kabul killed 28 people.", "The bombing in Kabul destroyed 45 shops."
    )


def test_date_mismatch_on_the_same_event():
    result = pair_text_score(
        a="Jordan signed the peace treaty with Israel in 1994.",
        b="Jordan signed the peace treaty with Israel in 1996.",
    )
    assert result.contradiction is True
    assert "date" in [cue.kind for cue in result.cues]


def test_negation_of_what_the_other_asserts():
    result = pair_text_score(
        a="Tiger Woods is serving a suspension from the PGA Tour.",
        b="Tiger Woods is not serving a suspension from the PGA Tour.",
    )
    assert result.contradiction is True
    assert [cue.kind for cue in result.cues] == ["negation"]


def test_wordnet_antonyms_about_the_same_thing():
    assert antonyms()["legal"] == {"illegal"}
    result = pair_text_score(
        a="The teachers strike in Ohio is legal.", b="The teachers strike in Ohio is illegal."
    )
    assert result.contradiction is True
    assert result.explanations == ["opposite words: A says “legal…”, B says “illegal…”"]


def test_a_curated_opposite_is_judged_with_its_arguments_not_as_a_wordnet_antonym():
    # given dead / alive, both WordNet antonyms and a curated casualty entry
    result = pair_text_score(
        a="Playboy founder Hugh Hefner is dead.", b="Playboy founder Hugh Hefner is alive."
    )
    assert result.contradiction is True
    assert result.explanations == [
        "opposite predicates (casualties: whether a person lived): A says “dead”, B says "
        "“alive”, both of “founder”, “hefner”, “hugh”, “playboy”"
    ]


def test_a_report_called_a_hoax_contradicts_the_report():
    result = pair_text_score(
        a="Willie Nelson died at his ranch.", b="The report of Willie Nelson's death was a hoax."
    )
    assert result.contradiction is True
    assert result.explanations[0].startswith("B calls the report false (“hoax”)")


def test_a_denial_of_the_claim():
    assert "refutation" in kinds(
        "Apple will shut down Beats Music.", "Apple denies it is shutting down Beats Music."
    )


def test_opposite_quantifiers():
    assert "quantifier" in kinds(
        "All hospitals in Gaza are closed.", "No hospitals in Gaza are closed."
    )


def test_not_merely_x_but_y_puts_the_weight_on_y():
    features = features_extract(
        text="Iran backs the cause not merely out of opportunism but from genuine conviction."
    )
    assert "opportunism" not in features.asserted
    assert "opportunism" not in features.negated
    assert "genuin" in features.asserted


def test_score_is_a_probability_and_a_decimal_string():
    result = pair_text_score(
        a="The bombing in Kabul killed 28 people.", b="The bombing in Kabul killed 45 people."
    )
    assert 0 < result.score <= 1
    assert result.contradiction is True
    assert result.score_decimal == f"{result.score:.3f}"
    assert len(result.score_decimal.split(".")[1]) == 3


def _detectors_left_out_fire(a: Any, b: Any) -> list[Any]:
    """The cues of the detectors ``detectors_that_may_fire`` leaves out for a pair (none, if
    the bound is right)."""
    from reviews.contradictions.detectors import overlap_of
    from reviews.contradictions.registry import DETECTORS, detectors_that_may_fire

    chosen = detectors_that_may_fire(a, b)
    overlap = overlap_of(a, b)
    return [
        cue for detector in DETECTORS if detector not in chosen for cue in detector(a, b, overlap)
    ]


def test_the_cheap_bound_never_hides_a_cue_on_the_eval_sets():
    # given every pair of the development sets
    from reviews.contradictions.registry import DETECTORS, detectors_that_may_fire

    # (the in-repo sets, as every test reads its eval files: tests/data/README.md)
    files = sorted((Path(__file__).resolve().parents[1] / "data").glob("*/*.jsonl"))
    assert len(files) >= 10
    checked = ruled_out = left_out = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            a, b = features_extract(text=item["a"]), features_extract(text=item["b"])
            chosen = detectors_that_may_fire(a, b)
            # when the bound leaves a detector out, then that detector fires no cue
            assert _detectors_left_out_fire(a, b) == []
            ruled_out += not chosen
            left_out += len(DETECTORS) - len(chosen)
        checked += 1
    assert checked == len(files)
    assert ruled_out > 0
    assert left_out > ruled_out * len(
        DETECTORS
    )  # detectors are also left out of pairs the bound lets by


def test_the_cheap_bound_never_hides_a_cue_on_synthetic_claims():
    # given the bench's synthetic claims and their candidate pairs
    from bench.contradictions import make_claims
    from reviews.contradictions.candidates import MemoryIndex, blocking_keys
    from reviews.contradictions.registry import detectors_that_may_fire

    features = {f"c{n}": features_extract(text=text) for n, text in enumerate(make_claims(1500))}
    index = MemoryIndex()
    for claim_id, claim_features in features.items():
        index.add(claim_id, blocking_keys(claim_features))
    pairs = [(c, o) for c in features for o in index.candidates(c) if o > c]
    # then no detector left out of a pair fires on it
    kept = 0
    for first, second in pairs:
        a, b = features[first], features[second]
        assert _detectors_left_out_fire(a, b) == []
        kept += bool(detectors_that_may_fire(a, b))
    assert 0 < kept < len(pairs)


@pytest.mark.slow
def test_a_sweep_in_two_processes_finds_what_one_process_finds():
    # given the bench's synthetic claims, indexed in memory
    import sys

    from reviews.contradictions.candidates import MemoryIndex, blocking_keys
    from reviews.contradictions.sweep import MIN_CLAIMS_TO_FORK, contradictions_sweep_memory

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import contradictions as bench

    index, features = MemoryIndex(), {}
    for number, text in enumerate(bench.make_claims(MIN_CLAIMS_TO_FORK)):
        claim_id = f"c{number:05d}"
        features[claim_id] = features_extract(text=text)
        index.add(claim_id, blocking_keys(features[claim_id]))
    # when swept by one process and by two forked workers
    alone = contradictions_sweep_memory(index=index, features=features, workers=1)
    forked = contradictions_sweep_memory(index=index, features=features, workers=2)
    # then the same pairs are compared and the same contradictions found, in the same order
    assert forked.pairs_compared == alone.pairs_compared > 0
    assert forked.contradictions == alone.contradictions
    assert alone.contradictions == sorted(alone.contradictions)
    assert all(a < b for a, b in alone.contradictions)


def test_undecided_negation_negates_nothing():
    features = features_extract(text="Apple may or may not hold an event in February.")
    assert features.negation_cues == []
    assert "hold" in features.asserted


def test_a_contrast_sets_words_aside_instead_of_denying_them():
    for text in (
        "Police will issue tickets, not arrests, for marijuana.",
        "Police will issue tickets rather than arrests for marijuana.",
    ):
        features = features_extract(text=text)
        assert "arrest" not in features.negated
        assert "arrest" not in features.asserted
        assert "ticket" in features.asserted


def test_denying_the_rumour_is_a_refutation():
    result = pair_text_score(
        a="The Batmobile was stolen.", b="The studio denies the stolen Batmobile rumor."
    )
    assert result.contradiction is True
    assert result.cues[0].kind == "refutation"
    assert result.explanations[0] == (
        "B reports a denial (“denies”) about what the other claim says"
    )


def test_a_year_followed_by_a_comma_is_a_date_and_a_day_is_not_a_number():
    features = features_extract(text="On August 6, 1945, an atomic bomb was dropped.")
    assert features.quantities == []
    assert [(d.year, d.month, d.day) for d in features.dates] == [(1945, 8, 6)]


# Stance: opposite commitments must be the same holder's, at the same time, and committed.


def test_opposite_predicates_of_one_subject_are_flagged():
    result = pair_text_score(a="Iran approved the plan.", b="Iran rejected the plan.")
    assert result.contradiction is True
    assert [cue.kind for cue in result.cues] == ["opposite-predicate"]


def test_opposite_stances_of_different_holders_are_not_compared():
    # US backing of Israel against Iran rejecting the plan: two holders
    assert "stance" not in kinds("The US backed the plan.", "Iran rejected the plan.")
    assert "stance" not in kinds(
        "Israel, with US backing, is the most powerful force in the neighborhood.",
        "For Iran, supporting Hamas provides a forward defense against Israel.",
    )


def test_a_stance_in_the_past_does_not_clash_with_one_now():
    assert "stance" not in kinds(
        "This move positioned Iran as a staunch supporter of the Palestinian cause.",
        "Iran's allies have been largely silent since Israel launched a series of attacks.",
    )


def test_a_conceded_or_possible_stance_commits_to_nothing():
    unwavering = "The unwavering support from Tehran is unlikely to diminish."
    for conceding in (
        "The commitment of Iran remains evident, even amidst tactical silences.",
        "While tactical silences may occur, Iran's commitment ensures the bond endures.",
    ):
        assert features_extract(text=conceding).stances == []
        assert pair_text_score(a=unwavering, b=conceding).contradiction is False


def test_a_stance_whose_holder_is_not_named_is_not_attributed():
    # "This relative silence" points back to a sentence the claim does not repeat
    features = features_extract(
        text="This relative silence has raised questions about Iran's network of proxies."
    )
    assert [(cue.cue, cue.holders) for cue in features.stances] == [("silence", [])]
    assert "stance" not in kinds(
        "The unwavering support from Tehran is unlikely to diminish.",
        "This relative silence has raised questions about Iran's network of proxies.",
    )


def test_the_holder_of_a_stance_comes_from_its_own_words_or_the_subject():
    support = features_extract(text="The unwavering support from Tehran is unlikely to diminish.")
    silent = features_extract(
        text="Iran's allies, including Hezbollah and Hamas, have been largely silent."
    )
    assert {cue.cue: cue.holders for cue in support.stances} == {
        "unwavering": ["iran"],
        "diminish": ["iran"],
    }
    assert "iran" in silent.stances[0].holders


def test_not_necessarily_weakening_takes_no_side_against_the_alliance():
    features = features_extract(
        text="The silence from Iran's allies does not necessarily signify a weakening of the "
        "alliance."
    )
    assert {cue.pole for cue in features.stances if cue.axis == "support"} == {1, -1}
    assert "allianc" not in features.negated


# Negation: what is denied must be the claim's statement, not a clause or a modifier.


def test_a_negation_in_a_relative_clause_is_weaker_evidence():
    result = pair_text_score(
        a="The government fired an employee who hadn't been to work in 24 years.",
        b="The government fired an employee who skipped work for 24 years.",
    )
    assert [cue.kind for cue in result.cues] == ["negation-embedded"]
    assert result.contradiction is False


@pytest.mark.parametrize(
    "text",
    [
        "Don't reset all settings in iOS 8.",  # a request
        "It might not serve the interests of the parties.",  # a possibility
        "Their actions are not always a direct reflection of Tehran's desires.",  # not always
        "He filmed it without the man's knowledge.",  # a possessor is not denied
    ],
)
def test_negations_that_deny_nothing_the_other_claim_says(text):
    denied = set(features_extract(text=text).negated)
    assert not denied & {"reset", "setting", "serv", "interest", "direct", "tehran", "man"}


def test_without_denies_the_head_of_its_noun_phrase():
    features = features_extract(text="Iran exerts influence without direct military confrontation.")
    assert features.negated == ["confrontation"]
    assert "military" not in features.asserted


# Antonymy, dates: the opposite words and the dates must be about the same thing.


def test_antonyms_about_different_things_are_not_opposed():
    assert "antonymy" not in kinds(
        "They saw a Western-backed occupation of Palestine.",
        "Iran and Palestine are a fundamental truth of Middle Eastern geopolitics.",
    )


def test_dates_near_the_same_name_only_are_not_one_event():
    assert "date" not in kinds(
        "The alignment between Iran and Palestine since 1979 originates from ideology.",
        "A book on Iran and Palestine (Routledge, 2019) highlights common roots.",
    )


def test_a_contracted_not_real_is_a_refutation():
    assert "refutation" in kinds(
        "ESPN planned a domestic violence panel.", "That ESPN domestic violence panel isn't real."
    )


HARBOR_NOTE = (
    "Note: The Lakeshore Ledger, Harbor City, Lake County, Milltown, Northgate Engineering and "
    "every person named here are fictional."
)
MILLTOWN_RATES = "Rates in neighboring Milltown rose 9 percent last year after a similar upgrade."


def _refutation_verdict(a: str, b: str) -> bool:
    from reviews.contradictions.scoring import pair_explain

    explanation = pair_explain(a=a, b=b)
    return next(v.fired for v in explanation.verdicts if v.detector == "refutation")


@pytest.mark.parametrize("forward", [True, False])
def test_a_disclaimer_that_names_are_fictional_refutes_no_claim_of_the_article(forward):
    # given the walk-through article's closing note and one of its claims sharing a name
    a, b = (HARBOR_NOTE, MILLTOWN_RATES) if forward else (MILLTOWN_RATES, HARBOR_NOTE)
    # then "fictional" is said of the names, not of the report: no refutation, no flag
    assert _refutation_verdict(a, b) is False
    assert pair_text_score(a=a, b=b).contradiction is False


@pytest.mark.parametrize("forward", [True, False])
def test_calling_the_report_of_the_claim_fake_refutes_it(forward):
    refuting = "The report that Milltown's rates rose is fake."
    a, b = (refuting, MILLTOWN_RATES) if forward else (MILLTOWN_RATES, refuting)
    result = pair_text_score(a=a, b=b)
    assert _refutation_verdict(a, b) is True
    assert result.contradiction is True
    role = "A" if forward else "B"
    assert f"{role} calls the report false (“fake”)" in result.explanations[0]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (HARBOR_NOTE, "person"),  # names and determiners are left out of the subject
        ("Police said the shirts sold outside the ground are fake.", "shirt"),
        ("The report that Milltown's rates rose is fake.", "report"),
        ("It's a hoax, the mayor said.", "it"),
        ("That is completely false.", "that"),
        ("Milltown officials said the rate rise is bogus.", "rate rise"),
        ("A man was caught with fake passports.", ""),  # not predicative: the noun after judges
        ("Milltown is not dead.", ""),  # said of a person, not of a report
    ],
)
def test_a_predicative_refutation_word_is_read_with_its_subject(text, subject):
    from reviews.contradictions.clauses import said_of_lemma
    from reviews.contradictions.refutation_subjects import QUALIFIER_MARK

    expected = " ".join(said_of_lemma(word) for word in subject.split())
    # the head (what qualifies it, "sold outside the ground", follows QUALIFIER_MARK)
    head = features_extract(text=text).refutations[0][3].partition(QUALIFIER_MARK)[0]
    assert head == expected


@pytest.mark.parametrize(
    ("a", "b", "refuted"),
    [
        ("Milltown will raise water rates.", "Milltown says the rate rise story is bogus.", True),
        ("Milltown will raise water rates.", "Milltown says it's fake.", True),
        ("Milltown will raise water rates.", "The Milltown in the novel is fictional.", False),
        ("Milltown Zoo sold a tiger.", "Milltown Zoo's shop sells Fake Fang, a plush toy.", False),
    ],
)
def test_a_refutation_word_refutes_only_what_it_is_said_of(a, b, refuted):
    assert _refutation_verdict(a, b) is refuted


def test_a_decisive_cue_is_not_zeroed_by_its_kinds_fitted_weight():
    from reviews.contradictions.calibration import CUE_POSITION, DECISIVE_STRENGTH, with_prior

    # given a model that weighs a calibrated kind at 0 (its score alone stays low)
    vector = [0.0] * (len(CUE_POSITION) + 4)
    vector[CUE_POSITION["opposite-predicate"]] = 0.8
    # when a decisive cue of that kind fired, then the pair reaches the threshold and beyond
    assert DECISIVE_STRENGTH <= 0.8
    assert with_prior(0.1, vector, [], 0.5) == pytest.approx(0.5 + 0.3 * 0.5 / 0.5)
    # and a weaker cue of a weighed kind keeps the model's score
    vector[CUE_POSITION["opposite-predicate"]] = 0.65
    assert with_prior(0.1, vector, [], 0.5) == 0.1


def test_a_claim_denying_its_own_predicate_of_the_other_claims_subject():
    # given a claim that denies, in other words, something of the subject the other speaks of
    result = pair_text_score(
        a="The Marwick ferry line will close in the spring.",
        b="Marwick ferry line not shutting down, the operator says.",
    )
    # then a weak negation names the shared subject, B as the denying claim
    assert [cue.kind for cue in result.cues] == ["negation-weak"]
    assert result.explanations == [
        "B denies something of “ferry”, “lin”, “marwick” (not …), which A makes a claim about"
    ]
    assert result.swapped().explanations == [
        "A denies something of “ferry”, “lin”, “marwick” (not …), which B makes a claim about"
    ]


@pytest.mark.parametrize(
    "b",
    [
        "The Marwick ferry line runs daily and does not stop in winter.",  # a second predicate
        "Is the Marwick ferry line not closing after all?",  # a question
        "There is no Marwick ferry line timetable for the spring.",  # a determiner
    ],
)
def test_a_denial_that_is_not_of_the_subjects_statement_is_no_subject_denial(b):
    features = features_extract(text=b)
    assert features.denied_subject == []
