"""Verb frames: a claim's verbs with what they are done to, by whom, and the phrases after them.

A negation denies a predicate of its arguments ("has not lifted its price freeze"); whether it
denies what another claim asserts depends on those arguments ("lifted the hosepipe ban": another
thing lifted). The frames are read from the claim's tokens once (``features_extract``) and
stored with its features, so the negation detector compares arguments, not word sets.

Read by word form, not by a parse: a verb is a content word in the form of a past tense or
participle, after an auxiliary, a modal, "to" or a negator, or a predicate of the curated
table (``lexicon.OPPOSITE_PREDICATES``); a word after an article is a modifier ("the adopted
godmother"), not a verb. What is not read as a frame is not compared.
"""

from __future__ import annotations

import dataclasses
import functools

from reviews.contradictions import lexicon
from reviews.contradictions.clauses import BE_FORMS, VERB_MARKERS, is_time_word
from reviews.contradictions.scopes import Scopes, is_negator, is_yet_to
from reviews.contradictions.text import (
    NEGATION_CONTRACTIONS,
    SCOPE_BREAKS,
    STOPWORDS,
    is_past_form,
    lemma,
)

# Between a negator and the verb it denies: auxiliaries and adverbs ("has not yet been
# arrested", "isn't going to be selling", "didn't actually adopt").
VERB_CHAIN = BE_FORMS | lexicon.AUXILIARIES | frozenset(["going", "to", "yet", "ever", "even"])
# Before a word, these make it a modifier of a noun, not a verb ("the trapped miners").
MODIFIER_MARKERS = lexicon.ARTICLES | frozenset(
    ["this", "that", "these", "those", "my", "your", "new", "other", "own", "further"]
)
# Prepositions whose phrase after a verb is one of its arguments or adjuncts ("arrested a man
# over the fire", "cancelled flights from Corran airport").
FRAME_PREPOSITIONS = lexicon.PREPOSITIONS | frozenset(
    [
        "over",
        "against",
        "during",
        "into",
        "across",
        "under",
        "after",
        "to",
        "toward",
        "towards",
        "among",
        "amid",
        "around",
        "round",
        "like",
        "near",
        "within",
        "beyond",
        "behind",
        "along",
        "alongside",
        "through",
        "throughout",
        "between",
        "outside",
        "inside",
        "beside",
    ]
)
# Before a participle, these make it a verb ("has withdrawn", "had taken"); the participle is
# read by its ending, since "has plans" is not a verb.
PERFECT_AUXILIARIES = frozenset(["has", "have", "had", "hasn't", "haven't", "hadn't"])
PARTICIPLE_ENDINGS = ("en", "wn", "un")
NOUN_PHRASE_WORDS = 5  # a noun phrase is read to at most this many content words


@functools.lru_cache(maxsize=50_000)
def verb_key(value: str) -> str:
    """One key for a verb lemma in its forms and class: "agreed" and "agree" (the stemmer
    keeps "-eed"), "hurt" and "injure" (``lexicon.VERB_CLASSES``)."""
    value = lexicon.VERB_CLASSES.get(value, value)
    if value.endswith("eed") and len(value) > 4:
        return value[:-2]
    return value[:-1] if value.endswith("e") and len(value) > 3 else value


@dataclasses.dataclass(frozen=True)
class Frame:
    """One verb of a claim with its arguments, as content lemmas. A passive is read as its
    active ("the man was not arrested by police": agent police, patient man)."""

    verb: str  # the verb's lemma
    text: str  # the verb as written
    negated: bool  # denied by a negator right before it, in the claim's main statement
    agent: list[str] = dataclasses.field(default_factory=list)  # the doer's words, head last
    patient: list[str] = dataclasses.field(default_factory=list)  # what it is done to
    patient_text: str = ""  # the patient's words as written
    # The prepositional phrases after it, each as [preposition, lemma, lemma, ...]
    phrases: list[list[str]] = dataclasses.field(default_factory=list)


def _content(lowered: list[str], position: int) -> bool:
    word = lowered[position]
    return word[0].isalpha() and word not in STOPWORDS and not is_negator(word)


def _noun_phrase(
    lowered: list[str], lemmas_all: list[str], clauses: list[int], start: int
) -> tuple[list[str], int]:
    """The content lemmas of the noun phrase from ``start`` ("its price freeze", "the merger
    of Telnor and Vesta Media"), time words left out, and where it ends. It ends at a
    preposition other than "of", a clause break, or an article after a noun (a second object:
    "paid its contractors the invoices"), and its end is after its last content word."""
    words: list[str] = []
    cursor = end = start
    while cursor < len(lowered) and clauses[cursor] == clauses[start]:
        word = lowered[cursor]
        if len(words) >= NOUN_PHRASE_WORDS or word in SCOPE_BREAKS:
            break
        if word in ("of", "and") and words:
            cursor += 1
            continue
        number = word[0].isdigit() or (
            cursor > start and lowered[cursor - 1][0].isdigit() and word in STOPWORDS
        )
        if word in MODIFIER_MARKERS or number or word.endswith("ly"):
            # "its", "a 34-year-old man", "newly": no argument of their own
            if words and word in lexicon.ARTICLES:
                break
            cursor += 1
            continue
        if word in FRAME_PREPOSITIONS or not _content(lowered, cursor):
            break
        cursor += 1
        if not is_time_word(word):
            words.append(lemmas_all[cursor - 1])
            end = cursor
    return words, end


def _subject(
    lowered: list[str], lemmas_all: list[str], clauses: list[int], end: int
) -> tuple[list[str], int]:
    """The content lemmas of the nearest run of content words before ``end`` in its clause,
    head last ("The company's chief executive resigned" -> company, chief, executive; "Night
    nurses at the Rowley infirmary" -> rowley, infirmary, night, nurse), and where it
    starts."""
    run: list[str] = []
    start = end
    cursor = end - 1
    while cursor >= 0 and clauses[cursor] == clauses[end]:
        word = lowered[cursor]
        if is_time_word(word) or (not run and (word in MODIFIER_MARKERS or is_past_form(word))):
            cursor -= 1  # "stayed closed", "on Monday": no part of the subject
            continue
        if run and is_past_form(word):
            break  # "found the former treasurer guilty": a verb ends the subject
        if _content(lowered, cursor):
            run.insert(0, lemmas_all[cursor])
            start = cursor
        elif run and word not in MODIFIER_MARKERS:
            break
        if len(run) >= NOUN_PHRASE_WORDS:
            break
        cursor -= 1
    before = start - 1
    while before > 0 and lowered[before] in MODIFIER_MARKERS:
        before -= 1
    if run and before > 0 and lowered[before] in lexicon.PREPOSITIONS:
        # "Night nurses at the Rowley infirmary": the head is before the preposition
        head, head_start = _subject(lowered, lemmas_all, clauses, before)
        if head:
            return run + head, head_start
    return run, start


def _phrases(
    lowered: list[str], lemmas_all: list[str], clauses: list[int], start: int
) -> list[list[str]]:
    """The prepositional phrases from ``start`` to the end of its clause, each as its
    preposition then its noun phrase's lemmas (a time alone is left out: "on Monday")."""
    found: list[list[str]] = []
    cursor = start
    while cursor < len(lowered) and clauses[cursor] == clauses[start]:
        word = lowered[cursor]
        if word in FRAME_PREPOSITIONS:
            words, end = _noun_phrase(lowered, lemmas_all, clauses, cursor + 1)
            if words:
                found.append([word, *words])
            cursor = max(end, cursor + 1)
            continue
        cursor += 1
    return found


def _chain_start(lowered: list[str], position: int) -> int:
    """Where the auxiliaries, negators and adverbs before a verb begin ("has not yet been
    arrested")."""
    cursor = position
    while cursor > 0:
        previous = lowered[cursor - 1]
        if previous in VERB_CHAIN or is_negator(previous) or previous.endswith("ly"):
            cursor -= 1
            continue
        break
    return cursor


def _passive_chain(chain: list[str]) -> bool:
    """Whether a verb's chain has a form of "be" ("was", "has been", "wasn't")."""
    return any(word in BE_FORMS or NEGATION_CONTRACTIONS.get(word) == "be" for word in chain)


def _is_verb(lowered: list[str], position: int) -> bool:
    """Whether the content word at ``position`` is a verb by its form and place."""
    word = lowered[position]
    previous = lowered[position - 1] if position else ""
    if previous in MODIFIER_MARKERS:
        return False  # "the adopted godmother", "its overdue invoices"
    if is_past_form(word) or previous in VERB_MARKERS:
        return True
    if previous in PERFECT_AUXILIARIES and word.endswith(PARTICIPLE_ENDINGS):
        return True  # "has withdrawn the reading test"
    if (lemma(word),) in lexicon.predicate_phrases():
        return True  # a predicate of the curated table ("axed", "leads", "guilty")
    chain = lowered[_chain_start(lowered, position) : position]
    if word.endswith("ing"):
        return _passive_chain(chain)  # "is not happening", not "the building"
    return any(is_negator(other) for other in chain) and not _passive_chain(chain)


def frames_read(
    tokens: list[str],
    lowered: list[str],
    lemmas_all: list[str],
    scopes: Scopes,
    clauses: list[int],
    entities: list[str],
) -> list[Frame]:
    """The claim's verbs by form with their arguments. A verb is denied when a negator of its
    chain denies it in the main statement ("has not lifted"); one in an embedded clause or set
    aside ("might not", "not only") is neither denied nor read, and a word of a named entity
    is never a verb ("crossings to Brannock")."""
    names = {word.lower() for name in entities for word in name.split()}
    frames: list[Frame] = []
    for position in range(len(lowered)):
        word = lowered[position]
        if not _content(lowered, position) or word in names or word in FRAME_PREPOSITIONS:
            continue
        if not _is_verb(lowered, position):
            continue
        if scopes.demoted[position] or scopes.embedded[position]:
            continue
        start = _chain_start(lowered, position)
        chain = lowered[start:position]
        yet_to = any(is_yet_to(chain, index) for index in range(len(chain)))
        negated = scopes.negated[position] and (
            any(is_negator(word) and word not in lexicon.DETERMINER_NEGATORS for word in chain)
            or yet_to
        )
        if scopes.negated[position] and not negated:
            continue  # denied by a negator further back ("no one was arrested"): not read
        subject, subject_start = _subject(lowered, lemmas_all, clauses, start)
        after = position + 1
        if after < len(lowered) and lowered[after] in lexicon.PARTICLES:
            after += 1  # "switched off the signal": the particle is the verb's
        patient, end = _noun_phrase(lowered, lemmas_all, clauses, after)
        patient_text = " ".join(tokens[after:end]) if patient else ""
        phrases = _phrases(lowered, lemmas_all, clauses, end)
        # "using X to respond": the doer is not X; "X has yet to respond": it is
        agent = [] if "to" in chain and not yet_to else subject
        if _passive_chain(chain) and is_past_form(lowered[position]):
            # a passive: the subject is what it was done to, the doer follows "by"
            agent = next((phrase[1:] for phrase in phrases if phrase[0] == "by"), [])
            phrases = [phrase for phrase in phrases if phrase[0] != "by"]
            patient, patient_text = subject, " ".join(tokens[subject_start:start])
        frames.append(
            Frame(
                verb=lemmas_all[position],
                text=tokens[position],
                negated=negated,
                agent=agent,
                patient=patient,
                patient_text=patient_text,
                phrases=phrases,
            )
        )
    return frames
