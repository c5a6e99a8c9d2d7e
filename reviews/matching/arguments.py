"""A claim's object: what its verb is done to, read so the scorer can ask it to agree.

Near misses keep the subject and the verb and change the object ("approved a new budget" /
"approved a new parking plan", "killed 12 people" / "destroyed 300 homes"). The scorer
(``reviews.matching.scoring``) asks the two objects to agree, so it needs them; they are read
from the claim's words, without a parser, after its first verb by form (a past tense such as
"approved", or a word after a modal or "to": the shared layer's rule) that has a content word
before it in its clause (a subject: "Kidnapped Nigerian schoolgirls" opens with an adjective):
the noun phrase right after the verb, through "of" and "and" ("the sale of fireworks"), up to
the next preposition or clause break, its words and its numbers. A verb followed by a
preposition ("rose to 7 percent", "were detained by police") or by another verb ("caught
relieving himself") has no object.

A claim whose verb is not found (a present tense, a title-case headline) has no object, so
nothing is asked of it: the reading only ever lowers a match, never makes one.

The subject was read too and dropped: on Emergent's development half, headline subjects are
descriptions of the claim's ("Brit teen" for "Khalil al-Britani"), and asking them to agree
vetoed 50 right suggestions for one near miss of the team's set (docs/matching.md).
"""

from __future__ import annotations

import dataclasses

from reviews.contradictions.clauses import VERB_MARKERS
from reviews.contradictions.text import CLAUSE_BREAKS, STOPWORDS, is_past_form, lemma, tokenize

# Words that carry a noun phrase on ("the sale of fireworks", "Egypt and Israel").
PHRASE_JOINERS = frozenset({"of", "and"})
# Stopwords that may open a noun phrase; any other stopword after the verb ends the phrase.
DETERMINERS = frozenset(
    {"a", "an", "the", "its", "his", "her", "their", "our", "new", "all", "some", "this"}
)


@dataclasses.dataclass(frozen=True)
class Arguments:
    """The lemmas and numbers of a claim's object (empty when not read)."""

    object: frozenset[str] = frozenset()
    object_numbers: frozenset[float] = frozenset()  # the numbers of the object ("12 people")


NO_ARGUMENTS = Arguments()


def _is_content(word: str) -> bool:
    return word[0].isalpha() and word not in STOPWORDS and lemma(word) not in STOPWORDS


def _verb_position(tokens: list[str], lowered: list[str]) -> int | None:
    """Where the claim's first verb by form is; a capitalised word inside the sentence is a
    name ("United", "to Oslo"), not a verb."""
    for position, word in enumerate(lowered):
        if not _is_content(word) or (position and tokens[position][0].isupper()):
            continue
        if is_past_form(word) or (position and lowered[position - 1] in VERB_MARKERS):
            return position
    return None


def arguments_read(text: str) -> Arguments:
    """The object of a claim's text (``NO_ARGUMENTS`` when no verb with a subject is found)."""
    tokens = tokenize(text)
    lowered = [token.lower() for token in tokens]
    verb = _verb_position(tokens, lowered)
    if verb is None:
        return NO_ARGUMENTS
    start = verb
    while start and lowered[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    if not any(_is_content(word) for word in lowered[start:verb]):
        return NO_ARGUMENTS  # "Kidnapped Nigerian schoolgirls": an adjective, not a verb
    found: set[str] = set()
    numbers: set[float] = set()
    for position in range(verb + 1, len(lowered)):
        word = lowered[position]
        if word in CLAUSE_BREAKS:
            break
        if position == verb + 1 and (is_past_form(word) or word.endswith("ing")):
            break  # "caught relieving himself", "proposed expanding": a verb, not an object
        if _is_content(word):
            found.add(lemma(word))
        elif word[0].isdigit():
            number = _number(word)
            if number is not None:
                numbers.add(number)
        elif (
            word not in PHRASE_JOINERS and word in STOPWORDS and (found or word not in DETERMINERS)
        ):
            # A determiner before the noun phrase ("a", "its", "new") opens it; any other
            # stopword (a preposition, "when", "that") ends it, or means there is none.
            break
    return Arguments(object=frozenset(found), object_numbers=frozenset(numbers))


def _number(word: str) -> float | None:
    try:
        return float(word.replace(",", ""))
    except ValueError:
        return None
