"""Clauses of a claim: whose stance a cue states, whether it commits the claim, and the
predicates of the curated tables read with their arguments."""

from __future__ import annotations

import dataclasses

from reviews.contradictions import lexicon
from reviews.contradictions.entities import EntityResolver
from reviews.contradictions.quantities import CONTEXT_WORDS
from reviews.contradictions.scopes import Scopes, is_negator
from reviews.contradictions.text import (
    CLAUSE_BREAKS,
    STOPWORDS,
    is_past_form,
    lemma,
)


@dataclasses.dataclass(frozen=True)
class StanceCue:
    axis: str
    pole: int  # +1 or -1
    cue: str  # the words as written
    # Whose stance, about whom: the entities of the cue's clause (and of the sentence's subject
    # when the clause has none of its own: "Iran's allies, including ..., have been silent").
    holders: list[str] = dataclasses.field(default_factory=list)
    past: bool = False  # said in the simple past: a stance then, not now
    # The content lemmas of the cue's clause before it (who takes the stance, when no entity
    # names them: "the transport minister") and after it (on what: "the Wrexley plant").
    subject: list[str] = dataclasses.field(default_factory=list)
    about: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Predicate:
    """A predicate of the curated table (``lexicon.OPPOSITE_PREDICATES``) as one claim uses
    it: what it is said of, who does it to whom (one-way relations are ``relations``)."""

    key: str  # "hire+": a side of an opposite pair
    text: str  # the words as written
    negated: bool  # under a negation ("was not convicted")
    agent: str  # the lemma of the doer ("" when not said): the subject, or "by X" in a passive
    patient: str  # the lemma of what it is done to ("" when not said)
    agent_text: str = ""  # the agent's words as written
    patient_text: str = ""  # the patient's words as written
    context: list[str] = dataclasses.field(default_factory=list)  # content lemmas around it


def said_of_lemma(word: str) -> str:
    """The lemma by which what a refutation word is said of is compared: a report noun as
    written ("news" is not "new"), any other word by its lemma."""
    return word if word in lexicon.REPORT_NOUNS else lemma(word)


def split_trailing_commas(tokens: list[str]) -> list[str]:
    """ "1945," and "6," are a number then a comma (the tokenizer keeps "1,000" whole)."""
    result: list[str] = []
    for token in tokens:
        if len(token) > 1 and token.endswith(",") and token[0].isdigit():
            result.extend([token[:-1], ","])
        else:
            result.append(token)
    return result


def clause_numbers(lowered: list[str]) -> list[int]:
    """The clause number of each token (a clause break starts a new one)."""
    numbers, current = [], 0
    for word in lowered:
        if word in CLAUSE_BREAKS:
            current += 1
        numbers.append(current)
    return numbers


# What a stance is taken on ends at these: "stands by her minister despite the scandal".
CUE_OBJECT_BREAKS = lexicon.SUBORDINATORS | lexicon.CONCESSIVES | frozenset(["as", "according"])


def clause_words_around(
    lowered: list[str], lemmas_all: list[str], clauses: list[int], start: int, end: int
) -> tuple[list[str], list[str]]:
    """The content lemmas of the clause of the words ``start:end`` before them, and after them
    up to a subordinate or adverbial clause ("... since the scandal broke")."""
    before = [
        lemmas_all[cursor]
        for cursor in range(start)
        if clauses[cursor] == clauses[start] and _content(lowered[cursor])
    ]
    after = []
    for cursor in range(end, len(lowered)):
        if clauses[cursor] != clauses[start] or lowered[cursor] in CUE_OBJECT_BREAKS:
            break
        if _content(lowered[cursor]):
            after.append(lemmas_all[cursor])
    return before, after


def _content(word: str) -> bool:
    return word[0].isalpha() and word not in STOPWORDS and not is_negator(word)


class Holders:
    """Whose stance a cue states, by the entities named for it; resolved lazily (only for
    clauses with a stance cue)."""

    def __init__(
        self, tokens: list[str], lowered: list[str], clauses: list[int], resolver: EntityResolver
    ) -> None:
        self.tokens, self.lowered, self.clauses, self.resolver = tokens, lowered, clauses, resolver
        self.cache: dict[int, list[str]] = {}

    def of_clause(self, number: int) -> list[str]:
        if number not in self.cache:
            words = [t for t, c in zip(self.tokens, self.clauses, strict=True) if c == number]
            self.cache[number] = self.resolver(" ".join(words)) if words else []
        return self.cache[number]

    def _first_word(self, number: int) -> str:
        return next(
            (
                word
                for word, clause in zip(self.lowered, self.clauses, strict=True)
                if clause == number and word not in CLAUSE_BREAKS
            ),
            "",
        )

    def _local(self, position: int) -> list[str]:
        """A holder named next to the cue: a possessor before it ("Iran's unwavering
        support") or an agent after it ("support from Tehran", "backed by the US")."""
        number = self.clauses[position]
        words = [
            self.tokens[cursor]
            for cursor in range(max(0, position - 3), position)
            if self.clauses[cursor] == number and self.lowered[cursor].endswith("'s")
        ]
        after = range(position + 1, min(len(self.tokens), position + 4))
        for cursor in after:
            if self.clauses[cursor] != number:
                break
            if self.lowered[cursor] in {"from", "by"}:
                words.extend(
                    word
                    for later, word in enumerate(self.tokens[cursor + 1 : cursor + 7], cursor + 1)
                    if self.clauses[later] == number
                )
                break
        return self.resolver(" ".join(words)) if words else []

    def of_cue(self, position: int) -> list[str]:
        """The holder named next to the cue; else the entities of the cue's clause, and of the
        sentence's subject when the clause has none of its own ("Iran's allies, including ...,
        have been largely silent"). None when the clause only points back to something said
        before ("This relative silence", "These nations have condemned")."""
        local = self._local(position)
        if local:
            return sorted(set(local))
        number = self.clauses[position]
        first = self._first_word(number)
        earlier: range = range(0)
        if first in lexicon.AUXILIARIES:
            earlier = range(number)
            first = next((word for word in (self._first_word(n) for n in earlier) if word), first)
        if first in lexicon.ANAPHORA:
            return []
        found = set(self.of_clause(number))
        for clause in earlier:
            found.update(self.of_clause(clause))
        return sorted(found)


def said_of_past(lowered: list[str], clauses: list[int], position: int) -> bool:
    """Whether the cue's clause is in the simple past ("positioned Iran as a staunch
    supporter"): a past verb and no present-tense auxiliary. A past form right after an
    article is an adjective ("a multifaceted answer"); a verb of saying ("said", "insisted")
    dates the saying, not the stance said."""
    number = clauses[position]
    indices = [index for index, clause in enumerate(clauses) if clause == number]
    if any(lowered[index] in lexicon.PRESENT_MARKERS for index in indices):
        return False
    for index in indices:
        word = lowered[index]
        if word in lexicon.PAST_MARKERS:
            return True
        if lemma(word) in lexicon.reporting_lemmas():
            continue  # "said on Monday he stands by": the stance is the one said, not the saying
        if is_past_form(word) and (not index or lowered[index - 1] not in lexicon.ARTICLES):
            return True
    return False


def committed(lowered: list[str], clauses: list[int], position: int) -> bool:
    """Whether a stance cue commits its claim: not under "may"/"might"/"could" in its clause
    ("tactical silences may occur") and not conceded ("even amidst tactical silences")."""
    number = clauses[position]
    clause = [word for word, c in zip(lowered, clauses, strict=True) if c == number]
    if lexicon.STANCE_MODALS & set(clause):
        return False
    before = lowered[max(0, position - 4) : position]
    return not (lexicon.CONCESSIVES & set(before))


def antonym_contexts(
    content: list[tuple[int, str]], clauses: list[int], asserted: set[str]
) -> dict[str, list[str]]:
    """For each asserted word with a WordNet antonym, the content words next to it in its
    clause (up to three each side): what the word is said of. ``content`` is the claim's
    content words as (token position, lemma). A word right before another content word
    modifies it ("primary schools", "the general election", "National Human Rights"): it
    names a kind of the thing, and another kind is not its opposite, so it is left out."""
    table = lexicon.antonyms()
    candidates = {value for _, value in content if value in table} & asserted
    candidates -= lexicon.WEAK_ANTONYM_LEMMAS
    contexts: dict[str, list[str]] = {}
    if not candidates:
        return contexts
    positions = {position for position, _ in content}
    for rank, (position, value) in enumerate(content):
        if value not in candidates or position + 1 in positions:
            continue
        neighbours = contexts.setdefault(value, [])
        for other_position, other in content[max(0, rank - 3) : rank + 4]:
            same_clause = clauses[other_position] == clauses[position]
            if same_clause and other != value and other not in neighbours:
                neighbours.append(other)
    return contexts


def is_time_word(word: str) -> bool:
    """Whether a lower-cased word names a time: a day, a month, "last", "week" (never a doer)."""
    return word in lexicon.TIME_WORDS or word.rstrip(".") in lexicon.MONTHS


BE_FORMS = frozenset(["is", "are", "was", "were", "be", "been", "being", "get", "got"])
# Adjectives of the curated table: said of the one thing before them ("found the treasurer
# guilty of fraud", "is alive"), never done to what follows.
STATE_ADJECTIVES = frozenset(["guilty", "innocent", "alive", "dead"])
# Words that open an adverbial or relative clause: the end of a predicate's argument.
CLAUSE_OPENERS = lexicon.SUBORDINATORS | lexicon.CONCESSIVES | lexicon.CONCESSIVE_BREAKS


def _argument(
    tokens: list[str], content_at: dict[int, str], clauses: list[int], start: int, step: int
) -> tuple[str, str]:
    """The run of content words (up to three) nearest to token ``start`` in direction
    ``step``, inside the clause of ``start`` ("Acme Corp" before a verb, "Beta" after it): its
    lemmas (sorted, for comparing) and its words as written. A time word ("the council on
    Monday rejected", "hired last week") is passed over: it says when, not who or what."""
    if not 0 <= start < len(clauses) or tokens[start].lower() in CLAUSE_BREAKS:
        return "", ""  # "is alive, supporters say": nothing of the next clause
    clause, cursor = clauses[start], start
    run: list[int] = []
    while 0 <= cursor < len(clauses) and clauses[cursor] == clause and len(run) < 3:
        word = tokens[cursor].lower()
        if word in CLAUSE_OPENERS:
            break  # "staying on despite the findings": "despite" opens a clause, no argument
        if not run and step < 0 and is_past_form(word):
            pass  # "the budget showed a surplus": the verb before a noun is not its subject
        elif is_time_word(word):
            if run:
                break
        elif cursor in content_at:
            run.append(cursor)
        elif run:
            break
        cursor += step
    run.sort()
    if step < 0 and run:
        # "the pilot of the light aircraft survived": the head is before "of"
        before = run[0] - 1
        while before > 0 and tokens[before].lower() in lexicon.ARTICLES:
            before -= 1
        if before > 0 and tokens[before].lower() == "of" and clauses[before] == clause:
            head = before - 1
            while head - 1 >= 0 and head - 1 in content_at and before - head < 2:
                head -= 1
            if before - 1 in content_at and clauses[head] == clause:
                run = [*range(head, before), *run]
    return (
        " ".join(sorted(content_at[cursor] for cursor in run)),
        " ".join(tokens[cursor] for cursor in run),
    )


VERB_MARKERS = frozenset(["will", "would", "to", "can", "could", "may", "might", "must", "did"])


def verbs_by_form(lowered: list[str], content: list[tuple[int, str]]) -> list[str]:
    """The content lemmas whose words are verbs by their form: a past tense ("killed",
    "died"), or right after a modal or "to" ("will close", "to spend")."""
    verbs: list[str] = []
    for position, value in content:
        word = lowered[position]
        after_marker = position > 0 and lowered[position - 1] in VERB_MARKERS
        if (is_past_form(word) or after_marker) and value not in verbs:
            verbs.append(value)
    return verbs


def predicates_read(
    tokens: list[str],
    lowered: list[str],
    lemmas_all: list[str],
    scopes: Scopes,
    clauses: list[int],
    content: list[tuple[int, str]],
) -> list[Predicate]:
    """The curated predicates the claim uses, with their arguments: a passive ("was hired by
    Volta") is read agent first, so "Volta hired Ana Ruiz" and "Ana Ruiz was hired by Volta"
    have the same agent and patient."""
    phrases = lexicon.predicate_phrases()
    content_at = dict(content)
    found: list[Predicate] = []
    position = 0
    while position < len(lowered):
        meanings: list[str] = []
        length = 1
        for size in (2, 1):
            key = tuple(lemmas_all[position : position + size])
            if len(key) == size and key in phrases:
                meanings = list(phrases[key])
                length = size
                break
        if not meanings or scopes.demoted[position]:
            position += 1
            continue
        end = position + length
        subjects: dict[str, tuple[str, str]] = {}  # a key read from the subject only
        agent = _argument(tokens, content_at, clauses, position - 1, -1)
        patient = _argument(tokens, content_at, clauses, end, 1)
        before = lowered[max(0, position - 2) : position]
        word = lowered[position]
        participle = is_past_form(word) or word.endswith("ed")
        passive = bool(BE_FORMS & set(before) and participle)
        subject = agent
        if passive:
            # a passive: the subject is what it was done to; the agent follows "by"
            by = next(
                (c for c in range(end, min(end + 2, len(lowered))) if lowered[c] == "by"), None
            )
            agent, patient = (
                _argument(tokens, content_at, clauses, by + 1, 1) if by is not None else ("", ""),
                agent,
            )
        context = [
            value
            for other, value in content
            if abs(other - position) <= CONTEXT_WORDS
            and clauses[other] == clauses[position]
            and not position <= other < end
        ]
        negated = scopes.negated[position] or scopes.embedded[position]
        for meaning in list(meanings):
            outcome = lexicon.opposites_by_name()[meaning[:-1]].outcome
            if outcome:
                # "Rovers were defeated", "Rovers lost to Town": what the subject came to
                side = meaning[-1] if not passive else lexicon.opposite_key(meaning)[-1]
                meanings.append(outcome + side)
                subjects[outcome + side] = subject
        if word in STATE_ADJECTIVES:
            patient = ("", "")  # "found the treasurer guilty of fraud": said of the treasurer
        for meaning in meanings:
            if meaning in subjects:
                agent, patient = subjects[meaning], ("", "")
            found.append(
                Predicate(
                    key=meaning,
                    text=" ".join(tokens[position:end]),
                    negated=negated,
                    agent=agent[0],
                    patient=patient[0],
                    agent_text=agent[1],
                    patient_text=patient[1],
                    context=context,
                )
            )
        position = end
    return found


def denied_subject(
    lowered: list[str], lemmas_all: list[str], scopes: Scopes, clauses: list[int]
) -> list[str]:
    """The subject of a claim that denies its own predicate in its main statement ("Tiger
    Woods not banned", "The pumpkin spice condom is not happening"): the content lemmas
    before the first such negator in its clause. Empty for a question, a determiner ("no
    evidence"), or a denial inside a relative or adverbial clause."""
    if "?" in lowered:
        return []
    for index, word in enumerate(lowered):
        no_longer = word == "no" and lowered[index + 1 : index + 2] == ["longer"]
        if not is_negator(word) or (word in lexicon.DETERMINER_NEGATORS and not no_longer):
            continue  # "no evidence" denies a noun; "no longer chairs" denies the predicate
        if not any(scopes.negated[index + 1 : index + 1 + lexicon.DENIAL_REACH]):
            continue
        before = [position for position in range(index) if clauses[position] == clauses[index]]
        if any(lowered[position] in ("and", "yet") for position in before):
            return []  # "recommends it and does not require it": a second predicate is denied
        return [
            lemmas_all[position]
            for position in before
            if lowered[position][0].isalpha()
            and lowered[position] not in STOPWORDS
            and not is_negator(lowered[position])
        ]
    return []
