"""Claim features: everything the detectors compare, extracted once per claim text.

``features_extract`` is pure (text in, ``ClaimFeatures`` out) and fast enough to run on every
claim of a sweep; the result is stored as JSON so a check never parses a stored claim again.
The entity function is injected (``entities.EntityResolver``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import TYPE_CHECKING, Any

from reviews.contradictions import lexicon
from reviews.contradictions.entities import EntityResolver, default_resolver
from reviews.contradictions.text import (
    CLAUSE_BREAKS,
    NEGATION_CONTRACTIONS,
    PAST_FORMS,
    SCOPE_BREAKS,
    STOPWORDS,
    lemma,
    tokenize,
)

NEGATION_SCOPE_WORDS = 4  # a negator governs at most this many following content words
MAX_SCOPE_TOKENS = 8  # ... within this many tokens of its clause
CONTEXT_WORDS = 6  # the words around a date or number that say what it is about
# "20-30 people", "$5-10 million" (or an en dash): a dash between numbers is a range
RANGE_DASH = re.compile(r"(?<=\d)\s*[-\u2013]\s*(?=[$\u20ac\u00a3]?\d)")
WITHDRAWAL_REACH = 3  # a withdrawal verb governs a commitment word this many tokens after it


@dataclasses.dataclass(frozen=True)
class Quantity:
    """A number with the interval it is compatible with, its unit and what it counts."""

    text: str
    low: float
    high: float
    unit: str  # "money:usd", "percent", "count"
    measure: str  # lemma of the thing counted ("bodies" -> "body"); "" when unknown
    context: list[str] = dataclasses.field(default_factory=list)  # content lemmas around it


@dataclasses.dataclass(frozen=True)
class DateMention:
    text: str
    year: int
    month: int
    day: int  # 0 when not given
    context: list[str]  # content lemmas near the date: the event it dates
    events: list[str] = dataclasses.field(default_factory=list)  # past-tense verbs among them


@dataclasses.dataclass(frozen=True)
class StanceCue:
    axis: str
    pole: int  # +1 or -1
    cue: str  # the words as written
    # Whose stance, about whom: the entities of the cue's clause (and of the sentence's subject
    # when the clause has none of its own: "Iran's allies, including ..., have been silent").
    holders: list[str] = dataclasses.field(default_factory=list)
    past: bool = False  # said in the simple past: a stance then, not now


@dataclasses.dataclass(frozen=True)
class Predicate:
    """A predicate of the curated tables (``lexicon.OPPOSITE_PREDICATES``, the asymmetric
    relations) as one claim uses it: what it is said of, who does it to whom."""

    key: str  # "hire+" (a side of an opposite pair) or "rel:acquir" (an asymmetric relation)
    text: str  # the words as written
    negated: bool  # under a negation ("was not convicted")
    agent: str  # the lemma of the doer ("" when not said): the subject, or "by X" in a passive
    patient: str  # the lemma of what it is done to ("" when not said)
    agent_text: str = ""  # the agent's words as written
    patient_text: str = ""  # the patient's words as written
    context: list[str] = dataclasses.field(default_factory=list)  # content lemmas around it


@dataclasses.dataclass(frozen=True)
class FeatureSets:
    """Set views of one claim's features, built once per claim and reused for every pair."""

    lemmas: frozenset[str]
    asserted: frozenset[str]
    negated: frozenset[str]  # all denied words, in main or embedded clauses
    negated_embedded: frozenset[str]  # denied inside a relative or adverbial clause only
    entities: frozenset[str]
    entity_words: frozenset[str]  # the words of the canonical entity names
    measures: frozenset[str]  # quantity kinds a number could clash on ("count:body", "percent")
    # Each stance axis taken a clear side on (mixed signals count as no side): the pole, the
    # first cue's words, whose stance it is (the cues' holders), and whether every cue is said
    # of the past.
    sides: dict[str, tuple[int, str, frozenset[str], bool]]
    poles: frozenset[tuple[str, int]]  # (stance axis, pole) for axes taken a clear side on
    opposite_poles: frozenset[tuple[str, int]]
    quantifier_nouns: frozenset[str]
    antonyms: frozenset[str]  # WordNet opposites of the asserted words (weak ones left out)
    predicate_keys: frozenset[str]  # keys of the asserted predicates
    relation_keys: frozenset[str]  # keys of the asserted one-way relations ("rel:acquir")
    opposite_keys: frozenset[str]  # the opposite side of each asserted opposite predicate
    years: frozenset[int]  # the years the claim's dates name
    verbs: frozenset[str]  # lemmas of the claim's words that are verbs by their form
    # The measure-frame predicates it asserts, by entry name ("rise" for rose or fell).
    movements: frozenset[str]
    # Its content lemmas without month names and the verbs of its dates' events: what its
    # dates are dates of.
    undated: frozenset[str]


def measure_key(quantity: Quantity) -> str:
    """Two quantities are comparable when their keys are equal (a bare count never is)."""
    if quantity.unit != "count":
        return quantity.unit
    return f"count:{quantity.measure}" if quantity.measure else ""


@dataclasses.dataclass(frozen=True)
class ClaimFeatures:
    lemmas: list[str]  # content lemmas, in order of first appearance
    asserted: list[str]  # content lemmas outside any negation
    negated: list[str]  # content lemmas inside a negation's scope
    negation_cues: list[str]
    entities: list[str]
    hedges: list[str]
    quantities: list[Quantity]
    dates: list[DateMention]
    stances: list[StanceCue]
    refutations: list[tuple[str, str, str]]  # (words as written, what it means, noun after)
    quantifiers: list[tuple[str, str]]  # ("all" | "none", noun lemma)
    question: bool
    # Denied words whose negation sits in a relative or adverbial clause ("an employee who
    # hadn't been to work"): the claim does not deny them as its main statement.
    negated_embedded: list[str] = dataclasses.field(default_factory=list)
    # Asserted words with a WordNet antonym -> the content words next to them (what they say
    # something about): "dead" in "Hugh Hefner is dead" -> ["hugh", "hefner"].
    antonym_contexts: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    predicates: list[Predicate] = dataclasses.field(default_factory=list)
    # Lemmas of words that are verbs by their form (past tense, or after "will", "to", a
    # modal): what a claim says happened, not what it is about.
    verbs: list[str] = dataclasses.field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    if TYPE_CHECKING:
        # Set views of these features: a plain attribute, not a field (not in ``to_json`` or
        # comparisons), declared only for type checkers so that dataclasses do not see it.
        sets: FeatureSets = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once per claim, eagerly, as a plain attribute: a sweep reads them about 20
        # times per pair for millions of pairs, and a property costs a call on every read
        # (``functools.cached_property`` also takes a lock on every read in Python 3.11).
        object.__setattr__(self, "sets", self._make_sets())

    def _make_sets(self) -> FeatureSets:
        sides = self._sides()
        poles = frozenset((axis, side[0]) for axis, side in sides.items())
        return FeatureSets(
            lemmas=frozenset(self.lemmas),
            asserted=frozenset(self.asserted),
            negated=frozenset(self.negated) | frozenset(self.negated_embedded),
            negated_embedded=frozenset(self.negated_embedded) - frozenset(self.negated),
            entities=frozenset(self.entities),
            entity_words=frozenset(lemma(word) for name in self.entities for word in name.split()),
            measures=frozenset(filter(None, (measure_key(q) for q in self.quantities))),
            sides=sides,
            poles=poles,
            opposite_poles=frozenset((axis, -pole) for axis, pole in poles),
            quantifier_nouns=frozenset(noun for _, noun in self.quantifiers),
            antonyms=frozenset(
                opposite
                for word in self.antonym_contexts
                for opposite in lexicon.antonyms().get(word, ())
            ),
            predicate_keys=frozenset(p.key for p in self.predicates if not p.negated),
            relation_keys=frozenset(
                p.key for p in self.predicates if not p.negated and p.key.startswith("rel:")
            ),
            opposite_keys=frozenset(
                _opposite_key(p.key) for p in self.predicates if not p.negated and p.key[-1] in "+-"
            ),
            years=frozenset(date.year for date in self.dates if date.year),
            verbs=frozenset(self.verbs),
            movements=self._movements(),
            undated=self._undated(),
        )

    def _movements(self) -> frozenset[str]:
        entries = lexicon.opposites_by_name()
        return frozenset(
            p.key[:-1]
            for p in self.predicates
            if not p.negated and p.key[-1] in "+-" and entries[p.key[:-1]].frame == "measure"
        )

    def _undated(self) -> frozenset[str]:
        events = {event for date in self.dates for event in date.events}
        schedule = lexicon.schedule_lemmas() if "schedule" in events else frozenset()
        return frozenset(self.lemmas) - lexicon.MONTHS.keys() - events - schedule

    def _sides(self) -> dict[str, tuple[int, str, frozenset[str], bool]]:
        seen: dict[str, set[int]] = {}
        cue_words: dict[str, str] = {}
        holders: dict[str, set[str]] = {}
        past: dict[str, bool] = {}
        for cue in self.stances:
            seen.setdefault(cue.axis, set()).add(cue.pole)
            cue_words.setdefault(cue.axis, cue.cue)
            holders.setdefault(cue.axis, set()).update(cue.holders)
            past[cue.axis] = past.get(cue.axis, True) and cue.past
        return {
            axis: (poles.pop(), cue_words[axis], frozenset(holders[axis]), past[axis])
            for axis, poles in seen.items()
            if len(poles) == 1
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimFeatures:
        return cls(
            lemmas=data["lemmas"],
            asserted=data["asserted"],
            negated=data["negated"],
            negation_cues=data["negation_cues"],
            entities=data["entities"],
            hedges=data["hedges"],
            quantities=[Quantity(**item) for item in data["quantities"]],
            dates=[DateMention(**item) for item in data["dates"]],
            stances=[StanceCue(**item) for item in data["stances"]],
            refutations=[(item[0], item[1], item[2]) for item in data["refutations"]],
            quantifiers=[(item[0], item[1]) for item in data["quantifiers"]],
            question=data["question"],
            negated_embedded=data.get("negated_embedded", []),
            antonym_contexts=data.get("antonym_contexts", {}),
            predicates=[Predicate(**item) for item in data.get("predicates", [])],
            verbs=data.get("verbs", []),
        )


def _opposite_key(key: str) -> str:
    return key[:-1] + ("-" if key[-1] == "+" else "+")


def _is_negator(lowered: str) -> bool:
    return (
        lowered in lexicon.NEGATORS or lowered in NEGATION_CONTRACTIONS or lowered.endswith("n't")
    )


@dataclasses.dataclass
class _Scopes:
    """Per token: denied, denied inside an embedded clause, or set aside (neither said nor
    denied); and the negators that denied something."""

    negated: list[bool]
    embedded: list[bool]
    demoted: list[bool]
    qualified: list[bool]  # under "not necessarily", "not always": set aside, leaning against
    cues: list[str]


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


def _scopes(lowered: list[str]) -> _Scopes:
    """Which tokens a negation governs, which are set aside ("not merely X but Y",
    "not necessarily X", "might not X", "X, not Y")."""
    scopes = _Scopes(
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
        if not _is_negator(word) or (word == "unlikely" and following not in {"to", "that"}):
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
        ):
            # "not merely X", "not necessarily X", "might not X", "Don't reset" (a request),
            # "doesn't last more than a day" (a bound): X is neither said nor denied
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
    return scopes


def _parse_number(token: str) -> tuple[float, int] | None:
    """(value, precision exponent): "2.1" -> (2.1, -1); "1,000" -> (1000.0, 3)."""
    digits = token.lstrip("$€£ ").rstrip("%").replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    if "." in digits:
        return value, -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    return value, (len(digits) - len(stripped)) if stripped else 0


def _quantity(
    tokens: list[str], lowered: list[str], index: int
) -> tuple[Quantity | None, DateMention | None, int]:
    """The number at ``index`` as a quantity or a date, and how many tokens it used."""
    token = tokens[index]
    parsed = _parse_number(token)
    if parsed is None:
        return None, None, 1
    value, exponent = parsed
    used = 1
    previous_word = lowered[index - 1].rstrip(".") if index > 0 else ""
    next_word = lowered[index + 1].rstrip(".") if index + 1 < len(lowered) else ""
    month_near = previous_word in lexicon.MONTHS or (
        next_word in lexicon.MONTHS and next_word != "may"
    )
    if month_near and exponent >= 0 and 1 <= value <= 31:
        return None, None, 1  # the day of a date ("August 6, 1945", "4 March"): not a number
    unit = "count"
    if token[0] in "$€£":
        unit = lexicon.CURRENCY_WORDS[token[0]]
    previous = lowered[index - 1] if index > 0 else ""
    if previous in lexicon.CURRENCY_WORDS:
        unit = lexicon.CURRENCY_WORDS[previous]
    if token.endswith("%"):
        unit = "percent"
    scale = 1
    nxt = lowered[index + 1] if index + 1 < len(lowered) else ""
    if nxt in lexicon.SCALES:
        scale = lexicon.SCALES[nxt]
        used += 1
    after = lowered[index + used] if index + used < len(lowered) else ""
    if after in {"percent", "per"}:
        unit = "percent"
        used += 2 if after == "per" else 1
    elif lemma(after) in lexicon.CURRENCY_WORDS:
        unit = lexicon.CURRENCY_WORDS[lemma(after)]
        used += 1
    is_plain_integer = scale == 1 and unit == "count" and exponent >= 0 and "," not in token
    dated = previous_word in lexicon.MONTHS or previous_word in {"in", "since", "until", "by"}
    if (
        is_plain_integer
        and len(token) == 4
        and (1800 <= value <= 2100 or (dated and value >= 1000))
    ):
        return None, _date(tokens, lowered, index, int(value)), used
    measure = ""
    end = index + used
    for cursor in range(index + used, min(index + used + 3, len(lowered))):
        word = lowered[cursor]
        if word in CLAUSE_BREAKS:
            break
        if word[0].isalpha() and word not in STOPWORDS:
            measure = lemma(word)
            end = cursor + 1
            break
    # Rounded numbers stand for an interval: "2 million" is 1.5 to 2.5 million.
    if scale > 1:
        tolerance = 0.5 * 10.0**exponent * scale if exponent < 0 else 0.5 * scale
    elif exponent > 0:
        tolerance = 0.25 * 10.0**exponent
    elif exponent == 0 and unit != "count":
        tolerance = 0.5  # "62 percent" is 61.5 to 62.5 percent, "$3" is $2.50 to $3.50
    else:
        tolerance = 0.0
    amount = value * scale
    low, high = amount - tolerance, amount + tolerance
    if scale == 1 and exponent == 0 and "." not in token and unit == "count":
        high = amount + 0.999  # a whole number may be cut short: "12-inch" covers 12.9 inches
    before = {lowered[cursor] for cursor in range(max(0, index - 3), index)}
    if before & lexicon.APPROXIMATORS:
        low, high = min(low, amount * 0.85), max(high, amount * 1.15)
    if (before & lexicon.LOWER_BOUNDS and "than" in before) or {"least", "over", "above"} & before:
        high = math.inf
    if (before & {"less", "fewer"} and "than" in before) or {"under", "below", "most"} & before:
        low = 0.0
    if "up" in before or ("much" in before and "as" in before):
        low = 0.0
    text = " ".join(tokens[max(0, index - 1) : end])
    quantity = Quantity(
        text=text,
        low=low,
        high=high,
        unit=unit,
        measure=measure,
        context=_context(lowered, index, skip=index),
    )
    return quantity, None, used


def _range(
    tokens: list[str], lowered: list[str], index: int, first: Quantity, used: int
) -> tuple[Quantity, int]:
    """ "20 to 30 people", "between 20 and 30 people", "20-30 people": one quantity covering
    both ends (the second end carries the unit, the scale and what is counted)."""
    joint = index + used
    if joint + 1 >= len(tokens) or lowered[joint] not in {"to", "and"}:
        return first, used
    if lowered[joint] == "and" and "between" not in lowered[max(0, index - 2) : index]:
        return first, used
    if not (tokens[joint + 1][0].isdigit() or tokens[joint + 1][0] in "$€£"):
        return first, used
    second, date, more = _quantity(tokens, lowered, joint + 1)
    first_value = _parse_number(tokens[index])
    second_value = _parse_number(tokens[joint + 1])
    if second is None or date is not None or not first_value or not second_value:
        return first, used
    # "20 to 30 million": the first end takes the second's scale when it has none of its own
    scale = 1.0
    if used == 1 and second_value[0]:
        scale = max(1.0, round(((second.low + second.high) / 2) / second_value[0]))
    low = min(first.low * scale, second.low)
    high = max(first.high * scale, second.high)
    text = " ".join(tokens[max(0, index - 1) : joint + 1 + more])
    unit = second.unit if first.unit == "count" else first.unit
    measure = second.measure
    return (
        Quantity(text=text, low=low, high=high, unit=unit, measure=measure, context=first.context),
        used + 1 + more,
    )


def _context(lowered: list[str], index: int, *, skip: int) -> list[str]:
    """Content lemmas within ``CONTEXT_WORDS`` of ``index``: what a number or date is about."""
    context = []
    low, high = max(0, index - CONTEXT_WORDS), min(len(lowered), index + CONTEXT_WORDS + 1)
    for cursor in range(low, high):
        word = lowered[cursor]
        if cursor == skip or not word[0].isalpha() or word in STOPWORDS:
            continue
        if word.rstrip(".") in lexicon.MONTHS:
            continue
        context.append(lemma(word))
    return context


def _date(tokens: list[str], lowered: list[str], index: int, year: int) -> DateMention:
    month = day = 0
    start = index
    for cursor in range(max(0, index - 3), index):
        word = lowered[cursor].rstrip(".")
        if word in lexicon.MONTHS and word != "may":
            month = lexicon.MONTHS[word]
            start = min(start, cursor)
        elif word == "may" and cursor + 1 < len(lowered) and lowered[cursor + 1][0].isdigit():
            month = 5
            start = min(start, cursor)
        elif word.isdigit() and 1 <= int(word) <= 31 and month == 0 and cursor == index - 2:
            day = int(word)
            start = min(start, cursor)
        elif word.isdigit() and 1 <= int(word) <= 31 and month:
            day = int(word)
    return DateMention(
        text=" ".join(tokens[start : index + 1]),
        year=year,
        month=month,
        day=day,
        context=_context(lowered, index, skip=index),
        events=_events(lowered, index),
    )


def _events(lowered: list[str], index: int) -> list[str]:
    """The past-tense verbs near a date: the event it dates ("signed in 1994", "ratified in
    1996": two events); every verb of scheduling counts as one event, "schedule" ("delayed
    until 2027" and "scheduled for 2025" date one opening)."""
    low, high = max(0, index - CONTEXT_WORDS), min(len(lowered), index + CONTEXT_WORDS + 1)
    schedule = lexicon.schedule_lemmas()
    events = []
    for word in lowered[low:high]:
        if word in STOPWORDS or not (word in PAST_FORMS or (len(word) > 4 and word.endswith("ed"))):
            continue
        value = lemma(word)
        events.append("schedule" if value in schedule else value)
    return events


def _month_dates(tokens: list[str], lowered: list[str]) -> list[DateMention]:
    """Months named without a year ("postponed until March", "on 4 June"): dates of an unsaid
    year (0), which clash only on the month or day."""
    found = []
    for index, word in enumerate(lowered):
        name = word.rstrip(".")
        if name not in lexicon.MONTHS or len(name) < 3:
            continue
        following = lowered[index + 1 : index + 3]
        if any(len(token) == 4 and token.isdigit() for token in lowered[index + 1 : index + 4]):
            continue  # the year's own date carries it ("August 6, 1945")
        previous = lowered[index - 1] if index else ""
        day, start, end = 0, index, index + 1
        if previous.isdigit() and 1 <= int(previous) <= 31:
            day, start = int(previous), index - 1
        elif following and following[0].isdigit() and 1 <= int(following[0]) <= 31:
            day, end = int(following[0]), index + 2
        elif previous not in lexicon.DATE_PREPOSITIONS:
            continue  # "may", "march" as words, or a month in passing
        found.append(
            DateMention(
                text=" ".join(tokens[start:end]),
                year=0,
                month=lexicon.MONTHS[name],
                day=day,
                context=_context(lowered, index, skip=index),
                events=_events(lowered, index),
            )
        )
    return found


def _undecided(lowered: list[str], position: int) -> bool:
    """ "Refuses to confirm or deny" takes no side; "Hoax?" asks rather than says."""
    before = lowered[max(0, position - 3) : position]
    after = lowered[position + 1 : position + 2]
    return "confirm" in before or after == ["?"]


def _noun_after(lowered: list[str], position: int) -> str:
    """The word a refutation adjective describes ("fake passports" -> "passport")."""
    for word in lowered[position + 1 : position + 3]:
        if word in CLAUSE_BREAKS or not word[0].isalpha():
            return ""
        if word not in STOPWORDS:
            return word if word in lexicon.REPORT_NOUNS else lemma(word)
        return ""
    return ""


def _split_trailing_commas(tokens: list[str]) -> list[str]:
    """ "1945," and "6," are a number then a comma (the tokenizer keeps "1,000" whole)."""
    result: list[str] = []
    for token in tokens:
        if len(token) > 1 and token.endswith(",") and token[0].isdigit():
            result.extend([token[:-1], ","])
        else:
            result.append(token)
    return result


def _clauses(lowered: list[str]) -> list[int]:
    """The clause number of each token (a clause break starts a new one)."""
    numbers, current = [], 0
    for word in lowered:
        if word in CLAUSE_BREAKS:
            current += 1
        numbers.append(current)
    return numbers


class _Holders:
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


def _past(lowered: list[str], clauses: list[int], position: int) -> bool:
    """Whether the cue's clause is in the simple past ("positioned Iran as a staunch
    supporter"): a past verb and no present-tense auxiliary. A past form right after an
    article is an adjective ("a multifaceted answer")."""
    number = clauses[position]
    indices = [index for index, clause in enumerate(clauses) if clause == number]
    if any(lowered[index] in lexicon.PRESENT_MARKERS for index in indices):
        return False
    for index in indices:
        word = lowered[index]
        if word in lexicon.PAST_MARKERS:
            return True
        past_form = word in PAST_FORMS or (len(word) > 4 and word.endswith("ed"))
        if past_form and (not index or lowered[index - 1] not in lexicon.ARTICLES):
            return True
    return False


def _committed(lowered: list[str], clauses: list[int], position: int) -> bool:
    """Whether a stance cue commits its claim: not under "may"/"might"/"could" in its clause
    ("tactical silences may occur") and not conceded ("even amidst tactical silences")."""
    number = clauses[position]
    clause = [word for word, c in zip(lowered, clauses, strict=True) if c == number]
    if lexicon.STANCE_MODALS & set(clause):
        return False
    before = lowered[max(0, position - 4) : position]
    return not (lexicon.CONCESSIVES & set(before))


def _antonym_contexts(
    content: list[tuple[int, str]], clauses: list[int], asserted: set[str]
) -> dict[str, list[str]]:
    """For each asserted word with a WordNet antonym, the content words next to it in its
    clause (up to three each side): what the word is said of. ``content`` is the claim's
    content words as (token position, lemma)."""
    table = lexicon.antonyms()
    candidates = {value for _, value in content if value in table} & asserted
    candidates -= lexicon.WEAK_ANTONYM_LEMMAS
    contexts: dict[str, list[str]] = {}
    if not candidates:
        return contexts
    for rank, (position, value) in enumerate(content):
        if value not in candidates:
            continue
        neighbours = contexts.setdefault(value, [])
        for other_position, other in content[max(0, rank - 3) : rank + 4]:
            same_clause = clauses[other_position] == clauses[position]
            if same_clause and other != value and other not in neighbours:
                neighbours.append(other)
    return contexts


BE_FORMS = frozenset(["is", "are", "was", "were", "be", "been", "being", "get", "got"])


def _argument(
    tokens: list[str], content_at: dict[int, str], clauses: list[int], start: int, step: int
) -> tuple[str, str]:
    """The run of content words (up to three) nearest to token ``start`` in direction
    ``step``, inside the clause of ``start`` ("Acme Corp" before a verb, "Beta" after it): its
    lemmas (sorted, for comparing) and its words as written."""
    if not 0 <= start < len(clauses):
        return "", ""
    clause, cursor = clauses[start], start
    run: list[int] = []
    while 0 <= cursor < len(clauses) and clauses[cursor] == clause and len(run) < 3:
        word = tokens[cursor].lower()
        verb = word in PAST_FORMS or (len(word) > 4 and word.endswith("ed"))
        if not run and step < 0 and verb:
            pass  # "the budget showed a surplus": the verb before a noun is not its subject
        elif cursor in content_at:
            run.append(cursor)
        elif run:
            break
        cursor += step
    run.sort()
    return (
        " ".join(sorted(content_at[cursor] for cursor in run)),
        " ".join(tokens[cursor] for cursor in run),
    )


VERB_MARKERS = frozenset(["will", "would", "to", "can", "could", "may", "might", "must", "did"])


def _verbs(lowered: list[str], content: list[tuple[int, str]]) -> list[str]:
    """The content lemmas whose words are verbs by their form: a past tense ("killed",
    "died"), or right after a modal or "to" ("will close", "to spend")."""
    verbs: list[str] = []
    for position, value in content:
        word = lowered[position]
        past = word in PAST_FORMS or (len(word) > 4 and word.endswith("ed"))
        after_marker = position > 0 and lowered[position - 1] in VERB_MARKERS
        if (past or after_marker) and value not in verbs:
            verbs.append(value)
    return verbs


def _predicates(
    tokens: list[str],
    lowered: list[str],
    lemmas_all: list[str],
    scopes: _Scopes,
    clauses: list[int],
    content: list[tuple[int, str]],
) -> list[Predicate]:
    """The curated predicates the claim uses, with their arguments: a passive ("was acquired
    by Acme") is read agent first, so "Acme acquired Beta" and "Beta was acquired by Acme"
    have the same agent and patient."""
    phrases = lexicon.predicate_phrases()
    relations = lexicon.relation_lemmas()
    content_at = dict(content)
    found: list[Predicate] = []
    position = 0
    while position < len(lowered):
        meanings: list[str] = []
        length = 1
        for size in (2, 1):
            key = tuple(lemmas_all[position : position + size])
            if len(key) == size and key in phrases:
                meanings = [meaning for meaning, _ in phrases[key]]
                length = size
                break
        if lemmas_all[position] in relations and length == 1:
            meanings.append("rel:" + lemmas_all[position])
        if not meanings or scopes.demoted[position]:
            position += 1
            continue
        end = position + length
        agent = _argument(tokens, content_at, clauses, position - 1, -1)
        patient = _argument(tokens, content_at, clauses, end, 1)
        before = lowered[max(0, position - 2) : position]
        if BE_FORMS & set(before):
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
        for meaning in meanings:
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


def features_extract(*, text: str, resolver: EntityResolver | None = None) -> ClaimFeatures:
    """The features of one claim's text. ``resolver`` finds its entities (default: see
    ``entities.default_resolver``)."""
    resolve = resolver or default_resolver()
    tokens = _split_trailing_commas(tokenize(RANGE_DASH.sub(" to ", text)))
    lowered = [token.lower() for token in tokens]
    scopes = _scopes(lowered)
    lemmas_all = [lemma(word) if word[0].isalpha() else word for word in lowered]

    lemmas: list[str] = []
    asserted: list[str] = []
    negated: list[str] = []
    negated_embedded: list[str] = []
    hedges: list[str] = []
    content: list[tuple[int, str]] = []  # (token position, lemma) of every content word
    for position, word in enumerate(lowered):
        if word in lexicon.HEDGES:
            hedges.append(word)
        if not word[0].isalpha() or word in STOPWORDS or _is_negator(word):
            continue
        value = lemmas_all[position]
        if value in STOPWORDS or len(value) < 2:
            continue
        content.append((position, value))
        if value not in lemmas:
            lemmas.append(value)
        if scopes.demoted[position]:
            continue  # "not merely X but Y", "tickets, not arrests": X is neither said nor denied
        if scopes.negated[position]:
            target = negated
        elif scopes.embedded[position]:
            target = negated_embedded
        else:
            target = asserted
        if value not in target:
            target.append(value)

    quantities: list[Quantity] = []
    dates: list[DateMention] = []
    position = 0
    while position < len(tokens):
        if tokens[position][0].isdigit() or (
            tokens[position][0] in "$€£" and len(tokens[position]) > 1
        ):
            quantity, date, used = _quantity(tokens, lowered, position)
            if quantity is not None:
                quantity, used = _range(tokens, lowered, position, quantity, used)
                quantities.append(quantity)
            if date is not None:
                dates.append(date)
            position += used
        else:
            position += 1
    dates.extend(_month_dates(tokens, lowered))

    clauses = _clauses(lowered)
    holders = _Holders(tokens, lowered, clauses, resolve)
    # Phrases are matched with "n't" read as "not" ("isn't real" is "not real").
    phrase_words = lemmas_all
    if "n't" in text.replace("\u2019", "'"):
        phrase_words = [
            "not" if word.endswith("n't") else value
            for word, value in zip(lowered, lemmas_all, strict=True)
        ]
    stances: list[StanceCue] = []
    phrases = lexicon.stance_phrases()
    refutation_words = lexicon.refutation_lemmas()
    refutation_phrases = lexicon.refutation_phrase_lemmas()
    refutations: list[tuple[str, str, str]] = []
    withdrawals = lexicon.withdrawal_phrases()
    withdrawn_until = -WITHDRAWAL_REACH - 1  # where the last withdrawal verb ended
    position = 0
    while position < len(tokens):
        matched = False
        for length in (4, 3, 2):
            key = tuple(phrase_words[position : position + length])
            if len(key) == length and key in refutation_phrases:
                refutations.append(
                    (" ".join(tokens[position : position + length]), refutation_phrases[key], "")
                )
                position += length
                matched = True
                break
        if matched:
            continue
        for length in (2, 1):
            key = tuple(lemmas_all[position : position + length])
            if len(key) == length and key in phrases:
                axis, pole = phrases[key]
                # "does not necessarily signify a weakening" leans against weakening
                set_aside = scopes.demoted[position] and not scopes.qualified[position]
                if not set_aside and _committed(lowered, clauses, position):
                    if (
                        scopes.negated[position]
                        or scopes.embedded[position]
                        or scopes.qualified[position]
                    ):
                        pole = -pole
                    if pole > 0 and 0 <= position - withdrawn_until <= WITHDRAWAL_REACH:
                        pole = -1  # "has withdrawn its pledge": the commitment is withdrawn
                    if key in withdrawals:
                        withdrawn_until = position + length
                    stances.append(
                        StanceCue(
                            axis=axis,
                            pole=pole,
                            cue=" ".join(tokens[position : position + length]),
                            holders=holders.of_cue(position),
                            past=_past(lowered, clauses, position),
                        )
                    )
                position += length
                matched = True
                break
        if matched:
            continue
        if lowered[position] in lexicon.RUMOR_KILLERS and not scopes.negated[position]:
            ahead = lowered[position + 1 : position + 5]
            if lexicon.RUMOR_WORDS & set(ahead):
                end = (
                    position
                    + 1
                    + next(
                        offset for offset, word in enumerate(ahead) if word in lexicon.RUMOR_WORDS
                    )
                )
                refutations.append(
                    (" ".join(tokens[position : end + 1]), "dismisses the rumour", "")
                )
                position = end + 1
                continue
        reason = refutation_words.get(lemmas_all[position])
        previous = lowered[position - 1] if position else ""
        if (
            reason is not None
            and not scopes.negated[position]
            and previous not in {"no", "without", "little"}
            and not _undecided(lowered, position)
        ):
            refutations.append((tokens[position], reason, _noun_after(lowered, position)))
        position += 1

    quantifiers: list[tuple[str, str]] = []
    for position, word in enumerate(lowered[:-1]):
        kind = (
            "all"
            if word in lexicon.UNIVERSAL
            else "none"
            if word in lexicon.UNIVERSAL_NEGATIVE
            else ""
        )
        if not kind:
            continue
        for cursor in range(position + 1, min(position + 4, len(lowered))):
            following = lowered[cursor]
            if following[0].isalpha() and following not in STOPWORDS:
                quantifiers.append((kind, lemma(following)))
                break

    return ClaimFeatures(
        lemmas=lemmas,
        asserted=asserted,
        negated=negated,
        negation_cues=scopes.cues,
        entities=resolve(text),
        hedges=hedges,
        quantities=quantities,
        dates=dates,
        stances=stances,
        refutations=refutations,
        quantifiers=quantifiers,
        question=text.rstrip().endswith("?"),
        negated_embedded=negated_embedded,
        antonym_contexts=_antonym_contexts(content, clauses, set(asserted)),
        predicates=_predicates(tokens, lowered, lemmas_all, scopes, clauses, content),
        verbs=_verbs(lowered, content),
    )
