"""Negation scope: which words of a claim a negator denies, and which it sets aside."""

from __future__ import annotations

import dataclasses

from reviews.contradictions import lexicon
from reviews.contradictions.text import (
    CLAUSE_BREAKS,
    NEGATION_CONTRACTIONS,
    SCOPE_BREAKS,
    STOPWORDS,
    lemma,
)

NEGATION_SCOPE_WORDS = 4  # a negator governs at most this many following content words
MAX_SCOPE_TOKENS = 8  # ... within this many tokens of its clause


def is_negator(lowered: str) -> bool:
    """Whether a lower-cased word is a negator: a word of ``lexicon.NEGATORS`` or a negative
    contraction ("cannot", "can't", "isn't"). Every reader of negation asks this function."""
    return (
        lowered in lexicon.NEGATORS or lowered in NEGATION_CONTRACTIONS or lowered.endswith("n't")
    )


# Before "yet to", these make it a denial: "has yet to repair the flood defences" says the
# defences are not repaired (as "has not repaired" does).
YET_TO_AUXILIARIES = frozenset(["has", "have", "had", "is", "are", "was", "were"])


def is_yet_to(lowered: list[str], index: int) -> bool:
    """Whether the word at ``index`` is the "yet" of "has yet to" (a denial of the verb after
    "to"), not "yet" as "but" or "still"."""
    return (
        lowered[index] == "yet"
        and index > 0
        and lowered[index - 1] in YET_TO_AUXILIARIES
        and lowered[index + 1 : index + 2] == ["to"]
    )


# Before a word of denial, these refuse it: "declined to deny", "refused to deny", "stopped
# short of denying" deny nothing (and so agree, if anything, with what was not denied).
REFUSALS = frozenset(
    ["decline", "declined", "declines", "refuse", "refused", "refuses", "short", "reluctant"]
)
DENIAL_CLAUSE_ENDS = frozenset([".", ";", "but", "?"])


def refused(lowered: list[str], index: int) -> bool:
    """Whether the word at ``index`` (a denial) is refused: "declined to deny", "stopped
    short of denying"."""
    return bool(REFUSALS & set(lowered[max(0, index - 3) : index]))


def _denials_denied(lowered: list[str], scopes: Scopes) -> None:
    """What a denied or refused denial is said of is neither said nor denied: "did not deny
    that the plant would close", "has never disputed that it spilled waste", "declined to deny
    that the coach was sacked" deny nothing, and assert nothing either (the claim reports
    what was not denied): the rest of the denial's clause is set aside, and a refused denial
    is a denial denied."""
    scopes.undenied = [False] * len(lowered)
    for index, word in enumerate(lowered):
        if not word[0].isalpha() or lemma(word) not in lexicon.DENIAL_LEMMAS:
            continue
        if refused(lowered, index) and not scopes.embedded[index]:
            scopes.negated[index] = True  # "declined to deny" is "did not deny"
        if not (scopes.negated[index] or scopes.embedded[index]):
            continue
        cursor = index + 1
        while cursor < len(lowered) and lowered[cursor] not in DENIAL_CLAUSE_ENDS:
            scopes.demoted[cursor] = True
            scopes.undenied[cursor] = True
            cursor += 1


@dataclasses.dataclass
class Scopes:
    """Per token: denied, denied inside an embedded clause, or set aside (neither said nor
    denied); and the negators that denied something."""

    negated: list[bool]
    embedded: list[bool]
    demoted: list[bool]
    qualified: list[bool]  # under "not necessarily", "not always": set aside, leaning against
    cues: list[str]
    # what a denied or refused denial was of ("did not deny that several people were hurt"):
    # set aside (``demoted``) and, for the quantifiers, not said
    undenied: list[bool] = dataclasses.field(default_factory=list)


def _embedded(lowered: list[str], index: int) -> bool:
    """Whether the word at ``index`` sits in a relative or adverbial clause (or after a
    preposition: "for not harvesting"), not in the sentence's main statement."""
    if index and lowered[index - 1] in lexicon.PREPOSITIONS:
        return True
    cursor = index - 1
    while cursor >= 0:
        word = lowered[cursor]
        if word in lexicon.CONCESSIVE_BREAKS:
            return True  # "While Iran has invested ...", "although ..."
        if word in CLAUSE_BREAKS:
            return False
        if word in lexicon.SUBORDINATORS:
            if word != "that":
                return True
            # "That ceasefire isn't a ceasefire": a demonstrative, at the clause's start;
            # "insists that it was not": what is said, not a relative clause
            previous = lowered[cursor - 1] if cursor else "."
            if previous not in CLAUSE_BREAKS and lemma(previous) not in lexicon.reporting_lemmas():
                return True
        cursor -= 1
    return False


def quantifier_negation(lowered: list[str], index: int) -> tuple[str, ...]:
    """The words after a "not" at ``index`` that make it a quantifier ("not a single", "not
    every": ``lexicon.QUANTIFIER_NEGATIONS``), else (). After an auxiliary the "not" denies
    the verb ("he was not one of the heroes")."""
    if lowered[index] != "not" or (index and lowered[index - 1] in lexicon.AUXILIARIES):
        return ()
    for words in lexicon.QUANTIFIER_NEGATIONS:
        if tuple(lowered[index + 1 : index + 1 + len(words)]) == words:
            return words
    return ()


def _time_bound(lowered: list[str], index: int) -> bool:
    """Whether the negator at ``index`` bounds a time ("will not open before 2029", "not
    until the end of 2027"): "before" or "until" follows it in its clause within
    ``lexicon.BOUND_NEGATION_REACH`` words, and a year within four words of that."""
    for cursor in range(index + 1, min(len(lowered), index + 2 + lexicon.BOUND_NEGATION_REACH)):
        if lowered[cursor] in lexicon.TIME_BOUND_WORDS:
            following = lowered[cursor + 1 : cursor + 5]
            return any(token.isdigit() and len(token) == 4 for token in following)
        if lowered[cursor] in SCOPE_BREAKS:
            return False
    return False


def _noun_phrase_end(lowered: list[str], start: int) -> int:
    """The end (exclusive) of the noun phrase starting at ``start``: "no [show fee] for",
    "without [the man's knowledge]"."""
    cursor = start
    while cursor < len(lowered) and cursor - start < MAX_SCOPE_TOKENS:
        word = lowered[cursor]
        if word in SCOPE_BREAKS or not word[0].isalpha():
            break
        if word in STOPWORDS and word not in lexicon.ARTICLES:
            break
        cursor += 1
    return cursor


def negation_scopes(lowered: list[str]) -> Scopes:
    """Which tokens a negation governs, which are set aside ("not merely X but Y",
    "not necessarily X", "might not X", "X, not Y")."""
    scopes = Scopes(
        negated=[False] * len(lowered),
        embedded=[False] * len(lowered),
        demoted=[False] * len(lowered),
        qualified=[False] * len(lowered),
        cues=[],
    )
    index = 0
    while index < len(lowered):
        word = lowered[index]
        marker = tuple(lowered[index : index + 2]) in lexicon.CONTRAST_MARKERS
        if marker or word == "than":
            # "X rather than Y", "far more nuanced than a simple declaration": Y is what X is
            # measured against, neither said nor denied
            cursor = index + (2 if marker else 1)
            while cursor < len(lowered) and cursor - index <= MAX_SCOPE_TOKENS:
                if lowered[cursor] in SCOPE_BREAKS:
                    break
                scopes.demoted[cursor] = True
                cursor += 1
            index = cursor
            continue
        following = lowered[index + 1] if index + 1 < len(lowered) else ""
        negator = is_negator(word) or is_yet_to(lowered, index)
        if not negator or (word == "unlikely" and following not in {"to", "that"}):
            index += 1  # "an unlikely rumor" denies nothing; "unlikely to diminish" does
            continue
        previous = lowered[index - 1] if index > 0 else ""
        if "or" in lowered[max(0, index - 2) : index]:
            # "may or may not", "whether or not": undecided, it negates nothing
            index += 1
            continue
        if (
            following in lexicon.NEGATION_SOFTENERS
            or following in lexicon.NEGATION_QUALIFIERS
            or previous in lexicon.EPISTEMIC_MODALS
            or (word == "don't" and (not index or previous in CLAUSE_BREAKS))  # "Don't shoot"
            or "than" in lowered[index + 1 : index + 1 + MAX_SCOPE_TOKENS]  # a bound
            or _time_bound(lowered, index)
        ):
            # "not merely X", "not necessarily X", "might not X", "Don't reset" (a request),
            # "doesn't last more than a day", "will not open before 2029" (bounds): X is
            # neither said nor denied
            cursor = index + 2 if following in lexicon.NEGATION_SOFTENERS else index + 1
            qualified = following in lexicon.NEGATION_QUALIFIERS
            while cursor < len(lowered) and lowered[cursor] not in {"but", ".", ";"}:
                scopes.demoted[cursor] = True
                scopes.qualified[cursor] = qualified
                cursor += 1
            index = cursor
            continue
        if word == "no" and following in {"doubt"}:
            index += 1
            continue
        quantifier = quantifier_negation(lowered, index)
        if quantifier:
            # "not a single X", "not every X": a quantifier of X (``features``), no denial
            index += 1 + len(quantifier)
            continue
        contrast = previous == "," and word == "not"  # "tickets, not arrests": a contrast
        if not contrast:
            scopes.cues.append(word)
        embedded = not contrast and _embedded(lowered, index)
        denied = scopes.embedded if embedded else scopes.negated
        if word in lexicon.DETERMINER_NEGATORS and following != "longer" and not contrast:
            # "no X", "without X" deny the head of the noun phrase; its modifiers and
            # possessors are set aside ("without direct military confrontation")
            end = _noun_phrase_end(lowered, index + 1)
            head = next(
                (
                    cursor
                    for cursor in range(end - 1, index, -1)
                    if lowered[cursor] not in STOPWORDS and not lowered[cursor].endswith("'s")
                ),
                None,
            )
            for cursor in range(index + 1, end):
                if cursor == head:
                    denied[cursor] = True
                elif lowered[cursor] not in STOPWORDS and not lowered[cursor].endswith("'s"):
                    scopes.demoted[cursor] = True
            index += 1
            continue
        cursor, counted = index + 1, 0
        # The scope reaches the next few content words of the clause ("has not come out with
        # a pumpkin spice condom" negates come, pumpkin, spice, condom); a possessor is not
        # denied ("not Iran's allies": Iran is still there).
        while (
            cursor < len(lowered)
            and counted < NEGATION_SCOPE_WORDS
            and cursor - index <= MAX_SCOPE_TOKENS
        ):
            if lowered[cursor] in SCOPE_BREAKS:
                break
            if lowered[cursor].endswith("'s"):
                cursor += 1
                continue
            if contrast:
                scopes.demoted[cursor] = True
            else:
                denied[cursor] = True
            if lowered[cursor] not in STOPWORDS:
                counted += 1
            cursor += 1
        index += 1
    _denials_denied(lowered, scopes)
    return scopes
