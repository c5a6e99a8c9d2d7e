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
from reviews.contradictions.relation_table import (
    AMOUNT_OPENERS,
    BUY_FORMS,
    COMPARATIVE_REACH,
    COMPARATIVES,
    FORMS,
    FRAME_PREPOSITIONS,
    GERUND_OPENERS,
    MODIFIER_ADVERBS,
    NAME_RUN,
    PAST_FORMS,
    POSSESSIVE_DETERMINERS,
    PREPOSITION_REACH,
    PRESENT_FORMS,
    STATES,
)
from reviews.contradictions.scopes import Scopes
from reviews.contradictions.text import CLAUSE_BREAKS, is_past_form


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
# "inverse": the object does it to the subject ("Hale trails Prys": Prys leads Hale);
# "debt": the subject does it to its object, or to the one after "to" when an amount follows
#   the verb ("owes Tamsin Dairy £3 million", "owes £3 million to its former chief executive");
# "comparative" (read at "than", ``COMPARATIVES``): the subject is more so than the one after.
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
    tense: str = ""  # a state's "past" or "present" ("led" / "leads"; ``STATES``), else ""


class _Reader:
    """The arguments around one claim's relation words."""

    def __init__(self, tokens: list[str], clauses: list[int], content_at: dict[int, str]):
        self.tokens, self.clauses, self.content_at = tokens, clauses, content_at
        self.lowered = [token.lower() for token in tokens]

    def run(self, start: int | None, step: int) -> tuple[str, str]:
        """The argument nearest ``start`` (``clauses._argument``), a name run on past its three
        words ("the German chemicals group Holtz") and with the name of an appositive
        ("Verlaan, the Dutch chemicals group, acquired ..."; "to its former chief executive,
        Ray Doyle, ...")."""
        if start is None:
            return "", ""
        found = _argument(self.tokens, self.content_at, self.clauses, start, step)
        if not found[0]:
            return found
        positions = self.positions(start, step, found[0].split())
        if not positions:
            return found
        positions = self.name_run(positions, step)
        positions = positions + self.of_name(positions, step)
        positions = positions + self.appositive_name(positions, step)
        positions.sort()
        return (
            " ".join(sorted(self.content_at[cursor] for cursor in positions)),
            " ".join(self.tokens[cursor] for cursor in positions),
        )

    def positions(self, start: int, step: int, words: list[str]) -> list[int]:
        """Where the words of an argument found from ``start`` are."""
        found: list[int] = []
        cursor = start
        while 0 <= cursor < len(self.tokens) and abs(cursor - start) < PREPOSITION_REACH + 3:
            if self.content_at.get(cursor) in words and cursor not in found:
                found.append(cursor)
                if len(found) == len(words):
                    break
            elif found and cursor not in self.content_at:
                break
            cursor += step
        return found

    def name_run(self, positions: list[int], step: int) -> list[int]:
        """The run past its last word while capitalised content words follow in its clause."""
        run = sorted(positions)
        edge = run[-1] if step > 0 else run[0]
        cursor = edge + step
        while (
            len(run) < NAME_RUN
            and 0 <= cursor < len(self.tokens)
            and cursor in self.content_at
            and self.clauses[cursor] == self.clauses[edge]
            and self.tokens[cursor][0].isupper()
            and not self.possessor_word(cursor)
        ):
            run.append(cursor)
            edge, cursor = cursor, cursor + step
        return run

    def of_name(self, positions: list[int], step: int) -> list[int]:
        """The rest of a name with "of" in it ("the state of Varn", "the University of
        Leeds"): the name after "of" when reading on, the words before it when reading back."""
        if step > 0:
            of = max(positions) + 1
            start = of + 1
            if not (start < len(self.tokens) and self.tokens[start][0].isupper()):
                return []
        else:
            of = min(positions) - 1
            start = of - 1
        if not (0 <= start < len(self.tokens) and self.lowered[of : of + 1] == ["of"]):
            return []
        if start not in self.content_at:
            return []
        found = _argument(self.tokens, self.content_at, self.clauses, start, step)
        return self.positions(start, step, found[0].split()) if found[0] else []

    def possessor_word(self, position: int) -> bool:
        """A possessor ("Mining's") or a name word before one ("Ardent" of "Ardent Mining's")."""
        for cursor in range(position, min(position + 3, len(self.tokens))):
            if self.lowered[cursor].endswith(("'s", "s'")):
                return True
            if not self.tokens[cursor][0].isupper():
                return False
        return False

    def appositive_name(self, positions: list[int], step: int) -> list[int]:
        """The words of a name set off by commas next to an argument: after it ("to its former
        chief executive, Ray Doyle,") or, for a subject, before it ("Tom Hale, the
        Conservative candidate, leads")."""
        if step > 0:
            comma = max(positions) + 1
        else:
            comma = min(positions) - 1
            while comma > 0 and (
                self.lowered[comma] in lexicon.ARTICLES or self.possessor_word(comma)
            ):
                comma -= 1  # "Tom Hale, the Conservative candidate", "Ray Doyle, Ardent Mining's"
        if not (0 <= comma < len(self.tokens) and self.tokens[comma] == ","):
            return []
        names: list[int] = []
        cursor = comma + step
        while (
            0 <= cursor < len(self.tokens)
            and cursor in self.content_at
            and self.tokens[cursor][0].isupper()
            and len(names) < 4
        ):
            names.append(cursor)
            cursor += step
        if step > 0:
            closed = cursor >= len(self.tokens) or self.tokens[cursor] in (",", ".")
        else:
            closed = cursor < 0 or self.tokens[cursor] in CLAUSE_BREAKS
        # "to its chief executive, Ray Doyle said": a clause of its own, not a name
        return names if closed else []

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
        return (
            word[0].isupper()
            or word.lower() in lexicon.ARTICLES
            or word.lower() in POSSESSIVE_DETERMINERS
        )

    def amount_follows(self, end: int) -> bool:
        """Whether an amount comes right after the verb ("owes £3 million to ...")."""
        following = self.tokens[end] if end < len(self.tokens) else ""
        return bool(following) and (
            following[0].isdigit() or following[0] in "$€£" or following in AMOUNT_OPENERS
        )

    def gerund_subject(self, position: int) -> tuple[str, str] | None:
        """The doer of a verb's "-ing" form after "after", "before", "by" ...: the subject of
        the sentence ("Allerton United reached the final after beating Brightwater FC"), or,
        when such a clause opens the sentence, the subject after its comma ("After losing to
        Ostend, Portland ..."); None for any other form."""
        if not self.lowered[position].endswith("ing") or not position:
            return None
        if self.lowered[position - 1] not in GERUND_OPENERS:
            return None
        if position - 1 == 0:
            comma = next(
                (c for c in range(position, len(self.tokens)) if self.tokens[c] == ","), None
            )
            return self.main_subject(comma + 1) if comma is not None else ("", "")
        return self.main_subject(0)

    def main_subject(self, begin: int) -> tuple[str, str]:
        """The run before the first verb from ``begin`` ("Harlow Rangers reached ..."), else
        the first run."""
        verb = next(
            (
                cursor
                for cursor in range(begin, len(self.lowered))
                if is_past_form(self.lowered[cursor])
                or self.lowered[cursor] in BE_FORMS | lexicon.AUXILIARIES
            ),
            None,
        )
        if verb is not None and verb > begin:
            return self.run(verb - 1, -1)
        return self.run(begin, 1)

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
            following[0].isdigit()
            or following[0] in "$€£"
            or following in ("a", "an")
            or following in AMOUNT_OPENERS
        ):
            return found
        return "", ""

    def tense(self, position: int) -> str:
        """A state's tense: "past" ("led", "was owed"), "present" ("leads", "is owed")."""
        word = self.lowered[position]
        previous = self.lowered[position - 1] if position else ""
        if previous in ("was", "were", "had") or (word in PAST_FORMS and previous not in BE_FORMS):
            return "past"
        if previous in ("is", "are", "has", "have") or word in PRESENT_FORMS:
            return "present"
        return ""

    def seller(self, name: str, frame: str, position: int, end: int) -> tuple[str, str] | None:
        """The one after "from" when a buyer bought something from it ("bought the Northfield
        wind farm from Osric Power"), not in a passive; else None."""
        if name != "acquire" or frame != "verb" or self.passive(position):
            return None
        if self.lowered[position] not in BUY_FORMS:
            return None
        start = self.after(end, ("from",))
        if start is None or not self.recipient(start):
            return None
        found = self.run(start, 1)
        return found if found[0] else None

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
        if self.lowered[position].endswith("ing") and previous in GERUND_OPENERS:
            return False  # "by beating Brightwater": a verb whose doer is the subject
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
        if frame in ("verb", "recipient", "debt", "inverse") and self.passive(position):
            by = self.after(end, ("by",))
            doer = self.run(by, 1) if by is not None else empty
            return (
                (self.subject(position), doer)
                if frame == "inverse"
                else (doer, self.subject(position))
            )
        gerund = self.gerund_subject(position)
        subject = gerund if gerund is not None else self.subject(position)
        if frame == "verb":
            return subject, self.run(end, 1)
        if frame == "inverse":
            if end < len(self.lowered) and self.lowered[end] in lexicon.PREPOSITIONS:
                return empty, subject  # "trails in the race": no one it trails
            return self.run(end, 1), subject
        if frame == "debt":
            if self.amount_follows(end):
                return subject, (after if self.recipient(second) else empty)
            return subject, self.run(end, 1)
        if frame == "recipient":
            recipient = after if self.recipient(second) else self.first_of_two_objects(end)
            return self.subject(position), recipient
        if frame == "converse":
            return after, subject
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
        negated = scopes.negated[position] or scopes.embedded[position]
        text = " ".join(tokens[position:end])
        if agent[0] and patient[0]:
            tense = reader.tense(position) if name in STATES else ""
            found.append(
                Relation(name, text, negated, agent[0], patient[0], agent[1], patient[1], tense)
            )
        seller = reader.seller(name, frame, position, end)
        if seller is not None and agent[0]:
            # "Pelham Energy bought the wind farm from Osric Power": Osric sold it to Pelham
            found.append(Relation("sell", text, negated, seller[0], agent[0], seller[1], agent[1]))
        position = end
    return found
