"""Each contradiction type on its own in-repo development set (tests/data/contradictions/):
half contradictions, half hard negatives, written for the type; and every type's cue text
names A's words as A's whichever order the pair comes in."""

import json
import re
from pathlib import Path

import pytest

from reviews.contradictions.pairs import pair_text_score, pairs_evaluate

SETS = Path(__file__).resolve().parents[1] / "data" / "contradictions"
TYPES = {
    "negation": "negation",
    "opposite_predicate": "opposite-predicate",
    "date": "date",
    "refutation": "refutation",
    "numeric": "numeric",
    "quantifier": "quantifier",
    "stance": "stance",
    "swapped_relation": "swapped-relation",
    "answer": "stance",
    # the same measure at the same time: a conflict, the numbers' (the updates are below)
    "update": "numeric",
}


@pytest.mark.parametrize(
    ("name", "pairs"),
    [
        ("negation", 158),
        ("opposite_predicate", 128),
        ("date", 134),
        ("refutation", 44),
        ("numeric", 126),
        ("quantifier", 150),
        ("stance", 106),
        ("swapped_relation", 122),
        ("answer", 40),
        ("update", 68),
        ("antecedent", 40),
        ("hard_negatives", 220),
    ],
)
def test_every_type_has_a_set_of_forty_pairs_or_more_half_hard_negatives(name, pairs):
    items = [json.loads(line) for line in (SETS / f"{name}.jsonl").read_text().splitlines()]
    assert len(items) == pairs
    assert sum(item["label"] == "contradiction" for item in items) == pairs // 2
    assert sum(item["kind"] == "hard-negative" for item in items) == pairs // 2
    assert all((item["label"] == "none") == (item["kind"] == "hard-negative") for item in items)


@pytest.mark.parametrize(
    ("name", "true_positives", "false_positives", "meets_targets"),
    [
        # negation-43 to -86 (lexical-10) deny another predicate or another argument of one
        # subject; lexical-11 reads the denied verb's arguments and flags 4 of them, and 1 of
        # the 10 hard negatives of negation-87 to -106
        # (docs/eval/contradictions-by-type.md); negation-107 to -136 share a place (a street,
        # a village, a site) and flag none of their 15 hard negatives
        # (one more, a state at two explicit times, is an update: updates.py)
        # negation-137 to -158 (detect-predicates): denials in other words ("rejected reports
        # that", "dismissed claims", "refuted", "no longer", "has yet to") and their hard
        # negatives (a denial of a denial, of another object or doer); 76/8 before, the
        # hard negatives still flagged include a dismissal of another claim (-140) and
        # a denial after the event (-158); detect-precision: negation-81 ("before the
        # hurricane" / "after the hurricane") is two times (updates.py), 7 -> 6
        ("negation", 79, 6, True),
        # opposite_predicate-95 to -116: opposites in verbs the table lacked (voted down,
        # scaled back, perished, blocked, discontinued, cleared of, spurned, maintained);
        # 48/5 before; -117 to -128 (detect-wordnet): a WordNet synonym of one side is that side
        # ("sanctioned" approved, "attained" met, "diminished" fell), with hard negatives of
        # another thing; the WordNet link also reads "backed" as approved (-103). Still
        # flagged: -126, a company that "ceased sailings" against its chief executive who
        # "stayed on" (another doer)
        ("opposite_predicate", 63, 6, True),
        # date-99 to -122 (value_words.py): one event in other verbs and nouns ("sank" /
        # "capsized", "strike" / "walkout"); hard negatives another stage or part. Missed: event
        # phrases, each of one topic, left out ("entered service", "went down", "taken into
        # custody", "opened its doors", "welcomed its first visitors", "first crossed"), and a
        # weekday in the lead ("began on Monday 2 October")
        # date-123 to -134 (detect-wordnet, wordnet_words.py): one event in WordNet's words
        # ("perished" / "died", "sanctioned" / "approved", "the death of ... came" / "died");
        # hard negatives another event of the same thing or another sense ("sanctioned the
        # cartel"); 51/1 before
        ("date", 57, 1, True),
        # detect-emergent: a genre adjective before a noun ("a fictional band", "a fictional
        # plant") and a thing the other claim names qualified as another ("the painting in its
        # entrance hall is a fake", "the certificates sold online") refute nothing; a memo or
        # notice carries the report (20/7 before). Still flagged: "the accounts impersonating
        # X online are fake" (an account is a report noun); missed: "was made up"
        ("refutation", 21, 1, True),
        # numeric-89 to -112 (value_words.py): one measure in other words ("cost" / "price
        # tag", "death toll" / "killed"), bounds and approximations that fit; -113 to -126
        # (detect-wordnet): one count in WordNet's words ("injured" / "wounded", "perished" /
        # "died", "purchased" / "bought") against counts of two events ("injured" / "killed",
        # "purchased" / "repaired"): 5/7 hard negatives flagged before, 2/7 after (-114 and
        # -120: "rescued" and "inspected" are verbs the table does not know)
        ("numeric", 63, 4, True),
        # quantifier-125 to -150 (issue 15): groups restated in other words, exceptions,
        # majority / minority, unanimous votes; quantifier-29 ("every district" / "every
        # district except one"), labelled a hard negative, is read as all against all but some
        ("quantifier", 73, 5, True),
        # stance-85 to -106: commitment against withdrawal in other verbs (walked away from,
        # backed out of, disowned, cut ties with, backtracked on, gone back on); 43/5 before
        ("stance", 50, 4, True),
        # swapped_relation-41 to -92 (relations.py): ownership nouns, nominals, converses,
        # recipients, comparisons; hard negatives passive, converse, symmetric, rematches;
        # swapped_relation-93 to -122 (issue 15): beat / lost to, owes / is owed by, leads /
        # trails, sued / was sued by, bought from / sold to, appointed, in news word orders
        ("swapped_relation", 61, 2, True),
        ("answer", 20, 2, True),
        # update-01 to -44: the same time and values that differ against explicit times that
        # differ (updates.py); update-11 and -18 state a change in words the opposite-predicate
        # table lacks ("still operating" / "had shut down", "running normally" / "suspended");
        # update-45 to -68 give one measure in other words at one time, or at a later one
        ("update", 32, 0, True),
        # antecedent-01 to -40 (antecedents.py): B opens with "It", "The company", "She" and
        # its source names the subject before (``b_earlier``), the right one or another
        # (antecedent-08: "backs" is approved through WordNet, detect-wordnet; 18/0 before)
        ("antecedent", 19, 0, True),
        # hard_negatives-001 to -200 (detect-precision): 20 hard negatives of each kind
        # (different_time, paraphrase, compatible, update, denied_denial), each with a near
        # twin that contradicts, 94/15 at lexical-19; -201 to -220, denied denials against
        # the opposite of what was not denied, 9/0 at lexical-19 (9 of 10 hard negatives
        # flagged). Still flagged: "made no attempt to deny", a denial not made said of a
        # name the other negates, "absent from" / "did not attend", "lost 2-1 to" (the score
        # splits "lost to"), two dimensions ("metres long" / "metres high"), a time of day
        # ("Friday morning" / "Friday evening", "8am" / "noon")
        ("hard_negatives", 103, 7, True),
    ],
)
def test_each_types_set_gives_its_recorded_figures_and_says_whether_it_meets_the_targets(
    name, true_positives, false_positives, meets_targets
):
    # when the set is measured
    result = pairs_evaluate(SETS / f"{name}.jsonl")
    # then the counts are these, and F1 and precision reach 0.90 where the type meets them
    assert (result.true_positives, result.false_positives) == (true_positives, false_positives)
    assert (result.f1 >= 0.9 and result.precision >= 0.9) is meets_targets


# Where the cue quotes words both claims share, the roles are in its sentence: (the pair as
# stored in the set, the pair reversed).
ROLE_SENTENCES = {
    "negation": ("B negates what A asserts", "A negates what B asserts"),
    "quantifier": ("A says all, B says none", "A says none, B says all"),
    "swapped_relation": (
        "A says “Acme Corp” → “Beta Systems” (“acquired”), B says “Beta Systems” → “Acme Corp”",
        "A says “Beta Systems” → “Acme Corp” (“acquired”), B says “Acme Corp” → “Beta Systems”",
    ),
}


def _roles_of_quoted_words(explanation: str, a: str, b: str) -> list[tuple[str, str]]:
    """(role named before it, claim it comes from) for each quoted word found in one claim only."""
    pairs, role = [], ""
    for match in re.finditer(r"\b([AB])\b|“([^”]+)”", explanation):
        if match.group(1):
            role = match.group(1)
            continue
        word = match.group(2).lower()
        in_a, in_b = word in a.lower(), word in b.lower()
        if in_a != in_b:
            pairs.append((role, "A" if in_a else "B"))
    return pairs


@pytest.mark.parametrize("name", sorted(TYPES))
def test_cue_text_names_each_claims_words_whichever_order(name):
    # given the type's first contradiction, scored in both orders
    first = json.loads((SETS / f"{name}.jsonl").read_text().splitlines()[0])
    for a, b in ((first["a"], first["b"]), (first["b"], first["a"])):
        result = pair_text_score(a=a, b=b)
        # then the type's detector fires, and every word quoted from one claim follows its role
        assert TYPES[name] in [cue.kind for cue in result.cues]
        roles = [
            pair for text in result.explanations for pair in _roles_of_quoted_words(text, a, b)
        ]
        if name in ROLE_SENTENCES:  # the quoted words are in both claims: the roles are said
            forward = a == first["a"]
            assert ROLE_SENTENCES[name][0 if forward else 1] in " ".join(result.explanations)
        else:
            assert roles
        assert all(role == source for role, source in roles)
        # and the pair stored the other way round names the roles swapped
        swapped = result.swapped()
        assert all(
            role != source
            for text in swapped.explanations
            for role, source in _roles_of_quoted_words(text, a, b)
        )


def test_denying_a_one_way_relation_is_still_a_negation():
    # given a relation (not an opposite pair): "did not acquire" denies "acquired"
    result = pair_text_score(
        a="Acme Corp acquired Beta Systems.", b="Acme Corp did not acquire Beta Systems."
    )
    assert result.contradiction is True
    assert [cue.kind for cue in result.cues] == ["negation"]


def test_denying_the_opposite_predicate_agrees():
    result = pair_text_score(
        a="The jury acquitted Daniel Ruiz of fraud.",
        b="The jury did not convict Daniel Ruiz of fraud.",
    )
    assert result.contradiction is False
    assert result.cues == []


def test_a_plain_answer_against_no_simple_answer_is_opposite_answers():
    # given the seed pair's kind: a resounding yes against an answer beyond a simple yes or no
    result = pair_text_score(
        a="Asked whether the ferry service will survive, the operator's answer was a firm yes.",
        b="Whether the ferry service will survive has no simple answer, the operator said.",
    )
    # then the answer detector fires, naming each claim's words
    assert result.contradiction is True
    assert result.explanations == [
        "opposite answers: A answers a plain yes (“a firm yes”), B says there is no simple yes "
        "or no (“no simple answer”)"
    ]


@pytest.mark.parametrize(
    ("text", "polarities"),
    [
        ("The answer is a clear no.", ["no"]),
        ("The answer is no, the board said.", ["no"]),
        ("Voters gave a resounding yes.", ["yes"]),
        ("It transcends simple yes or no.", ["mixed"]),
        ("There is no easy answer.", ["mixed"]),
        # negative contractions qualify an answer as every other reader of negation counts them
        ("The answer cannot be a simple yes.", ["mixed"]),
        ("The answer isn't a simple no.", ["mixed"]),
        ("The answer is neither yes nor no.", ["mixed"]),
        ("There is no evidence of fraud.", []),
        ("The bill passed with 61 yes votes and 39 no votes.", []),
        ("The referendum asks a simple yes or no question.", []),
        ("Residents voted yes to the park.", []),
    ],
)
def test_answers_are_read_only_where_something_marks_them(text, polarities):
    from reviews.contradictions.features import features_extract

    assert [polarity for polarity, _ in features_extract(text=text).answers] == polarities


def test_answers_to_different_questions_or_at_different_times_are_not_opposed():
    different_question = pair_text_score(
        a="Is the east beach safe for swimming? Officials give a clear yes.",
        b="Is the west beach safe for swimming? Officials say there is no simple answer.",
    )
    updated = pair_text_score(
        a="In 2019 the board's answer to whether the plant would close was a firm no.",
        b="In 2024 the board's answer to whether the plant would close was a firm yes.",
    )
    assert (different_question.cues, updated.cues) == ([], [])


# The general rules of lexical-6, each on sentences of its own, in both orders: (A, B, the kind
# that must fire, or "" when the pair must not be flagged).
RULES = {
    "a time word is never the doer": (
        "The school board on Friday approved the longer term.",
        "On Friday the school board rejected the longer term.",
        "opposite-predicate",
    ),
    "doers with different names are different doers": (
        "Kestrel Airways hired 90 pilots this spring.",
        "Osprey Airways laid off 90 pilots this spring.",
        "",
    ),
    "a commitment vowed against one refused": (
        "The Arlen cabinet has vowed to ratify the water treaty.",
        "The Arlen cabinet has refused to ratify the water treaty.",
        "stance",
    ),
    "none against some of a counted group": (
        "None of the seven judges signed the letter.",
        "Four of the seven judges signed the letter.",
        "quantifier",
    ),
    "all and some agree": (
        "All seven judges signed the letter.",
        "Some judges signed the letter.",
        "",
    ),
    "a denial dated another year is another period": (
        "The river flooded the old town in 2019.",
        "The river did not flood the old town in 2022.",
        "",
    ),
    "claims reporting on two months are an update": (
        "As of April 2026, the Orlen clinic had 350 patients waiting.",
        "As of October 2026, the Orlen clinic had 120 patients waiting.",
        "",
    ),
    "a narrower measured thing is a part of the whole": (
        "The county's farm output rose 6 percent in 2025.",
        "The county's dairy farm output fell 4 percent in 2025.",
        "",
    ),
    "different ordinals are different instances": (
        "The ferry crossing succeeded at the second attempt.",
        "The first ferry crossing attempt failed in heavy seas.",
        "",
    ),
}


# The general rules of lexical-7, the same way.
RULES.update(
    {
        "an exception against a universal": (
            "All but three of the 40 lifeboat stations stayed open over the holiday.",
            "Every lifeboat station stayed open over the holiday.",
            "quantifier",
        ),
        "not a single against a handful": (
            "Not a single bus driver joined the strike.",
            "A handful of bus drivers joined the strike.",
            "quantifier",
        ),
        "not one of against each of a counted group": (
            "Not one of the 12 bridges was inspected last year.",
            "Each of the 12 bridges was inspected last year.",
            "quantifier",
        ),
        "not every and none agree": (
            "Not every polling station opened on time.",
            "None of the polling stations opened on time.",
            "",
        ),
        "a date against a later earliest date": (
            "The Orwin ring road will reopen in June 2026.",
            "The Orwin ring road will not reopen until 2028.",
            "date",
        ),
        "a deadline against a later earliest date": (
            "The Saltmarsh clinic will be rebuilt by the end of 2026.",
            "The Saltmarsh clinic cannot be rebuilt before 2028.",
            "date",
        ),
        "a date inside a bound agrees with it": (
            "The Orwin ring road will reopen in June 2028.",
            "The Orwin ring road will not reopen until 2028.",
            "",
        ),
        "a quantified group qualified on one side only is another group": (
            "Not a single nurse at the clinic was dismissed.",
            "A handful of senior nurses at the clinic were dismissed.",
            "",
        ),
    }
)


# The general rules of lexical-8 (quantifiers, numbers and stances as news states them), the
# same way.
RULES.update(
    {
        "a quantifier is compared whoever is quoted saying it": (
            "All 9 lifeguards on duty were trained in first aid, the beach council said.",
            "Not all of the lifeguards on duty were trained in first aid, according to a union "
            "official.",
            "quantifier",
        ),
        "no one against a bare count, the verbs in other words": (
            "No one was hurt when the crane toppled, the site manager said.",
            "Two people were injured when the crane toppled, according to paramedics.",
            "quantifier",
        ),
        "the head of a compound is the quantified noun": (
            "All 12 committee members signed the report.",
            "None of the members of the committee signed the report, a clerk said.",
            "quantifier",
        ),
        "a quantified object takes the verb before it": (
            "No cases of measles have been recorded in the town this year, officials said.",
            "Doctors confirmed six cases of measles in the town this year.",
            "quantifier",
        ),
        "a quantifier of another predicate is not opposed": (
            "None of the protesters arrested on Friday had been charged by Saturday, police said.",
            "Several of the protesters arrested on Friday had been released by Saturday, their "
            "lawyers said.",
            "",
        ),
        "a quantifier of a group in another place is not opposed": (
            "Not a single pharmacy in Arden closed during the strike.",
            "Several pharmacies in Belmore closed during the strike, officials said.",
            "",
        ),
        "numbers written as words are numbers": (
            "Fourteen people were rescued from the flooded mine, the fire service said.",
            "Rescuers said 40 people were rescued from the flooded mine.",
            "numeric",
        ),
        "a workforce counted in other words is one measure": (
            "The mill employs 850 people, its owner said.",
            "Fewer than 300 workers are employed at the mill, according to the union.",
            "numeric",
        ),
        "who gives a number is not what it counts": (
            "The blaze destroyed 60 homes, firefighters said on Monday.",
            "The blaze destroyed 6 houses, according to the regional government.",
            "numeric",
        ),
        "an approximation within its tolerance agrees": (
            "The mill employs 850 people, its owner said.",
            "Roughly 800 staff work at the mill, according to the union.",
            "",
        ),
        "a pledge against has yet to": (
            "The Orrin Foundation has pledged $5 million to the flood appeal, its director said.",
            "The Orrin Foundation has yet to commit any money to the flood appeal, organisers "
            "said.",
            "stance",
        ),
        "backing against declining to back": (
            "The housing minister backs the plan for a new town at Elmbridge, her office said.",
            "The housing minister has declined to back the plan for a new town at Elmbridge.",
            "stance",
        ),
        "a pledge reported in the past tense still holds": (
            "The Orrin Foundation pledged on Monday to keep funding the village school.",
            "The Orrin Foundation has abandoned the village school, parents said.",
            "stance",
        ),
        "a stance taken by another holder is not opposed": (
            "The housing minister backs the plan for a new town at Elmbridge, her office said.",
            "The transport minister has declined to back the plan for a new town at Elmbridge.",
            "",
        ),
        "a stance taken on another named thing is not opposed": (
            "Kelby Motors remains committed to its Wrexley plant, its chief executive said.",
            "Kelby Motors is reluctant to keep its Sandford plant open, union officials said.",
            "",
        ),
        "a group's size against a count of some of it agrees": (
            "All 30 trains ran on time on Monday.",
            "Two trains ran on time on Monday.",
            "",
        ),
    }
)


# The general rules of lexical-9 (dates as news states them), the same way.
RULES.update(
    {
        "a date against a later earliest date, each with its attribution and reason": (
            "The Oakhurst viaduct reopens in August 2026, the rail operator said on Friday.",
            "Engineers said the Oakhurst viaduct will not reopen before 2028 because of cracks "
            "found in its piers.",
            "date",
        ),
        "a rescheduled date against the superseded one": (
            "The Redfern inquest, originally set for May 2026, has been postponed until "
            "October 2026, the coroner said.",
            "The coroner said the Redfern inquest will open in May 2026 as planned.",
            "date",
        ),
        "the superseded schedule on both sides agrees": (
            "The Redfern inquest, originally set for May 2026, has been postponed until "
            "October 2026, the coroner said.",
            "The coroner said the Redfern inquest had initially been scheduled for May 2026.",
            "",
        ),
        "a date at the earliest against an earlier one": (
            "The Glenby bypass will open in 2029 at the earliest, the county said.",
            "The county said the Glenby bypass would open in 2027.",
            "date",
        ),
        "a date qualified on one side only dates another thing": (
            "The Tarrow bridge hosted its first parade on 2 July 1994, the council said.",
            "The Tarrow bridge hosted its first night parade on 9 July 1995, historians said.",
            "",
        ),
    }
)


# The general rule of lexical-10 (a denial denied), the same way.
RULES.update(
    {
        "a denial that is itself denied agrees": (
            "The Harlow port director visited the Tarrant shipyard before the tender, aides said.",
            "The Harlow port director did not deny that he visited the Tarrant shipyard before "
            "the tender.",
            "",
        ),
        "a denial of the same visit still contradicts": (
            "The Harlow port director visited the Tarrant shipyard before the tender, aides said.",
            "The Harlow port director did not visit the Tarrant shipyard before the tender.",
            "negation",
        ),
    }
)


# The general rules of lexical-11 (a denial read with its verb's arguments), the same way.
RULES.update(
    {
        "a denial of the same verb of another thing done to is no denial": (
            "The Ostley harbour board dredged the north channel last spring.",
            "The Ostley harbour board has not dredged the marina basin, its chair said.",
            "",
        ),
        "a denial of the same verb of the same thing done to contradicts": (
            "The Ostley harbour board dredged the north channel last spring.",
            "The Ostley harbour board has not dredged the north channel, its chair said.",
            "negation",
        ),
        "a denial of the same verb by another doer is no denial": (
            "The Pellam library's head archivist retired in June.",
            "The Pellam library's treasurer has not retired, trustees said.",
            "",
        ),
        "a denial of the same verb over another matter is no denial": (
            "Customs officers in Brayford detained a lorry driver over the cigarette haul.",
            "Customs officers in Brayford have not detained anyone over the stolen tractors.",
            "",
        ),
        "a passive denial of the same verb of the same thing done to contradicts": (
            "Customs officers in Brayford detained a lorry driver over the cigarette haul.",
            "The lorry driver was not detained over the cigarette haul, Brayford customs "
            "officers said.",
            "negation",
        ),
        "a denial of the same verb from another named place is no denial": (
            "The ferry company suspended sailings from Carrow pier on Tuesday.",
            "The ferry company did not suspend its sailings from Dunlee pier on Tuesday.",
            "",
        ),
        "a phrasal verb denied of another thing is no denial": (
            "The Corwen pumping station shut down its east turbine overnight.",
            "The Corwen pumping station has not shut down its west intake, engineers said.",
            "",
        ),
        "a denial by the same doers of another kind is no denial": (
            "Theatre nurses at the Rowley infirmary accepted the pay offer.",
            "Agency nurses at the Rowley infirmary have not accepted the pay offer.",
            "",
        ),
        "a denial of a name described two ways still contradicts": (
            "Award-winning chef Ilsa Marr was questioned by police.",
            "Ilsa Marr was not questioned by police, her agent said.",
            "negation",
        ),
        "a denial of another verb and thing the other never mentions is no denial": (
            "The Halbeck orchestra finished its winter tour in Lisbon.",
            "The Halbeck orchestra did not cancel any concerts during its winter tour.",
            "",
        ),
    }
)


# The general rules of lexical-12 (a wider opposite-predicate table, its predicates' arguments).
RULES.update(
    {
        "a setter increased against one that cut": (
            "Harwell county increased its bus fares on Monday, the operator said.",
            "Harwell county cut its bus fares on Monday.",
            "opposite-predicate",
        ),
        "a resignation against staying on": (
            "The Brenmoor police chief resigned over the inquiry's findings.",
            "The Brenmoor police chief is staying on despite the inquiry's findings, the force "
            "said.",
            "opposite-predicate",
        ),
        "one thing said to go ahead and, passive, to be cancelled": (
            "The Ellin marathon went ahead on Sunday in strong winds.",
            "The Ellin marathon was cancelled on Sunday because of strong winds.",
            "opposite-predicate",
        ),
        "two events, one going ahead and one cancelled, agree": (
            "The Ellin marathon went ahead on Sunday in strong winds.",
            "The Ellin fun run was cancelled on Sunday because of strong winds.",
            "",
        ),
        "the same action at two named sites agrees": (
            "Orme Textiles recruited 120 staff at its Pelham mill this year.",
            "Orme Textiles axed 120 staff at its Garston mill this year.",
            "",
        ),
        "a denial against an admission is judged with its arguments": (
            "The Tarland ferry operator admitted cutting safety drills last winter.",
            "A rival operator denied cutting safety drills last winter.",
            "",
        ),
        "a denial against an admission of the same thing contradicts": (
            "The Tarland ferry operator admitted cutting safety drills last winter.",
            "The Tarland ferry operator denied cutting safety drills last winter.",
            "opposite-predicate",
        ),
        "a person said alive against one killed, passive": (
            "The aid worker Lena Ostrova was killed in the shelling, officials said.",
            "Lena Ostrova is alive, her family told reporters.",
            "opposite-predicate",
        ),
    }
)


# The quantifier wording of lexical-12, the same way.
RULES.update(
    {
        "few against all of one group": (
            "All of the district's fire stations passed the safety audit, the chief said.",
            "Few of the district's fire stations passed the safety audit.",
            "quantifier",
        ),
        "few of another group agrees": (
            "All of the district's fire stations passed the safety audit, the chief said.",
            "Few of the district's ambulance stations passed the safety audit.",
            "",
        ),
        "only a count against every": (
            "Every lock on the Brennan canal reopened to boats on Friday.",
            "Only three locks on the Brennan canal reopened to boats on Friday, the trust said.",
            "quantifier",
        ),
        "a quantified compound of three words names its last": (
            "None of the Ashgrove rowing clubs entered the regatta this year.",
            "Two of the Ashgrove rowing clubs entered the regatta this year, organisers said.",
            "quantifier",
        ),
        "nobody against most members of one body": (
            "Nobody on the harbour board supported the marina plan, minutes show.",
            "Most members of the harbour board supported the marina plan.",
            "quantifier",
        ),
    }
)


# The general rules of lexical-14 and lexical-15, the same way.
RULES.update(
    {
        "two kinds named by antonyms are not opposites": (
            "The county's junior choirs performed at the Easter concert.",
            "The county's senior choirs performed at the Easter concert, organisers said.",
            "",
        ),
        "an antonym said of the thing is an opposite": (
            "The Harlow dam is safe, the engineers said.",
            "The Harlow dam is unsafe, according to the engineers' report.",
            "opposite-predicate",
        ),
        "another holder of the role is another doer": (
            "The Pellam council leader resigned over the budget, the council said.",
            "The Pellam deputy council leader is staying on after the budget vote.",
            "",
        ),
        "the same holder of the role, described, is the same doer": (
            "The Pellam council leader resigned over the budget, the council said.",
            "The embattled Pellam council leader is staying on despite the budget.",
            "opposite-predicate",
        ),
        "an opposite predicate of two kinds of one thing agrees": (
            "All of the Carrick district's junior schools reopened on Monday.",
            "Two senior schools in the Carrick district stayed closed on Monday.",
            "",
        ),
    }
)


# A place many sentences of one local article name is not what a denial is about.
RULES.update(
    {
        "a denial of another thing on the street the other names": (
            "A new florist opened on Garside Street on Saturday.",
            "The barber's shop on Garside Street will not reopen after the fire, its owner said.",
            "",
        ),
        "a street as the object against another thing on it denied": (
            "Police closed Garside Street for an hour after the collision.",
            "The chapel on Garside Street has not been repaired since the storm.",
            "",
        ),
        "generic words of an adjunct are not the denied thing": (
            "The trust presented plans for the future of the old tannery building.",
            "The future of the Garside leisure centre building has not been decided, they said.",
            "",
        ),
        "two things of one named place are two objects": (
            "Surveyors inspected the Garside footbridge after the storm.",
            "Surveyors have not inspected the Garside canal aqueduct since the storm.",
            "",
        ),
        "the thing at the place denied in other words may be denied": (
            "Ostley post office shut its doors for good on Friday.",
            "Ostley post office is not closing, the Post Office said.",
            "negation-weak",
        ),
        "the thing at the place denied in its own words is denied": (
            "The Garside Street bakery reopened on Saturday after the flood.",
            "The Garside Street bakery has not reopened since the flood, its owner said.",
            "negation",
        ),
    }
)


# The quantifier readings of issue 15 (quantifiers.py), the same way.
RULES.update(
    {
        "an exception after the quantified noun against a universal": (
            "All of the county's fire stations except Brayton passed the inspection.",
            "Every fire station in the county passed the inspection, the chief officer said.",
            "quantifier",
        ),
        "an exception opening the clause against none": (
            "Apart from the Kessel works, all of the group's plants restarted on Tuesday.",
            "None of the group's plants restarted on Tuesday, the union said.",
            "quantifier",
        ),
        "two exceptions of one universal agree": (
            "Every lock on the canal except Marden reopened in May.",
            "All of the locks on the canal but one reopened in May, the trust said.",
            "",
        ),
        "the majority against a minority of one group": (
            "The majority of the shareholders backed the merger at Friday's meeting.",
            "Only a minority of the shareholders backed the merger at Friday's meeting.",
            "quantifier",
        ),
        "a minority with another predicate agrees with the majority": (
            "The majority of the shareholders backed the merger at Friday's meeting.",
            "A minority of the shareholders abstained on the merger at Friday's meeting.",
            "",
        ),
        "most against none of one group": (
            "Most of the town's pubs stayed open during the power cut.",
            "None of the town's pubs stayed open during the power cut, the landlords said.",
            "quantifier",
        ),
        "almost all is no universal": (
            "Almost all of the trial's volunteers reported side effects.",
            "Not all of the trial's volunteers reported side effects, the researchers said.",
            "",
        ),
        "a unanimous vote against not all of the body's members": (
            "The Tenby harbour board voted unanimously to sell the old pier.",
            "Not all of the members of the Tenby harbour board voted to sell the old pier.",
            "quantifier",
        ),
        "a unanimous vote of one body against another's members": (
            "The Tenby harbour board voted unanimously to sell the old pier.",
            "Not all of the members of the Tenby town council voted to sell the old pier.",
            "",
        ),
        "the generic members of a group are its players": (
            "All 15 players in the Orla rugby squad were cleared to play on Saturday.",
            "Not every member of the Orla rugby squad was cleared to play on Saturday.",
            "quantifier",
        ),
        "both against only one of the two": (
            "Both lifeguards on the Selham beach were on duty at noon, the council said.",
            "Only one of the lifeguards on the Selham beach was on duty at noon.",
            "quantifier",
        ),
        "a proportion in words: two thirds against a minority": (
            "Two-thirds of the Fenwick dockers voted to accept the offer.",
            "Only a minority of the Fenwick dockers voted to accept the offer, the union said.",
            "quantifier",
        ),
        "a proportion in words: fewer than half against all": (
            "All of the valley's vineyards were insured against hail, the growers said.",
            "Fewer than half of the valley's vineyards were insured against hail.",
            "quantifier",
        ),
        "fewer than half agrees with some": (
            "Fewer than half of the valley's vineyards were insured against hail.",
            "Some of the valley's vineyards were insured against hail, the growers said.",
            "",
        ),
        "a noun of the whole restates the group": (
            "All of the ferry company's 12 vessels were inspected in March.",
            "Not every vessel in the ferry company's fleet was inspected in March.",
            "quantifier",
        ),
    }
)


# One event or one measure in other words (value_words.py), the same way.
RULES.update(
    {
        "one sinking in other verbs dated twice": (
            "The cargo ship capsized off Brenna on 3 March, the coastguard said.",
            "The coastguard said the cargo ship sank off Brenna on 11 March.",
            "date",
        ),
        "a later stage of the same ship is another event": (
            "The cargo ship capsized off Brenna on 3 March, the coastguard said.",
            "The coastguard said the cargo ship was towed to port on 11 March.",
            "",
        ),
        "one opening in other words dated twice": (
            "The Lenfield library was inaugurated in May 2018, the council said.",
            "The council said the Lenfield library opened in 2020.",
            "date",
        ),
        "a part of the thing opened is another thing": (
            "The Lenfield library was inaugurated in May 2018, the council said.",
            "The council said the Lenfield library's children's wing opened in 2020.",
            "",
        ),
        "one strike in other nouns dated twice": (
            "The dock strike began on 4 April, the union said.",
            "The union said the walkout at the docks started on 18 April.",
            "date",
        ),
        "another strike in other nouns is another event": (
            "The dock strike began on 4 April, the union said.",
            "The union said a second walkout at the docks started on 18 April.",
            "",
        ),
        "one cost in other words given two values": (
            "The Harrow Road scheme cost 42 million pounds, the council said.",
            "The council said the Harrow Road scheme's final price tag was 18 million pounds.",
            "numeric",
        ),
        "one cost in other words within an approximation agrees": (
            "The Harrow Road scheme cost 42 million pounds, the council said.",
            "The council said the Harrow Road scheme's final price tag was about 40 million "
            "pounds.",
            "",
        ),
        "a death toll named before its number against a count of the killed": (
            "The avalanche killed 12 people, mountain rescuers said.",
            "Mountain rescuers said the death toll from the avalanche stood at 31.",
            "numeric",
        ),
        "a death toll at a bound the count fits agrees": (
            "The avalanche killed 12 people, mountain rescuers said.",
            "Mountain rescuers said the death toll from the avalanche had reached at least 10.",
            "",
        ),
        "a population named before its number against a count of residents": (
            "The town's population was about 48,000 at the last census, officials said.",
            "Officials said the town had 90,000 residents at the last census.",
            "numeric",
        ),
        "one rate in other words at one time given two values": (
            "Youth unemployment in the city was 14 percent in March, the ministry said.",
            "The ministry said the city's youth jobless rate was 22% in March.",
            "numeric",
        ),
    }
)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_general_rule_holds_in_both_orders(rule):
    a, b, kind = RULES[rule]
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is bool(kind), (first, second, result.explanations)
        if kind:
            assert result.cues[0].kind == kind
            roles = [
                pair
                for text in result.explanations
                for pair in _roles_of_quoted_words(text, first, second)
            ]
            assert all(role == source for role, source in roles)


UPDATES = [
    (
        "As of March, the county employed 1,200 teachers.",
        "As of September, the county employed 1,450 teachers.",
        ("“March”", "“September”"),
    ),
    (
        "On Monday the River Aln stood at 3.1 metres.",
        "By Friday the River Aln had risen to 4.6 metres.",
        ("“Monday”", "“Friday”"),
    ),
    (
        "Velora sold 41,000 cars in the first quarter.",
        "In the third quarter Velora sold 58,000 cars.",
        ("“quarter 1”", "“quarter 3”"),
    ),
    (
        "The union had 82,000 members last year.",
        "This year the union has 61,000 members.",
        ("“last year”", "“this year”"),
    ),
    (  # a part of a month is a time, as the month is (value_words.py)
        "The lake was 45 percent full at the end of May, the water board said.",
        "By the end of September the lake was 80 percent full, the water board said.",
        ("“May”", "“September”"),
    ),
    (
        "The Tarn bridge was closed to traffic on Tuesday.",
        "The Tarn bridge was open to traffic again on Thursday.",
        ("“Tuesday”", "“Thursday”"),
    ),
]


@pytest.mark.parametrize(("a", "b", "times"), UPDATES)
def test_a_value_or_state_at_another_explicit_time_is_an_update_in_both_orders(a, b, times):
    for first, second, (time_first, time_second) in ((a, b, times), (b, a, times[::-1])):
        # when the pair is scored in this order
        result = pair_text_score(a=first, b=second)
        # then it is typed as an update, not flagged, each claim's time under its own role
        assert result.contradiction is False
        assert [cue.kind for cue in result.cues] == ["update"]
        assert result.explanations[0].startswith(
            f"A is dated {time_first}, B is dated {time_second}: an update"
        )
        assert (
            result.swapped()
            .explanations[0]
            .startswith(f"B is dated {time_first}, A is dated {time_second}: an update")
        )


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        (  # the same day: the numbers conflict
            "On Monday the River Aln stood at 3.1 metres.",
            "The River Aln stood at 4.6 metres on Monday.",
            "numeric",
        ),
        (  # the same quarter
            "Velora sold 41,000 cars in the first quarter.",
            "In the first quarter Velora sold 58,000 cars.",
            "numeric",
        ),
        (  # one event given two months is a date conflict, not an update
            "The Harlow bypass opened to traffic in March, the council said.",
            "The Harlow bypass opened to traffic in June.",
            "date",
        ),
    ],
)
def test_the_same_time_or_one_event_dated_twice_is_still_a_conflict(a, b, kind):
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is True
        assert [cue.kind for cue in result.cues] == [kind]
