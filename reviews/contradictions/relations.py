"""One-way relations read with their argument frames: who acquired, owns, beat, owes, pays,
sued whom, however the claim words it.

"Acme acquired Beta", "Beta was acquired by Acme", "Acme's takeover of Beta", "the acquisition
of Beta by Acme", "Acme, which bought Beta, ..." are one relation, acquire(Acme → Beta); "Beta
is a subsidiary of Acme", "Acme, the parent company of Beta" and "Acme owns Beta" are
own(Acme → Beta); "Croatia lost to Portugal" is beat(Portugal → Croatia). Two claims giving one
relation with its arguments the other way round cannot both be true
(``detect_relations.detect_swapped_relation``). Symmetric relations ("met", "merged with",
"partnered with", "drew with", "signed a deal with") are not in the table: they never swap.

Read by word form, not by a parse: an argument is the nearest run of content words
(``clauses._argument``), a subject the run before a copula or, in an appositive or a relative
clause with no subject of its own ("Acme, the owner of Beta, ...", "Acme, which bought Beta,
..."), the run before the comma. What is not read is not compared.
"""

from __future__ import annotations

import dataclasses

from reviews.contradictions import lexicon
from reviews.contradictions.clauses import BE_FORMS, _argument
from reviews.contradictions.scopes import Scopes
from reviews.contradictions.text import CLAUSE_BREAKS, lemma

# How each frame places its arguments around the words of the relation:
# "verb": the subject does it to the object ("Acme acquired Beta"; a passive the other way);
# "recipient": the subject does it to the one after "to", else to its first object ("supplies
#   batteries to Coria", "lent Ardmore $40 million");
# "converse": the one after the preposition does it to the subject ("lost to Portugal",
#   "borrowed $40 million from Greenfield");
# "noun-owner": the subject is the relation's doer, the one after "of" what it is done to
#   ("Acme is the owner of Beta", "Acme, the parent company of Beta");
# "noun-owned": the one after "of" is the doer ("Beta is a subsidiary of Acme");
# "nominal": the possessor, or the one after "by", does it to the one after "of" or "over"
#   ("Acme's takeover of Beta", "the acquisition of Beta by Acme", "Brazil's win over Chile");
# "comparative" (read at "than", ``COMPARATIVES``): the subject is more so than the one after.
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
    "owe": (("owe owes owed", "verb"),),
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
# Before a participle these make it a modifier ("a wholly owned subsidiary", "the newly
# acquired unit"), not the relation.
MODIFIER_ADVERBS = frozenset(["wholly", "partly", "majority", "jointly", "newly", "recently"])


@dataclasses.dataclass(frozen=True)
class Relation:
    """A one-way relation of ``RELATIONS`` as one claim states it."""

    name: str  # "acquire", "own", "beat", ...
    text: str  # the words as written ("lost to", "subsidiary")
    negated: bool  # under a negation ("did not acquire")
    agent: str  # the lemmas of the one it runs from (sorted; "" when not said)
    patient: str  # the lemmas of the one it runs to
    agent_text: str = ""
    patient_text: str = ""


def _forms() -> dict[tuple[str, ...], tuple[str, str]]:
    forms: dict[tuple[str, ...], tuple[str, str]] = {}
    for name, entries in RELATIONS.items():
        for words, frame in entries:
            for form in words.split():
                forms.setdefault(tuple(lemma(part) for part in form.split("|")), (name, frame))
    return forms


FORMS = _forms()


class _Reader:
    """The arguments around one claim's relation words."""

    def __init__(self, tokens: list[str], clauses: list[int], content_at: dict[int, str]):
        self.tokens, self.clauses, self.content_at = tokens, clauses, content_at
        self.lowered = [token.lower() for token in tokens]

    def run(self, start: int, step: int) -> tuple[str, str]:
        return _argument(self.tokens, self.content_at, self.clauses, start, step)

    def after(self, end: int, prepositions: tuple[str, ...]) -> int | None:
        """The position after the first of ``prepositions`` following ``end`` in its clause."""
        for cursor in range(end, min(end + PREPOSITION_REACH, len(self.lowered))):
            if self.clauses[cursor] != self.clauses[end - 1]:
                return None
            if self.lowered[cursor] in prepositions:
                return cursor + 1
        return None

    def subject(self, position: int) -> tuple[str, str]:
        """Who the clause at ``position`` speaks of: the run before its copula ("Beta is a
        wholly owned subsidiary"), else before the relation's words; in an appositive or a
        relative clause with no subject of its own, the run before its comma."""
        clause = self.clauses[position]
        begin = position
        while begin > 0 and self.clauses[begin - 1] == clause:
            begin -= 1
        copula = next(
            (c for c in range(position - 1, begin - 1, -1) if self.lowered[c] in BE_FORMS), None
        )
        found = self.run((copula if copula is not None else position) - 1, -1)
        if not found[0] and begin and self.lowered[begin] == ",":
            return self.run(begin - 1, -1)  # a clause starts at its break: the comma
        return found

    def possessor(self, position: int) -> tuple[str, str]:
        """The run right before a noun ("Acme's takeover", "Orla Holdings' acquisition")."""
        if position and position - 1 in self.content_at:
            return self.run(position - 1, -1)
        return "", ""

    def recipient(self, start: int | None) -> bool:
        """Whether the words after "to" name a recipient ("to Coria Cars", "to the
        university"), not a purpose ("paid $5 million to settle the case")."""
        if start is None or start >= len(self.tokens):
            return False
        word = self.tokens[start]
        return word[0].isupper() or word.lower() in lexicon.ARTICLES

    def first_of_two_objects(self, end: int) -> tuple[str, str]:
        """The run right after a verb when a second object follows it ("lent Ardmore Hotels
        $40 million", "paid the agent a fee"): the recipient; else none ("supply the screens
        for the watch": what is supplied)."""
        found = self.run(end, 1)
        if not found[0]:
            return found
        words = found[0].split()
        last = max(
            (
                cursor
                for cursor in range(end, min(end + PREPOSITION_REACH, len(self.tokens)))
                if self.content_at.get(cursor) in words
            ),
            default=end,
        )
        following = self.tokens[last + 1] if last + 1 < len(self.tokens) else ""
        if following and (
            following[0].isdigit() or following[0] in "$€£" or following in ("a", "an")
        ):
            return found
        return "", ""

    def passive(self, position: int) -> bool:
        before = self.lowered[max(0, position - 2) : position]
        return bool(BE_FORMS & set(before))

    def comparative(self, than: int) -> tuple[int, tuple[str, str]] | None:
        """A comparison at "than" ("larger than", "more cars than"): the relation
        "than:larger", its frame "comparative"; None without a comparative word before it."""
        for cursor in range(than - 1, max(-1, than - COMPARATIVE_REACH - 1), -1):
            if self.lowered[cursor] in COMPARATIVES:
                return 1, (f"than:{self.lowered[cursor]}", "comparative")
        return None

    def noun_or_modifier(self, position: int) -> bool:
        """A verb's word used as a noun ("a series of attacks", "the attack") or as a
        participle before a noun ("a wholly owned subsidiary", "the acquired unit")."""
        previous = self.lowered[position - 1] if position else ""
        return (
            previous in MODIFIER_ADVERBS
            or previous in lexicon.ARTICLES
            or previous in lexicon.PREPOSITIONS
        )

    def arguments(
        self, frame: str, position: int, end: int
    ) -> tuple[tuple[str, str], tuple[str, str]]:
        """(agent, patient) of the relation words at ``position:end`` in ``frame``."""
        empty = ("", "")
        prepositions = FRAME_PREPOSITIONS.get(frame, ())
        second = self.after(end, prepositions) if prepositions else None
        if self.lowered[end - 1] in prepositions:
            second = end  # the preposition is the relation's own ("lost to")
        after = self.run(second, 1) if second is not None else empty
        if frame in ("verb", "recipient") and self.passive(position):
            by = self.after(end, ("by",))
            return (self.run(by, 1) if by is not None else empty), self.subject(position)
        if frame == "verb":
            return self.subject(position), self.run(end, 1)
        if frame == "recipient":
            recipient = after if self.recipient(second) else self.first_of_two_objects(end)
            return self.subject(position), recipient
        if frame == "converse":
            return after, self.subject(position)
        if frame == "comparative":  # at "than": the subject is more so than the one after it
            word = next(
                cursor
                for cursor in range(position - 1, position - COMPARATIVE_REACH - 1, -1)
                if self.lowered[cursor] in COMPARATIVES
            )
            return self.subject(word), self.run(end, 1)
        if frame == "noun-owner":
            return self.subject(position), after
        if frame == "noun-owned":
            return after, self.subject(position)
        by = self.after(end, ("by",))
        agent = self.run(by, 1) if by is not None else self.possessor(position)
        return agent, after


def relations_read(
    tokens: list[str],
    lemmas_all: list[str],
    scopes: Scopes,
    clauses: list[int],
    content: list[tuple[int, str]],
) -> list[Relation]:
    """The relations of ``RELATIONS`` a claim states, each with both arguments (a relation
    with one of them unsaid cannot be compared and is left out)."""
    reader = _Reader(tokens, clauses, dict(content))
    found: list[Relation] = []
    position = 0
    while position < len(tokens):
        match = next(
            (
                (size, FORMS[key])
                for size in (3, 2, 1)
                if len(key := tuple(lemmas_all[position : position + size])) == size
                and key in FORMS
            ),
            None,
        )
        if match is None and tokens[position].lower() == "than":
            match = reader.comparative(position)
        if match is None or scopes.demoted[position] or tokens[position] in CLAUSE_BREAKS:
            position += 1
            continue
        size, (name, frame) = match
        end = position + size
        if frame in ("verb", "recipient") and reader.noun_or_modifier(position):
            position = end
            continue
        agent, patient = reader.arguments(frame, position, end)
        if agent[0] and patient[0]:
            found.append(
                Relation(
                    name=name,
                    text=" ".join(tokens[position:end]),
                    negated=scopes.negated[position] or scopes.embedded[position],
                    agent=agent[0],
                    patient=patient[0],
                    agent_text=agent[1],
                    patient_text=patient[1],
                )
            )
        position = end
    return found
