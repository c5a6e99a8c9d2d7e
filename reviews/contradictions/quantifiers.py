"""Quantifier phrases in a claim ("all", "none of the", "not a single", "all but two of the",
"only nine of the eleven") with the noun each quantifies and what the claim says of it: the
group the noun is narrowed to and the predicate, so that two quantifiers are compared only on
the same group and the same predicate, whatever else the sentences say ("..., officials said")."""

from __future__ import annotations

import dataclasses

from reviews.contradictions import lexicon
from reviews.contradictions.scopes import is_negator, quantifier_negation
from reviews.contradictions.text import CLAUSE_BREAKS, STOPWORDS, is_past_form, lemma

# Words that end what a claim says of a quantified noun: a clause break, a subordinate or
# adverbial clause ("closed on Tuesday as staff walked out"), an attribution ("according to").
PREDICATE_BREAKS = (
    CLAUSE_BREAKS
    | lexicon.SUBORDINATORS
    | frozenset(["as", "despite", "according", "amid", "with", "and", "or"])
)
# After one of these the next content word is a verb ("have passed", "will keep", "to cap").
VERB_OPENERS = lexicon.AUXILIARIES | frozenset(
    ["will", "would", "can", "could", "may", "might", "must", "did", "do", "does", "to"]
)

# Quantifiers that are their own noun: people ("nobody", "everyone" against "several people").
PERSON_QUANTIFIERS = frozenset(["nobody", "everyone", "everybody"])
# Before a count, these make it the size of a whole group, not "at least this many".
BARE_COUNT_BLOCKERS = (
    lexicon.UNIVERSAL
    | lexicon.UNIVERSAL_NEGATIVE
    | lexicon.ARTICLES
    | lexicon.EXCEPTION_MARKERS
    | frozenset(
        ["of", "than", "about", "some", "only", "just", "nearly", "almost", "over", "under"]
    )
)


@dataclasses.dataclass(frozen=True)
class Quantified:
    """A quantifier phrase and what it is said of: "none of the 60 care homes inspected in the
    county was rated inadequate" is kind "none", noun "care", group ["home", "inspect",
    "county"] (the words narrowing the noun, up to the predicate's verb), verbs ["rat"] and
    predicate ["rat", "inadequate"] (the verb and its words, to the end of the clause)."""

    kind: str  # "all", "none", "some", "except" (all but some) or "not-all"
    noun: str
    group: list[str] = dataclasses.field(default_factory=list)
    verbs: list[str] = dataclasses.field(default_factory=list)
    predicate: list[str] = dataclasses.field(default_factory=list)
    negated: bool = False  # the predicate is denied ("hundreds of residents were not evacuated")


def _bare_count(lowered: list[str], position: int) -> bool:
    """Whether the count at ``position`` says "at least this many" of a noun right after it
    ("two people were hurt", "3 schools stayed shut"), not the size of a whole group ("all 14
    branches", "the 12 bridges", "none of the 9 members") or a year, an amount or a rate."""
    word = lowered[position]
    following = lowered[position + 1] if position + 1 < len(lowered) else ""
    previous = lowered[position - 1] if position else ""
    if not word.isdigit() and word not in lexicon.NUMBER_WORDS:
        return False
    if word.isdigit() and (len(word) == 4 or previous in lexicon.CURRENCY_WORDS):
        return False
    if previous in BARE_COUNT_BLOCKERS or previous.endswith("'s"):
        return False
    return (
        following[:1].isalpha()
        and following not in STOPWORDS
        and following not in lexicon.SCALES
        and following not in {"percent", "per", "of"}
    )


def quantifier_kind(lowered: list[str], position: int) -> tuple[str, int]:
    """The kind of a quantifier phrase starting at ``position`` and where its noun may start
    ("three of the members" is "some", "all but two of the members" and "only nine of the
    eleven players" an exception, "not a single member" none), else ("", 0)."""
    word = lowered[position]
    previous = lowered[position - 1] if position else ""
    following = lowered[position + 1] if position + 1 < len(lowered) else ""
    negation = quantifier_negation(lowered, position)
    if negation:
        return lexicon.QUANTIFIER_NEGATIONS[negation], position + 1 + len(negation)
    if previous == "not" or previous in lexicon.UNIVERSAL | lexicon.EXCEPTION_MARKERS:
        # "not one of", "every one of", "all but two of": the phrase began before
        return "", 0
    if word in lexicon.UNIVERSAL:
        if following in lexicon.EXCEPTION_MARKERS:
            return "except", position + 2
        return "all", position + 1
    if word in lexicon.UNIVERSAL_NEGATIVE:
        return "none", position + 1
    counted = word[0].isdigit() or word in lexicon.NUMBER_WORDS
    some = (
        word in lexicon.EXISTENTIAL
        or (word == "few" and previous == "a")
        or (word == "number" and previous == "a" and following == "of")  # "a number of"
        or (counted and _bare_count(lowered, position))  # "two people were hurt"
    )
    if word == "few" and previous != "a":
        return "not-all", position + 1  # "few of the schools met it": not all did
    if counted and previous == "only" and following[:1].isalpha() and following != "of":
        return "except", position + 1  # "only two wards reopened": some, not all
    if not (some or (counted and following == "of")):
        return "", 0
    # "only some of", "only a few of", "only nine of the eleven": some, and not all
    only = previous == "only" or (
        previous == "a" and lowered[position - 2 : position - 1] == ["only"]
    )
    return ("except" if only else "some"), position + 1


def _what_is_said(lowered: list[str], start: int) -> tuple[list[str], list[str], list[str], bool]:
    """From the quantified noun at ``start`` to the end of its clause: the group words before
    the predicate's verb, the verbs, the predicate words and whether a negator denies them."""
    group: list[str] = []
    verbs: list[str] = []
    predicate: list[str] = []
    negated = False
    opener = False
    for cursor in range(start + 1, len(lowered)):
        word = lowered[cursor]
        if word in PREDICATE_BREAKS and (verbs or word in CLAUSE_BREAKS):
            break
        if is_negator(word):
            negated = negated or bool(verbs) or opener
            opener = True
            continue
        if word in VERB_OPENERS:
            opener = True
            continue
        if not word[0].isalpha() or word in STOPWORDS or word in lexicon.NUMBER_WORDS:
            continue
        value = lemma(word)
        if opener or is_past_form(word):
            if value not in verbs:
                verbs.append(value)
            opener = False
        (predicate if verbs else group).append(value)
    return group, verbs, predicate, negated


def _compound_head(lowered: list[str], position: int) -> bool:
    """Whether the content word at ``position`` modifies the next, the head of a compound
    ("committee members", "primary schools", "every council member voted"): the next is a
    plural noun after a singular word, or a word right before a verb or an auxiliary."""
    word = lowered[position]
    following = lowered[position + 1] if position + 1 < len(lowered) else ""
    after = lowered[position + 2] if position + 2 < len(lowered) else ""
    if not following[:1].isalpha() or following in STOPWORDS or is_past_form(following):
        return False
    if following in PREDICATE_BREAKS or following in VERB_OPENERS:
        return False
    if following.endswith("s") and not word.endswith("s"):
        return True
    return is_past_form(after) or after in VERB_OPENERS


def _in_noun_run(lowered: list[str], position: int) -> bool:
    """Whether the word at ``position`` may continue a noun run ("lifeboat crews")."""
    if position >= len(lowered):
        return False
    word = lowered[position]
    return (
        word[0].isalpha()
        and word not in STOPWORDS
        and word not in PREDICATE_BREAKS
        and word not in VERB_OPENERS
        and not is_past_form(word)
    )


def _verb_before(lowered: list[str], position: int) -> str:
    """The lemma of the verb of the quantifier's clause before ``position`` ("confirmed", "will
    close"), else ""."""
    for cursor in range(position - 1, -1, -1):
        word = lowered[cursor]
        if word in CLAUSE_BREAKS:
            return ""
        if not word[0].isalpha() or word in STOPWORDS:
            continue
        if is_past_form(word) or (cursor and lowered[cursor - 1] in VERB_OPENERS):
            return lemma(word)
    return ""


def quantifiers_read(lowered: list[str]) -> list[Quantified]:
    """Each quantifier and the noun it quantifies: the first content word after it, numbers
    and possessors aside ("none of the 12 council members" -> "council"; "three of the
    board's directors" -> "director"), with what the claim says of it (``Quantified``)."""
    found: list[Quantified] = []
    for position in range(len(lowered) - 1):
        kind, start = quantifier_kind(lowered, position)
        if not kind:
            continue
        no_one = lowered[position : position + 2] == ["no", "one"] and (
            lowered[position + 2 : position + 3] != ["of"]
        )
        if lowered[position] in PERSON_QUANTIFIERS or no_one:
            # "nobody in the department knew" is said of people, like "several people in it"
            group, verbs, predicate, negated = _what_is_said(lowered, position + no_one)
            found.append(Quantified(kind, "person", group, verbs, predicate, negated))
            continue
        for cursor in range(start, min(start + lexicon.QUANTIFIER_REACH, len(lowered))):
            following = lowered[cursor]
            if following in CLAUSE_BREAKS:
                break
            if (
                following[0].isalpha()
                and following not in STOPWORDS
                and following not in lexicon.NUMBER_WORDS
                and following not in lexicon.EXCEPTION_MARKERS
                and not following.endswith("'s")
            ):
                modifiers = []
                while _in_noun_run(lowered, cursor + 1) and (
                    _compound_head(lowered, cursor) or _compound_head(lowered, cursor + 1)
                ):
                    # "committee members", "Pentire lifeboat crews": the noun is the last
                    modifiers.append(lemma(lowered[cursor]))
                    cursor += 1
                group, verbs, predicate, negated = _what_is_said(lowered, cursor)
                group = [*modifiers, *group]  # the modifiers narrow the group
                verb = "" if verbs else _verb_before(lowered, position)
                if verb:
                    # the quantified noun is an object ("officials confirmed 14 cases of the
                    # virus in the region"): the verb before it is the predicate, the words
                    # after it the predicate's
                    group, verbs, predicate = [], [verb], [verb, *group]
                noun = lemma(lowered[cursor])
                found.append(Quantified(kind, noun, group, verbs, predicate, negated))
                break
    return found
