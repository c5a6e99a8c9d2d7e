"""The one-way relations of news and the words around them, as ``relations`` reads them: each
relation's words with the frame that places its arguments, and the words that open, bound or
qualify an argument."""

from __future__ import annotations

from reviews.contradictions.text import lemma

RELATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "acquire": (
        ("acquire acquired acquires buy bought buys purchase purchased purchases", "verb"),
        ("take|over took|over takes|over taken|over", "verb"),
        ("takeover acquisition buyout", "nominal"),
    ),
    "own": (
        ("own owns owned", "verb"),
        ("owner parent", "noun-owner"),
        ("subsidiary unit division arm", "noun-owned"),
    ),
    "beat": (
        ("beat beats beaten defeat defeats defeated edged thrashed", "verb"),
        ("lost|to lose|to loses|to", "converse"),
        ("victory|over win|over", "nominal"),
    ),
    "owe": (("owe owes owed", "debt"),),
    "lead": (
        ("lead leads led", "verb"),
        ("trail trails trailed", "inverse"),
    ),  # not "ahead of": news says "ahead of the vote" of a time
    "appoint": (("appoint appoints appointed", "verb"),),
    "lend": (("lend lends lent loaned", "recipient"), ("borrowed borrow borrows", "converse")),
    "supply": (("supply supplies supplied", "recipient"),),
    "pay": (("pay pays paid", "recipient"),),
    "sue": (("sue sues sued", "verb"),),
    "invade": (("invade invaded invades", "verb"),),
    "attack": (("attack attacked attacks", "verb"),),
    "overtake": (("overtake overtook overtakes overtaken outsold outsell outsells", "verb"),),
    "succeed": (
        ("succeed succeeded succeeds replace replaced replaces", "verb"),
        ("took|over|from take|over|from takes|over|from", "verb"),
    ),
    "sell": (("sell sells sold", "recipient"),),
    "hire": (("hire hired hires", "verb"),),
    "fire": (("fire fired fires", "verb"),),
    "arrest": (("arrest arrested arrests", "verb"),),
    "endorse": (("endorse endorsed endorses", "verb"),),
}
# The preposition each frame's second argument follows (besides "by" in a passive or nominal).
FRAME_PREPOSITIONS = {
    "recipient": ("to",),
    "debt": ("to",),
    "converse": ("to", "from"),
    "noun-owner": ("of",),
    "noun-owned": ("of",),
    "nominal": ("of", "over"),
}
PREPOSITION_REACH = 6  # a frame's preposition follows its words within this many tokens
# The words of a comparison before "than" ("Germany exported more cars than Japan"): "A is
# larger than B" and "B is larger than A" cannot both be true.
COMPARATIVES = frozenset(
    [
        "more",
        "fewer",
        "less",
        "larger",
        "bigger",
        "smaller",
        "older",
        "younger",
        "higher",
        "lower",
        "greater",
        "richer",
        "poorer",
        "faster",
        "slower",
        "longer",
        "shorter",
        "heavier",
        "lighter",
        "cheaper",
        "stronger",
        "weaker",
        "better",
        "worse",
    ]
)
COMPARATIVE_REACH = 3  # the comparative word comes this many words before "than" at most
# Before a verb's "-ing" form these open a clause whose doer is the sentence's subject
# ("Allerton United reached the final after beating Brightwater", "After losing to Ostend,
# Portland ...").
GERUND_OPENERS = frozenset(["after", "before", "since", "by", "without", "while", "on"])
# Words that may open an amount after a verb ("owes the group more than $300 million").
AMOUNT_OPENERS = frozenset(["more", "less", "about", "around", "nearly", "almost", "over"])
# Possessive determiners: "to its former chief executive" names a recipient, as "to the" does.
POSSESSIVE_DETERMINERS = frozenset(["its", "his", "her", "their", "our"])
# A name may run past the three content words of an argument ("the German chemicals group
# Holtz", "the shipping group Marlow Lines"): up to this many.
NAME_RUN = 6
# Relations that hold for a time (a standing, a holding, a debt): one said in the past tense
# ("Okafor led Ferrante before the summer break", "Acme owned Beta") and one in the present
# ("Ferrante leads Okafor") speak of two times.
STATES = frozenset(["lead", "own", "owe"])
PRESENT_FORMS = frozenset(["leads", "lead", "trails", "trail", "owns", "own", "owes", "owe"])
PAST_FORMS = frozenset(["led", "trailed", "owned", "owed"])

# The verbs of buying whose "from" names a seller ("bought the stake from Gamma").
BUY_FORMS = frozenset(["buy", "buys", "bought", "purchase", "purchases", "purchased"])

# Before a participle these make it a modifier ("a wholly owned subsidiary", "the newly
# acquired unit"), not the relation.
MODIFIER_ADVERBS = frozenset(["wholly", "partly", "majority", "jointly", "newly", "recently"])


def _forms() -> dict[tuple[str, ...], tuple[str, str]]:
    forms: dict[tuple[str, ...], tuple[str, str]] = {}
    for name, entries in RELATIONS.items():
        for words, frame in entries:
            for form in words.split():
                forms.setdefault(tuple(lemma(part) for part in form.split("|")), (name, frame))
    return forms


FORMS = _forms()
