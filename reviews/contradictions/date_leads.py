"""What a date dates, from the words of its clause before it: the thing named there without who
says it, the claim's subject when the clause has none, and whether the date is a superseded
schedule ("originally set for March")."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from reviews.contradictions import lexicon, value_words
from reviews.contradictions.scopes import is_negator
from reviews.contradictions.text import CLAUSE_BREAKS, STOPWORDS, lemma

if TYPE_CHECKING:
    from reviews.contradictions.quantities import DateMention


def clause_lead(lowered: list[str], phrase: int) -> list[str]:
    """The words of a date's clause before its phrase at ``phrase``, after who says it."""
    begin = phrase
    while begin > 0 and lowered[begin - 1] not in CLAUSE_BREAKS:
        begin -= 1
    reporting = lexicon.reporting_lemmas()
    for cursor in range(phrase - 1, begin - 1, -1):
        if lemma(lowered[cursor]) in reporting:
            return lowered[cursor + 1 : phrase]
    return lowered[begin:phrase]


def subject_lead(lowered: list[str], phrase: int, lead: list[str]) -> list[str]:
    """A date's lead with the claim's opening clause before it when its own clause has no
    subject ("The festival, which had been scheduled for July, was moved to September": the
    festival was moved)."""
    if not lead or lead[0] not in lexicon.SUBJECTLESS_STARTS:
        return lead
    end = 0
    while end < len(lowered) and lowered[end] not in CLAUSE_BREAKS:
        end += 1
    if end + len(lead) >= phrase:
        return lead  # the clause is the claim's first
    return clause_lead(lowered, end) + lead


def lead_words(lead: list[str]) -> list[str]:
    """The lemmas of a lead that can name what a date dates: not its verbs of scheduling, nor a
    phrasal verb ("pushed back", "go ahead"), nor a negator; an event's verb or noun in its
    class (``value_words``: "inaugurated" opens, a walkout is a strike)."""
    schedule = lexicon.schedule_lemmas()
    named = [
        lemma(word)
        for word, following in zip(lead, [*lead[1:], ""], strict=False)
        if word[0].isalpha()
        and word not in STOPWORDS
        and word not in lexicon.PARTICLES
        and following not in lexicon.PARTICLES
        and not is_negator(word)
        and lemma(word) not in schedule
    ]
    return [value_words.word_class(word) for word in named]


def superseded_at(lowered: list[str], phrase: int, lead: list[str]) -> bool:
    """Whether a date is the schedule that was: a marker and a verb of scheduling before it in
    its clause ("originally set for", "had been scheduled for"), or "from" after a verb of
    scheduling ("pushed back from 2026")."""
    schedule = lexicon.schedule_lemmas()
    scheduled = any(lemma(word) in schedule for word in lead)
    if scheduled and phrase and lowered[phrase - 1] == "from":
        return True
    return scheduled and not lexicon.SUPERSEDED_MARKERS.isdisjoint(lead)


def rescheduled(dates: list[DateMention]) -> list[DateMention]:
    """The claim's dates, a new schedule given the words of the one it supersedes ("The
    inquiry's report, initially due in November 2026, has been delayed until 2027": 2027 dates
    the report too)."""
    old = [word for date in dates if date.superseded for word in date.context]
    if not old:
        return dates
    return [
        dataclasses.replace(date, context=date.context + old)
        if not date.superseded and "schedule" in date.events
        else date
        for date in dates
    ]
