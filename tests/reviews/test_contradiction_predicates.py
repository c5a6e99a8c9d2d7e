"""Opposite predicates, denials and stances in other words (issue 15): each reading on pairs
written for it, in both orders (A/B and B/A), with the hard negative of its kind."""

import pytest

from reviews.contradictions.features import features_extract
from reviews.contradictions.pairs import pair_text_score


def both_orders(a: str, b: str) -> list[list[str]]:
    """The cue kinds of the pair scored as (a, b) and as (b, a)."""
    return [[cue.kind for cue in pair_text_score(a=x, b=y).cues] for x, y in ((a, b), (b, a))]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # votes: "voted down", "blocked" are rejections
        (
            "The parish council approved the plans for a skate park on Monday.",
            "The parish council voted down the plans for a skate park on Monday.",
        ),
        # reach of a service: expanded / scaled back
        (
            "The library service expanded its mobile van rounds in the valley this year.",
            "The library service scaled back its mobile van rounds in the valley this year.",
        ),
        # services brought back or ended: restored / discontinued
        (
            "The operator restored the early ferry from Penmor to the mainland.",
            "The operator discontinued the early ferry from Penmor to the mainland.",
        ),
        # casualties: survived / perished
        (
            "The fisherman survived the sinking of the trawler off Skerry Point.",
            "The fisherman perished in the sinking of the trawler off Skerry Point.",
        ),
        # verdicts: cleared of / convicted
        (
            "The nurse was cleared of misconduct by the tribunal in Aldgate.",
            "The nurse was convicted of misconduct by the tribunal in Aldgate.",
        ),
        # offers: accepted / spurned
        (
            "The striker accepted the club's offer of a new contract.",
            "The striker spurned the club's offer of a new contract.",
        ),
        # restrictions: lifted / maintained
        (
            "The port authority lifted the speed restrictions in the estuary.",
            "The port authority maintained the speed restrictions in the estuary.",
        ),
        # strikes and talks: ended / continued
        (
            "The walkout by Corran hospital porters ended on Tuesday, the union said.",
            "The walkout by Corran hospital porters continued on Tuesday, the union said.",
        ),
        # licences: granted / refused
        (
            "The licensing board granted the Mill Lane nightclub a late licence.",
            "The licensing board refused the Mill Lane nightclub a late licence.",
        ),
        # seats: kept / ousted
        (
            "The council leader kept her seat in the Harlow ward by-election.",
            "The council leader was ousted in the Harlow ward by-election.",
        ),
        # bills: passed / defeated
        (
            "The assembly passed the housing bill at its second reading.",
            "The housing bill was defeated at its second reading in the assembly.",
        ),
    ],
)
def test_opposites_in_the_verbs_news_uses_are_opposite_predicates(a, b):
    assert both_orders(a, b) == [["opposite-predicate"], ["opposite-predicate"]]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "The walkout by Corran hospital porters ended on Tuesday, the union said.",
            "The walkout by Corran hospital cleaners continued on Tuesday, the union said.",
        ),
        (
            "The licensing board granted the Mill Lane nightclub a late licence.",
            "The licensing board refused the Quay Street nightclub a late licence.",
        ),
        (
            "The council leader kept her seat in the Harlow ward by-election.",
            "Her deputy was ousted in the Harlow ward by-election.",
        ),
        (
            "The library service expanded its mobile van rounds in the valley this year.",
            "The library service scaled back its opening hours in the valley this year.",
        ),
    ],
)
def test_opposite_verbs_said_of_other_doers_or_things_are_not_opposite_predicates(a, b):
    assert both_orders(a, b) == [[], []]


def test_the_side_beaten_lost_and_the_other_side_beaten_agrees():
    # given a winner, and a team said to be beaten (not who beat it)
    won = "Carrow Athletic won the regional final at Mill Lane on Sunday."
    beaten = "Carrow Athletic were beaten in the regional final at Mill Lane on Sunday."
    other = "Dunholme United were beaten in the regional final at Mill Lane on Sunday."
    # then the winner beaten is an opposite outcome, in both orders; the other team is not
    assert both_orders(won, beaten) == [["opposite-predicate"], ["opposite-predicate"]]
    assert both_orders(won, other) == [[], []]


def test_a_passive_of_beat_says_its_subject_lost():
    predicates = features_extract(text="Carrow Athletic were beaten on Sunday.").predicates
    assert [(p.key, p.agent) for p in predicates] == [
        ("beat+", ""),
        ("win-", "athletic carrow"),
    ]


def test_the_doer_is_the_head_before_of():
    # given "the skipper of the trawler": the skipper survived, not the trawler
    a = "The skipper of the trawler survived the storm off Skerry Point."
    b = "The skipper died in the storm off Skerry Point, the coastguard said."
    assert both_orders(a, b) == [["opposite-predicate"], ["opposite-predicate"]]


def test_one_body_named_in_other_words_is_denied_as_one_doer():
    # given "the government" and "ministers", then "the ministry" and "the department"
    a = "The government has signed the fisheries agreement with Norway."
    b = "Ministers have not signed the fisheries agreement with Norway, officials said."
    assert both_orders(a, b) == [["negation"], ["negation"]]
    # and two bodies qualified apart are two doers
    c = "The health ministry has published its annual report on waiting times."
    d = "The transport department has not published its annual report on waiting times."
    assert both_orders(c, d) == [[], []]


def test_has_yet_to_denies_the_verb_after_it_and_only_that_verb():
    done = "The council approved the budget for the new leisure centre."
    not_yet = "The council has yet to approve the budget for the new leisure centre."
    assert both_orders(done, not_yet) == [["negation"], ["negation"]]
    # "has yet to ratify" says nothing of "signed"
    signed = "Eleven countries signed the fishing treaty in Reykjavik."
    not_ratified = "Eleven countries have yet to ratify the fishing treaty signed in Reykjavik."
    assert both_orders(signed, not_ratified) == [[], []]


def test_denying_a_withdrawal_agrees_with_the_commitment():
    a = "The coach stood firmly behind his goalkeeper after the defeat."
    b = "The coach has not abandoned his goalkeeper after the defeat, the club said."
    assert both_orders(a, b) == [[], []]


def test_not_contesting_a_fact_agrees_with_it():
    a = "The bridge over the Lune was closed after the flood."
    b = "The county did not dispute that the bridge over the Lune was closed after the flood."
    assert both_orders(a, b) == [[], []]


def test_rejecting_reports_or_allegations_that_a_thing_happened_refutes_it():
    a = "The chemical plant leaked ammonia into the canal on Friday."
    b = "The plant's owner rejected reports that the chemical plant leaked ammonia on Friday."
    assert both_orders(a, b) == [["refutation"], ["refutation"]]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "The Ostra group remains committed to buying the Varne brewery, its owner said.",
            "The Ostra group walked away from buying the Varne brewery, its owner said.",
        ),
        (
            "The sponsors have pledged to fund the Tarn cycle race next year.",
            "The sponsors have backed out of funding the Tarn cycle race next year.",
        ),
        (
            "The mayor stands by her plan to pedestrianise the high street.",
            "The mayor has backtracked on her plan to pedestrianise the high street.",
        ),
    ],
)
def test_withdrawals_in_other_verbs_oppose_a_commitment(a, b):
    assert both_orders(a, b) == [["stance"], ["stance"]]


def test_a_withdrawal_by_another_named_holder_or_from_another_thing_is_no_stance_conflict():
    committed = "The Ostra group remains committed to buying the Varne brewery, its owner said."
    other_holder = "A rival group from Haldor walked away from buying the Varne brewery."
    assert both_orders(committed, other_holder) == [[], []]
    stood = "The theatre stood by its director after the review, a spokesman said."
    other_thing = "The theatre cut ties with the agency that staged the review, a spokesman said."
    assert both_orders(stood, other_thing) == [[], []]


def test_a_denial_of_what_the_other_names_only_as_a_time_or_place_denies_nothing():
    a = "The airline compensated the travellers stranded by the January snow."
    b = "The airline has not been fined by the regulator over the January snow."
    assert both_orders(a, b) == [[], []]


def test_a_denial_of_another_kind_of_the_thing_denies_nothing():
    # (the stance and numeric detectors judge "withdrawn" and the ages on their own)
    a = "The exam board has withdrawn the written test for the oldest pupils."
    b = "The exam board has not withdrawn the oral test for the oldest pupils."
    assert all("negation" not in kinds for kinds in both_orders(a, b))
    c = "The exam board has withdrawn the written test for the oldest pupils."
    d = "The exam board has not withdrawn the test for the oldest pupils, a spokesman said."
    assert all("negation" in kinds for kinds in both_orders(c, d))


def test_a_verdict_adjective_is_said_of_the_defendant_in_either_voice():
    # given "found the driver guilty" (the jury the doer) against "the driver was acquitted"
    a = "A jury at Carlow Crown Court found the delivery driver guilty of dangerous driving."
    b = "The delivery driver was acquitted of dangerous driving by a jury at Carlow Crown Court."
    assert both_orders(a, b) == [["opposite-predicate"], ["opposite-predicate"]]


def test_breaking_a_promise_withdraws_it_and_not_breaking_it_keeps_it():
    kept = "The rail operator will honour its pledge to refund season tickets, its chief said."
    broken = "The rail operator has broken its pledge to refund season tickets, passengers said."
    not_broken = "The rail operator has not broken its pledge to refund season tickets."
    assert both_orders(kept, broken) == [["stance"], ["stance"]]
    assert both_orders(kept, not_broken) == [[], []]
    # "broke" alone is no stance ("fighting broke out")
    assert features_extract(text="Fighting broke out near the border on Monday.").stances == []


@pytest.mark.parametrize(
    "refusal",
    [
        "The club declined to deny reports that it is selling its training ground at Hale.",
        "The club refused to deny that it is selling its training ground at Hale.",
        "The club stopped short of denying that it is selling its training ground at Hale.",
    ],
)
def test_a_refused_denial_denies_nothing(refusal):
    asserted = "The club is selling its training ground at Hale, supporters were told."
    assert both_orders(asserted, refusal) == [[], []]


def test_a_stance_said_to_be_held_is_not_a_stance_of_the_past():
    # "said on Monday she stands by": the saying is past, the stance is now
    a = "The head teacher said on Monday she stands by her decision to cancel the school trip."
    b = "The head teacher has backtracked on her decision to cancel the school trip."
    assert both_orders(a, b) == [["stance"], ["stance"]]


def test_no_longer_denies_its_subject_and_another_holder_is_not_that_subject():
    still = "The harbour master is still based in Penmor, the port authority said."
    no_longer = "The harbour master is no longer based in Penmor, the port authority said."
    deputy = "The harbour master's deputy is no longer based in Penmor, the port authority said."
    assert all(kinds for kinds in both_orders(still, no_longer))
    assert both_orders(still, deputy) == [[], []]
    assert features_extract(text=no_longer).denied_subject == ["harbour", "master"]
