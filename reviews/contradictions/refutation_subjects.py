"""What a refutation word is said of: when it is predicative ("X are fictional", "X is a hoax"),
its subject; before a noun, that noun ("fake passports"); and whether it is said at all ("Hoax?",
"declined to deny"). A claim calls another's report false only when the word is said of that
report; "every person named here are fictional" describes people, not what the other claim
says."""

from __future__ import annotations

from reviews.contradictions import lexicon
from reviews.contradictions.clauses import BE_FORMS, said_of_lemma
from reviews.contradictions.scopes import refused
from reviews.contradictions.text import CLAUSE_BREAKS, STOPWORDS, is_past_form, lemma


def undecided(lowered: list[str], position: int) -> bool:
    """ "Refuses to confirm or deny" takes no side, nor does "declined to deny" or "stopped
    short of denying" (a refused denial: ``scopes.refused``); "Hoax?" asks rather than says,
    unless the question puts the word as what its subject is ("Was the viral video all a
    hoax?", "Is the audio a hoax?": a headline that leans to the refutation, and says so by its
    form)."""
    before = lowered[max(0, position - 3) : position]
    after = lowered[position + 1 : position + 2]
    if "confirm" in before or refused(lowered, position):
        return True
    return after == ["?"] and not _asks_what_it_is(lowered, position)


# A question that opens with one of these asks what its subject is ("Is X a hoax?").
_QUESTION_BE_FORMS = frozenset(["is", "was", "are", "were"])


def _asks_what_it_is(lowered: list[str], position: int) -> bool:
    """Whether the question ending after ``position`` opens with a form of "be" and puts the
    word after its subject ("Was X all a hoax?"), not offering it as one of two ("real or
    hoax?")."""
    start = position
    while start > 0 and lowered[start - 1] not in CLAUSE_BREAKS:
        start -= 1
    return (
        position - start >= 3
        and lowered[start] in _QUESTION_BE_FORMS
        and lowered[position - 1] != "or"
    )


# How far a headline's noun phrase may run after a refutation word to the report noun that
# ends it ("Denies Nigeria Cease-Fire Claim", "DENIES congressman's claim that ...").
REPORT_NOUN_REACH = 4


def noun_after(lowered: list[str], position: int) -> str:
    """The word a refutation adjective describes ("fake passports" -> "passport"); a report
    noun that ends the noun phrase after it ("denies Nigeria cease-fire claim" -> "claim",
    "erroneous urination reports" -> "reports"): the denial or the adjective is said of the
    report, whatever words name what it reports."""
    for word in lowered[position + 1 : position + 1 + REPORT_NOUN_REACH]:
        if word in CLAUSE_BREAKS or not word[0].isalpha() or word in lexicon.PREPOSITIONS:
            break
        if word in lexicon.REPORT_NOUNS:
            return word
    for word in lowered[position + 1 : position + 3]:
        if word in CLAUSE_BREAKS or not word[0].isalpha():
            return ""
        if word not in STOPWORDS:
            return said_of_lemma(word)
        return ""
    return ""


# Words between the be-form and the refutation word ("is a complete hoax", "are entirely
# fictional", "is probably fake").
_PREDICATE_FILLERS = frozenset(
    [
        "a",
        "an",
        "all",
        "just",
        "simply",
        "pure",
        "purely",
        "complete",
        "completely",
        "total",
        "totally",
        "entirely",
        "wholly",
        "utterly",
        "also",
        "clearly",
        "obviously",
        "probably",
        "likely",
        "apparently",
        "reportedly",
        "allegedly",
    ]
)
# A subject runs back over commas ("Milltown, Harbor City and every person named here are
# fictional"), not over the end of a sentence or a colon ("Note: ...").
_SUBJECT_BREAKS = CLAUSE_BREAKS - {","}
# Words that say which or how many of the head, not what it is ("every person", "no painting").
_DETERMINERS = lexicon.UNIVERSAL | lexicon.UNIVERSAL_NEGATIVE | lexicon.EXISTENTIAL
# Words that open a relative clause after a subject's head ("the man who ...").
_RELATIVES = frozenset(["who", "whom", "whose", "which", "that", "where"])
# Refutation adjectives that, before a noun, name a kind of work rather than judge a report:
# "a fictional plant", "a satirical column" are things in a story or a genre of writing, and
# say nothing false of what another claim reports ("the story is fictional" still does, and
# so does "a satirical site", a report's source: ``lexicon.REPORT_NOUNS``).
GENRE_ADJECTIVES = frozenset(["fictional", "satirical"])
# In a predicative subject, what separates the head from the words that qualify it
# ("the painting in its entrance hall": "paint|entrance hall").
QUALIFIER_MARK = "|"


def names_a_genre(lowered: list[str], position: int, noun: str) -> bool:
    """Whether the refutation word at ``position`` is a genre adjective said of the noun after
    it (``noun``, from ``noun_after``): "a fictional band" describes the band, "a
    satirical site" is where a report came from."""
    return lowered[position] in GENRE_ADJECTIVES and bool(noun) and noun not in lexicon.REPORT_NOUNS


def in_sentence_case(tokens: list[str]) -> bool:
    """Whether a claim is written in sentence case, where a capital inside a sentence starts a
    name: two of its content words or more are in lower case (a headline in title case
    capitalises them all)."""
    lower = [token for token in tokens if token.isalpha() and token.islower()]
    return len([token for token in lower if token not in STOPWORDS]) >= 2


def in_a_name(tokens: list[str], position: int) -> bool:
    """Whether the refutation word at ``position`` is part of a name: capitalised inside a
    sentence of a claim in sentence case ("the tribute band Fake Moon", "sells Fake Fang"),
    not written in capitals for emphasis ("exposed as a FAKE")."""
    word = tokens[position]
    return (
        position > 0
        and word[0].isupper()
        and not word.isupper()
        and tokens[position - 1] not in _SUBJECT_BREAKS
        and in_sentence_case(tokens)
    )


def predicative_subject(tokens: list[str], position: int, reason: str) -> str:
    """The subject of the refutation word at ``position`` when it calls something false
    (``reason``) and a form of "be" (or "get") comes before it, space-separated: the
    back-reference ("it's fake" -> "it", "that is false" -> "that"), or the words of its head,
    the noun phrase that opens it, up to a preposition, relative or participle after its
    first word ("every person named here are fictional" -> "person", "the shirts sold outside
    the ground" -> "shirt", "the Milltown rate rise" -> "rate rise"; names are left out); ""
    when the word is not said of a subject ("a fake passport", "Hoax!") or its head has no
    content word."""
    if reason != lexicon.CALLS_FALSE:
        return ""  # "X is not dead" is said of the person, "X was dismissed" is a denial
    lowered = [token.lower() for token in tokens]
    cursor = position - 1
    while cursor >= 0 and lowered[cursor] in _PREDICATE_FILLERS:
        cursor -= 1
    if cursor < 0:
        return ""
    word = lowered[cursor]
    if word.endswith("'s") and word[:-2] in lexicon.BACK_REFERENCES:
        return word[:-2]
    if word not in BE_FORMS:
        return ""
    if cursor and lowered[cursor - 1] in lexicon.BACK_REFERENCES:
        return lowered[cursor - 1]
    head, qualifier = _head(tokens, lowered, _subject_start(lowered, cursor), cursor)
    if qualifier:
        return " ".join(head) + QUALIFIER_MARK + " ".join(qualifier)
    return " ".join(head)


def _subject_start(lowered: list[str], end: int) -> int:
    """Where the subject ending before ``end`` starts: after the last sentence break, colon or
    reporting verb ("officials said the story is false"; "claims" and "reports" are nouns
    there, "the figures showing" a participle)."""
    reporting = lexicon.reporting_lemmas()
    start = end
    while start > 0:
        word = lowered[start - 1]
        if word in _SUBJECT_BREAKS or (
            lemma(word) in reporting
            and word not in lexicon.REPORT_NOUNS
            and not word.endswith("ing")
        ):
            break
        start -= 1
    return start


def _head(
    tokens: list[str], lowered: list[str], start: int, end: int
) -> tuple[list[str], list[str]]:
    """The content lemmas of the subject's opening noun phrase, up to a preposition, relative
    or participle after its first word, without names: a word capitalised inside
    a claim written in sentence case is a name. In sentence case, also the content lemmas of
    a prepositional or participle phrase qualifying it ("the painting in its entrance hall"
    -> "entrance hall", "the certificates sold online" -> "online"), which may make it
    another thing than the one the other claim names."""
    sentence_case = in_sentence_case(tokens)
    head: list[str] = []
    qualifier: list[str] = []
    for index in range(start, end):
        word = lowered[index]
        if head and (word in lexicon.PREPOSITIONS or word in _RELATIVES or is_past_form(word)):
            # "the shirts sold outside the ground": the head is "shirts"
            if sentence_case and word not in _RELATIVES:
                qualifier = _content(tokens, lowered, index + 1, end)
            break
        if not word[0].isalpha() or word in STOPWORDS or word in _DETERMINERS:
            continue
        if sentence_case and index and tokens[index][0].isupper():
            continue  # "Milltown, Northgate Engineering and every person": names
        value = said_of_lemma(word)
        if value not in STOPWORDS and len(value) > 1:
            head.append(value)
    return head, qualifier


def _content(tokens: list[str], lowered: list[str], start: int, end: int) -> list[str]:
    """The content lemmas of ``start:end`` without names (the claim is in sentence case)."""
    words = []
    for index in range(start, end):
        word = lowered[index]
        if not word[0].isalpha() or word in STOPWORDS or tokens[index][0].isupper():
            continue
        value = said_of_lemma(word)
        if value not in STOPWORDS and len(value) > 1:
            words.append(value)
    return words
