"""Answers to yes-or-no questions: the answers a claim gives ("a resounding yes", "there is no
easy answer") and the words of the question it answers, for the answer kind of stance
(``detect_reports.detect_answer``)."""

from __future__ import annotations

from reviews.contradictions import lexicon
from reviews.contradictions.scopes import is_negator
from reviews.contradictions.text import CLAUSE_BREAKS, STOPWORDS, lemma


def answer_polarities(lowered: list[str]) -> list[tuple[str, str]]:
    """The answers a claim gives to a yes-or-no question, as (polarity, words): "yes" or "no"
    for an unqualified answer ("a resounding yes", "the answer is no"), "mixed" for a claim
    that the answer is not a simple yes or no ("transcends simple yes or no", "there is no
    easy answer", "not a simple yes"). A bare "no" is a determiner ("no evidence"), not an
    answer, unless something marks it as one."""
    found: list[tuple[str, str]] = []
    for index, word in enumerate(lowered):
        window = lowered[max(0, index - lexicon.ANSWER_REACH) : index]
        if word == "answer" and lexicon.SIMPLE_ANSWER & set(window):
            said = [
                i
                for i, other in enumerate(window)
                if other in lexicon.ANSWER_DENIALS or is_negator(other)
            ]
            if said:
                found.append(("mixed", " ".join([*window[said[0] :], word])))
            continue
        if word not in ("yes", "no"):
            continue
        following = lowered[index + 1 : index + 3]
        preceding = lowered[index - 2 : index] if index >= 2 else lowered[:index]
        if word == "yes" and following[:2] in (["or", "no"], ["nor", "no"]):
            if lowered[index + 3 : index + 4] and lowered[index + 3] in lexicon.ANSWER_FORMATS:
                continue  # "a simple yes or no question": the form of a question, not an answer
            found.append(("mixed", " ".join([*window[-2:], word, *following])))
            continue
        if preceding[-2:] in (["yes", "or"], ["yes", "nor"]):
            continue  # the "no" of "yes or no", read with its "yes"
        strongly_marked = bool(lexicon.ANSWER_MARKERS & set(preceding))
        marked = strongly_marked or bool(lexicon.ANSWER_COPULAS & set(preceding))
        marked = marked or "answer" in window
        ends = (
            not following or following[0] in CLAUSE_BREAKS or following[0] in lexicon.PREPOSITIONS
        )
        if word == "no" and not (ends or strongly_marked):
            continue  # "is no evidence", "no simple answer": a determiner, not an answer
        if not marked:
            continue
        qualified = lexicon.SIMPLE_ANSWER & set(preceding) and any(
            is_negator(other) for other in window
        )
        found.append(("mixed" if qualified else word, " ".join([*preceding, word])))
    return found


def question_words(lowered: list[str]) -> list[str]:
    """The content lemmas of the yes-or-no question a claim answers: the words before a "?"
    back to the previous break ("Is the river safe to swim in?"), or after "whether" or "if"
    to the end of the clause ("asked whether the plant would close, ...")."""
    words: list[str] = []
    start = 0
    for index, word in enumerate(lowered):
        if word == "?":
            run = lowered[start:index]
        elif word in ("whether", "if"):
            end = index + 1
            while end < len(lowered) and lowered[end] not in CLAUSE_BREAKS:
                end += 1
            run = lowered[index + 1 : end]
        else:
            if word in CLAUSE_BREAKS and word != "?":
                start = index + 1
            continue
        for token in run:
            value = lemma(token)
            answer_word = token in lexicon.ANSWER_VOCABULARY
            if (
                token[0].isalpha()
                and token not in STOPWORDS
                and not answer_word
                and value not in words
            ):
                words.append(value)
        start = index + 1
    return words
