"""One-way relations read with their argument frames (reviews/contradictions/relations.py): a
relation stated the other way round is a swap, in whatever frame each claim words it, and the
cue names each claim's arguments by its role in both orders; a passive, a converse, a nominal,
a symmetric relation or a rematch is not a swap."""

import pytest

from reviews.contradictions.features import features_extract
from reviews.contradictions.pairs import pair_text_score


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Acme Corp acquired Beta Systems.", ("acquire", "Acme Corp", "Beta Systems")),
        ("Beta Systems was acquired by Acme Corp.", ("acquire", "Acme Corp", "Beta Systems")),
        (
            "Acme Corp's takeover of Beta Systems was completed.",
            ("acquire", "Acme Corp's", "Beta Systems"),
        ),
        (
            "The acquisition of Beta Systems by Acme Corp was completed.",
            ("acquire", "Acme Corp", "Beta Systems"),
        ),
        (
            "Acme Corp, which bought Beta Systems in 2021, is hiring.",
            ("acquire", "Acme Corp", "Beta Systems"),
        ),
        (
            "Beta Systems is a wholly owned subsidiary of Acme Corp.",
            ("own", "Acme Corp", "Beta Systems"),
        ),
        (
            "Acme Corp, the parent company of Beta Systems, reported a loss.",
            ("own", "Acme Corp", "Beta Systems"),
        ),
        ("Croatia lost to Portugal on Sunday.", ("beat", "Portugal", "Croatia")),
        (
            "Brenton Motors supplies batteries to Coria Cars.",
            ("supply", "Brenton Motors", "Coria Cars"),
        ),
        ("Greenfield lent Ardmore Hotels $40 million.", ("lend", "Greenfield", "Ardmore Hotels")),
        (
            "Ardmore Hotels borrowed $40 million from Greenfield.",
            ("lend", "Greenfield", "Ardmore Hotels"),
        ),
    ],
)
def test_a_relation_is_read_with_its_doer_and_patient_in_every_frame(text, relation):
    features = features_extract(text=text)
    assert [(r.name, r.agent_text, r.patient_text) for r in features.relations] == [relation]


@pytest.mark.parametrize(
    "text",
    [
        "Israel launched a series of attacks in response.",  # a noun, not the verb
        "LG will supply the screens for the watch.",  # what is supplied, no recipient
        "The club paid $5 million to settle the case.",  # a purpose, not a recipient
        "Northwind merged with Tern Air.",  # symmetric: not in the table
        "Union leaders met Dunmore Estates ahead of the strike.",  # "ahead of" a time
    ],
)
def test_words_that_are_not_a_one_way_relation_between_two_arguments_give_none(text):
    assert features_extract(text=text).relations == []


SWAPS = [
    (
        "Northwind Logistics is a subsidiary of Harbor Freight Group.",
        "Harbor Freight Group is a subsidiary of Northwind Logistics, the filing shows.",
        "“Harbor Freight Group” → “Northwind Logistics” (“subsidiary”)",
        "“Northwind Logistics” → “Harbor Freight Group” (“subsidiary”)",
    ),
    (
        "Solent Mutual's takeover of Casterbridge Bank was completed in March.",
        "Casterbridge Bank acquired Solent Mutual in March.",
        "“Solent Mutual's” → “Casterbridge Bank” (“takeover”)",
        "“Casterbridge Bank” → “Solent Mutual” (“acquired”)",
    ),
    (
        "Portugal lost to Croatia in Sunday's quarter-final.",
        "Croatia lost to Portugal in Sunday's quarter-final.",
        "“Croatia” → “Portugal” (“lost to”)",
        "“Portugal” → “Croatia” (“lost to”)",
    ),
]


@pytest.mark.parametrize(("a", "b", "said_a", "said_b"), SWAPS)
def test_a_swap_across_frames_is_flagged_with_each_claims_arguments_in_both_orders(
    a, b, said_a, said_b
):
    for first, second, said_first, said_second in ((a, b, said_a, said_b), (b, a, said_b, said_a)):
        # when the pair is scored in this order
        result = pair_text_score(a=first, b=second)
        # then the swap is flagged, each claim's arguments quoted under its own role
        assert result.contradiction is True
        assert [cue.kind for cue in result.cues] == ["swapped-relation"]
        assert result.explanations[0].endswith(f"A says {said_first}, B says {said_second}")
        # and the pair stored the other way round names the roles swapped
        assert (
            result.swapped().explanations[0].endswith(f"B says {said_first}, A says {said_second}")
        )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Brightwater Utilities is owned by Calder Energy.",
            "Calder Energy owns Brightwater Utilities.",
        ),
        (
            "Northwind is a subsidiary of Harbor Freight Group.",
            "Harbor Freight Group is the parent company of Northwind.",
        ),
        ("Portugal lost to Croatia on Sunday.", "Croatia beat Portugal on Sunday."),
        ("Kestrel Airways merged with Tern Air.", "Tern Air merged with Kestrel Airways."),
        ("Plzen beat Ostrava in the first leg.", "Ostrava beat Plzen in the second leg."),
        ("Croatia beat Portugal in the 2016 final.", "Portugal beat Croatia in the 2022 final."),
        ("Kestrel Airways sued Vossberg.", "Kestrel Airways sued its insurer Palatine."),
    ],
)
def test_the_same_relation_told_another_way_or_two_events_is_not_a_swap(a, b):
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is False
        assert result.cues == []


# The readings of issue 15: leads / trails, appointed, a debt with its amount first, a buyer's
# seller, a doer of an "-ing" clause, a name past three words or in an appositive.
@pytest.mark.parametrize(
    ("text", "relation"),
    [
        (
            "Marta Lind leads Oskar Brandt in the latest poll.",
            ("lead", "Marta Lind", "Oskar Brandt"),
        ),
        (
            "Oskar Brandt trails Marta Lind in the latest poll.",
            ("lead", "Marta Lind", "Oskar Brandt"),
        ),
        (
            "The governor appointed Rita Sol as the state's auditor.",
            ("appoint", "governor", "Rita Sol"),
        ),
        (
            "Rita Sol was appointed state auditor by Governor Amos Reed.",
            ("appoint", "Governor Amos Reed", "Rita Sol"),
        ),
        (
            "The council owes £2 million to the builder Farrow Homes.",
            ("owe", "council", "builder Farrow Homes"),
        ),
        (
            "Farrow Homes is owed £2 million by the council.",
            ("owe", "council", "Farrow Homes"),
        ),
    ],
)
def test_the_relations_of_news_wording_are_read_with_their_doer_and_patient(text, relation):
    features = features_extract(text=text)
    assert [(r.name, r.agent_text, r.patient_text) for r in features.relations] == [relation]


def test_a_buyer_names_its_seller_after_from():
    # given a purchase with its seller
    features = features_extract(text="Dunmore Estates bought the Hale Street site from Copp Ltd.")
    # then the claim says both who acquired it and who sold it to whom
    assert [(r.name, r.agent_text, r.patient_text) for r in features.relations] == [
        ("acquire", "Dunmore Estates", "Hale Street site"),
        ("sell", "Copp Ltd", "Dunmore Estates"),
    ]


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        (
            "Harlow Rangers reached the semi-final after beating Tolley Park.",
            ("beat", "Harlow Rangers", "Tolley Park"),
        ),
        (
            "After beating Tolley Park, Harlow Rangers reached the semi-final.",
            ("beat", "Harlow Rangers", "Tolley Park"),
        ),
    ],
)
def test_the_doer_of_an_ing_clause_is_the_sentences_subject(text, relation):
    features = features_extract(text=text)
    assert [(r.name, r.agent_text, r.patient_text) for r in features.relations] == [relation]


NEWS_SWAPS = [
    (
        "The republic of Varn owes the Orlen Fund $2 billion, the ministry said.",
        "The Orlen Fund owes the republic of Varn $2 billion, the ministry said.",
        "“republic Varn” → “Orlen Fund” (“owes”)",
        "“Orlen Fund” → “republic Varn” (“owes”)",
    ),
    (
        "Marta Lind, the Green candidate, leads Oskar Brandt by four points, a poll found.",
        "Oskar Brandt leads the Green candidate Marta Lind by four points, the poll found.",
        "“Marta Lind Green candidate” → “Oskar Brandt” (“leads”)",
        "“Oskar Brandt” → “Green candidate Marta Lind” (“leads”)",
    ),
    (
        "Dunmore Estates bought the Hale Street site from Copp Ltd in April.",
        "Dunmore Estates sold the Hale Street site to Copp Ltd in April, the filing shows.",
        "“Copp Ltd” → “Dunmore Estates” (“bought”)",
        "“Dunmore Estates” → “Copp Ltd” (“sold”)",
    ),
    (
        "The council owes £2 million to the builder Farrow Homes, an audit found.",
        "Farrow Homes owes the council £2 million, according to the audit.",
        "“council” → “builder Farrow Homes” (“owes”)",
        "“Farrow Homes” → “council” (“owes”)",
    ),
    (
        "Harlow Rangers reached the semi-final on Saturday after beating Tolley Park.",
        "Tolley Park beat Harlow Rangers on Saturday to reach the semi-final.",
        "“Harlow Rangers” → “Tolley Park” (“beating”)",
        "“Tolley Park” → “Harlow Rangers” (“beat”)",
    ),
]


@pytest.mark.parametrize(("a", "b", "said_a", "said_b"), NEWS_SWAPS)
def test_a_swap_in_news_wording_is_flagged_with_each_claims_arguments_in_both_orders(
    a, b, said_a, said_b
):
    for first, second, said_first, said_second in ((a, b, said_a, said_b), (b, a, said_b, said_a)):
        result = pair_text_score(a=first, b=second)
        assert result.contradiction is True, (first, second)
        assert [cue.kind for cue in result.cues] == ["swapped-relation"]
        assert result.explanations[0].endswith(f"A says {said_first}, B says {said_second}")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Marta Lind leads Oskar Brandt by four points, a poll found.",
            "Oskar Brandt trails Marta Lind by four points, the poll found.",
        ),
        (
            "Oskar Brandt led Marta Lind by ten points in the spring.",
            "Marta Lind leads Oskar Brandt by four points, a poll found.",
        ),
        (
            "Dunmore Estates bought the Hale Street site from Copp Ltd in April.",
            "Copp Ltd sold the Hale Street site to Dunmore Estates in April.",
        ),
        (
            "The council owes £2 million to the builder Farrow Homes.",
            "Farrow Homes is owed £2 million by the council.",
        ),
        (
            "Governor Amos Reed appointed Rita Sol as state auditor.",
            "Rita Sol was appointed state auditor by Governor Amos Reed.",
        ),
        (
            "The Green candidate trails in the race for the senate seat.",
            "The Green candidate leads the race for the mayoralty.",
        ),
    ],
)
def test_a_converse_a_passive_or_a_standing_at_another_time_is_not_a_swap(a, b):
    for first, second in ((a, b), (b, a)):
        result = pair_text_score(a=first, b=second)
        assert "swapped-relation" not in [cue.kind for cue in result.cues], (first, second)
