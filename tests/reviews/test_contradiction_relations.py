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
