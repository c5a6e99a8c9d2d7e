"""Hard negatives a desk would see (issue 15): a denial of a denial and two times in other
words are not flagged, in either order, while their near twins that do contradict still are.
The pairs are written for these tests, not taken from any eval file."""

import pytest

from reviews.contradictions.pairs import pair_text_score
from reviews.contradictions.updates import periods_read


def flagged_in_both_orders(a: str, b: str) -> tuple[bool, bool]:
    return pair_text_score(a=a, b=b).contradiction, pair_text_score(a=b, b=a).contradiction


def kinds(a: str, b: str) -> list[str]:
    return [cue.kind for cue in pair_text_score(a=a, b=b).cues]


DENIED_DENIALS = [
    "The mayor did not deny that he met the developer before the vote.",
    "The mayor never denied meeting the developer before the vote.",
    "The mayor did not dispute that he met the developer before the vote.",
    "The mayor stopped short of denying that he met the developer before the vote.",
    "The mayor declined to deny that he met the developer before the vote.",
    "The mayor has not denied reports that he met the developer before the vote.",
]


@pytest.mark.parametrize("denied_denial", DENIED_DENIALS)
@pytest.mark.parametrize(
    "other",
    [
        "The mayor met the developer before the vote.",
        "The mayor did not meet the developer before the vote.",
    ],
)
def test_a_denial_of_a_denial_says_nothing_either_way(denied_denial, other):
    # given a claim that a denial was not made, against what it was of or its negation
    # when scored in both orders
    # then neither order is flagged: a denial not made denies nothing and asserts nothing
    assert flagged_in_both_orders(other, denied_denial) == (False, False)


@pytest.mark.parametrize("denied_denial", DENIED_DENIALS[:2])
def test_a_denial_against_the_claim_it_denies_is_still_flagged(denied_denial):
    # given the near twin: the mayor did deny it
    a = "The mayor met the developer before the vote."
    b = "The mayor denied that he met the developer before the vote."
    # then it is flagged in both orders, a refutation
    assert flagged_in_both_orders(a, b) == (True, True)
    assert "refutation" in kinds(a, b)


def test_what_a_denied_denial_was_of_is_neither_said_nor_denied():
    # given a denied denial of a closure, against the plant staying open / not closing
    denial = "The mayor never denied that the plant would close."
    # then nothing is flagged: the plant's closing is not asserted
    assert flagged_in_both_orders(denial, "The plant will not close.") == (False, False)
    assert flagged_in_both_orders(
        "The company did not dispute that sales fell in March.",
        "Sales rose in March, the company said.",
    ) == (False, False)
    assert flagged_in_both_orders(
        "Police did not deny that several people were hurt in the blast.",
        "Nobody was hurt in the blast.",
    ) == (False, False)


def test_a_refused_denial_is_no_denial_against_a_confirmation():
    a = "The club declined to deny that the coach was sacked."
    assert flagged_in_both_orders(a, "The club confirmed that the coach was sacked.") == (
        False,
        False,
    )


def test_a_denial_not_made_of_another_thing_is_not_against_a_denial():
    a = "The company denied that it would cut jobs."
    other_thing = "The company did not deny that it would close the depot."
    same_thing = "The company never denied that it would cut jobs."
    assert flagged_in_both_orders(a, other_thing) == (False, False)
    assert flagged_in_both_orders(a, same_thing) == (True, True)


@pytest.mark.parametrize(
    ("earlier", "later", "same_time_twin"),
    [
        (
            "Previously, the Kilby pool was closed on Mondays.",
            "Currently, the Kilby pool is open on Mondays.",
            "Previously, the Kilby pool was open on Mondays.",
        ),
        (
            "Before the merger, Dalton Insurance employed 2,400 people.",
            "After the merger, Dalton Insurance employs 1,900 people.",
            "Before the merger, Dalton Insurance employed 1,900 people.",
        ),
        (
            "In 2016 the Rivington ferry carried 300 cars a day.",
            "The Rivington ferry now carries 520 cars a day.",
            "In 2016 the Rivington ferry carried 520 cars a day.",
        ),
        (
            "Formerly, the Hale Street car park had 300 spaces.",
            "Today, the Hale Street car park has 450 spaces.",
            "Formerly, the Hale Street car park had 450 spaces.",
        ),
    ],
)
def test_two_times_in_other_words_are_an_update_and_one_time_a_conflict(
    earlier, later, same_time_twin
):
    # given a state or measure at two times, against its twin at one time
    # then the two times are not flagged in either order
    assert flagged_in_both_orders(earlier, later) == (False, False)
    # and the twin at one time is
    assert flagged_in_both_orders(earlier, same_time_twin) == (True, True)


def test_two_times_that_give_one_measure_are_typed_as_an_update():
    a = "Before the merger, Dalton Insurance employed 2,400 people."
    b = "After the merger, Dalton Insurance employs 1,900 people."
    assert kinds(a, b) == ["update"]
    assert kinds(b, a) == ["update"]


def test_periods_read_names_the_past_the_present_and_the_side_of_an_event():
    def periods(text: str) -> list[str]:
        tokens = text.replace(",", " ,").replace(".", " .").split()
        return periods_read([token.lower() for token in tokens], tokens)

    assert periods("Previously, the pool was closed.") == ["era:past"]
    assert periods("The pool is currently open.") == ["era:present"]
    assert periods("At present the pool is open.") == ["era:present"]
    assert periods("After its rebuild the stadium holds 24,000.") == ["event-rebuild:after"]
    assert periods("Before the merger it had 140 branches.") == ["event-merger:before"]
    # a name after "after" is no event ("after the Israeli strikes"), nor is a number
    assert periods("Prices rose after the Israeli strikes.") == []
    assert periods("Prices rose after 2019.") == []
    assert periods("The club won once again.") == []


@pytest.mark.parametrize(
    ("denial", "opposite", "twin"),
    [
        (
            "The Fenmoor hospital will not close.",
            "The Fenmoor hospital will stay open.",
            "The Fenmoor hospital will close.",
        ),
        (
            "The Pardo mine has not closed.",
            "The Pardo mine remains open.",
            "The Pardo mine has closed.",
        ),
        (
            "Exports from Dasa did not grow in 2023.",
            "Exports from Dasa fell in 2023.",
            "Exports from Dasa grew in 2023.",
        ),
        (
            "The bridge at Hollow End has not reopened.",
            "The bridge at Hollow End remains shut.",
            "The bridge at Hollow End has reopened.",
        ),
    ],
)
def test_denying_the_opposite_of_what_the_other_asserts_agrees(denial, opposite, twin):
    # given a denial of one side of an opposite pair, against the other side (a paraphrase)
    # then it is not flagged in either order, not even as a weak denial of the subject
    assert flagged_in_both_orders(denial, opposite) == (False, False)
    # and the denial against what it denies still is
    assert flagged_in_both_orders(twin, denial) == (True, True)
