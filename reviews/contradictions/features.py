"""Claim features: everything the detectors compare, extracted once per claim text.

``features_extract`` is pure (text in, ``ClaimFeatures`` out) and fast enough to run on every
claim of a sweep; the result is stored as JSON so a check never parses a stored claim again.
The entity function is injected (``entities.EntityResolver``).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from reviews.contradictions import lexicon
from reviews.contradictions.entities import EntityResolver, default_resolver
from reviews.contradictions.text import (
    CLAUSE_BREAKS,
    NEGATION_CONTRACTIONS,
    SCOPE_BREAKS,
    STOPWORDS,
    lemma,
    tokenize,
)

NEGATION_SCOPE_WORDS = 4  # a negator governs at most this many following content words
MAX_SCOPE_TOKENS = 8  # ... within this many tokens of its clause
CONTEXT_WORDS = 6  # the words around a date or number that say what it is about


@dataclasses.dataclass(frozen=True)
class Quantity:
    """A number with the interval it is compatible with, its unit and what it counts."""

    text: str
    low: float
    high: float
    unit: str  # "money:usd", "percent", "count"
    measure: str  # lemma of the thing counted ("bodies" -> "body"); "" when unknown


@dataclasses.dataclass(frozen=True)
class DateMention:
    text: str
    year: int
    month: int
    day: int  # 0 when not given
    context: list[str]  # content lemmas near the date: the event it dates


@dataclasses.dataclass(frozen=True)
class StanceCue:
    axis: str
    pole: int  # +1 or -1
    cue: str  # the words as written


@dataclasses.dataclass(frozen=True)
class FeatureSets:
    """Set views of one claim's features, built once per claim and reused for every pair."""

    lemmas: frozenset[str]
    asserted: frozenset[str]
    negated: frozenset[str]
    entities: frozenset[str]
    measures: frozenset[str]  # quantity kinds a number could clash on ("count:body", "percent")
    poles: frozenset[tuple[str, int]]  # (stance axis, pole) for axes taken a clear side on
    opposite_poles: frozenset[tuple[str, int]]
    quantifier_nouns: frozenset[str]
    antonyms: frozenset[str]  # WordNet opposites of the asserted words (weak ones left out)


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

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def __post_init__(self) -> None:
        # Built once per claim, eagerly: a sweep reads them for millions of pairs, and
        # ``functools.cached_property`` takes a lock on every read in Python 3.11.
        object.__setattr__(self, "_sets", self._make_sets())

    @property
    def sets(self) -> FeatureSets:
        """Set views of these features (not a field: not in ``to_json`` or comparisons)."""
        sets: FeatureSets = self.__dict__["_sets"]
        return sets

    def _make_sets(self) -> FeatureSets:
        seen: dict[str, set[int]] = {}
        for cue in self.stances:
            seen.setdefault(cue.axis, set()).add(cue.pole)
        poles = frozenset((axis, next(iter(p))) for axis, p in seen.items() if len(p) == 1)
        return FeatureSets(
            lemmas=frozenset(self.lemmas),
            asserted=frozenset(self.asserted),
            negated=frozenset(self.negated),
            entities=frozenset(self.entities),
            measures=frozenset(filter(None, (measure_key(q) for q in self.quantities))),
            poles=poles,
            opposite_poles=frozenset((axis, -pole) for axis, pole in poles),
            quantifier_nouns=frozenset(noun for _, noun in self.quantifiers),
            antonyms=frozenset(
                opposite
                for word in self.asserted
                if word not in lexicon.WEAK_ANTONYM_LEMMAS
                for opposite in lexicon.antonyms().get(word, ())
            ),
        )

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
        )


def _is_negator(lowered: str) -> bool:
    return (
        lowered in lexicon.NEGATORS or lowered in NEGATION_CONTRACTIONS or lowered.endswith("n't")
    )


def _scopes(lowered: list[str]) -> tuple[list[bool], list[bool], list[str]]:
    """Which tokens a negation governs, which are demoted by "not merely ... but"."""
    negated = [False] * len(lowered)
    demoted = [False] * len(lowered)
    cues: list[str] = []
    index = 0
    while index < len(lowered):
        word = lowered[index]
        if tuple(lowered[index : index + 2]) in lexicon.CONTRAST_MARKERS:
            cursor = index + 2
            while cursor < len(lowered) and cursor - index <= MAX_SCOPE_TOKENS:
                if lowered[cursor] in SCOPE_BREAKS:
                    break
                demoted[cursor] = True
                cursor += 1
            index = cursor
            continue
        if not _is_negator(word):
            index += 1
            continue
        following = lowered[index + 1] if index + 1 < len(lowered) else ""
        if following in lexicon.NEGATION_SOFTENERS:
            cursor = index + 2
            while cursor < len(lowered) and lowered[cursor] not in {"but", ".", ";"}:
                demoted[cursor] = True
                cursor += 1
            index = cursor
            continue
        previous = lowered[index - 1] if index > 0 else ""
        if "or" in lowered[max(0, index - 2) : index]:
            # "may or may not", "whether or not": undecided, it negates nothing
            index += 1
            continue
        contrast = previous == "," and word == "not"  # "tickets, not arrests": a contrast
        if following == "longer" or word != "no" or following not in {"doubt"}:
            if not contrast:
                cues.append(word)
        else:
            index += 1
            continue
        cursor, counted = index + 1, 0
        # The scope reaches the next few content words of the clause ("has not come out with
        # a pumpkin spice condom" negates come, pumpkin, spice, condom).
        while (
            cursor < len(lowered)
            and counted < NEGATION_SCOPE_WORDS
            and cursor - index <= MAX_SCOPE_TOKENS
        ):
            if lowered[cursor] in SCOPE_BREAKS:
                break
            if contrast:
                demoted[cursor] = True
            else:
                negated[cursor] = True
            if lowered[cursor] not in STOPWORDS:
                counted += 1
            cursor += 1
        index += 1
    return negated, demoted, cues


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
    if previous_word in lexicon.MONTHS and exponent >= 0 and 1 <= value <= 31:
        return None, None, 1  # the day of a date ("August 6, 1945"): the year carries it
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
    if is_plain_integer and 1800 <= value <= 2100 and len(token) == 4:
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
    else:
        tolerance = 0.0
    amount = value * scale
    low, high = amount - tolerance, amount + tolerance
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
    return Quantity(text=text, low=low, high=high, unit=unit, measure=measure), None, used


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
    context = []
    low, high = max(0, index - CONTEXT_WORDS), min(len(lowered), index + CONTEXT_WORDS + 1)
    for cursor in range(low, high):
        word = lowered[cursor]
        if cursor == index or not word[0].isalpha() or word in STOPWORDS:
            continue
        if word.rstrip(".") in lexicon.MONTHS:
            continue
        context.append(lemma(word))
    text = " ".join(tokens[start : index + 1])
    return DateMention(text=text, year=year, month=month, day=day, context=context)


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


def features_extract(*, text: str, resolver: EntityResolver | None = None) -> ClaimFeatures:
    """The features of one claim's text. ``resolver`` finds its entities (default: see
    ``entities.default_resolver``)."""
    tokens = _split_trailing_commas(tokenize(text))
    lowered = [token.lower() for token in tokens]
    negated_mask, demoted_mask, negation_cues = _scopes(lowered)
    lemmas_all = [lemma(word) if word[0].isalpha() else word for word in lowered]

    lemmas: list[str] = []
    asserted: list[str] = []
    negated: list[str] = []
    hedges: list[str] = []
    for position, word in enumerate(lowered):
        if word in lexicon.HEDGES:
            hedges.append(word)
        if not word[0].isalpha() or word in STOPWORDS or _is_negator(word):
            continue
        value = lemmas_all[position]
        if value in STOPWORDS or len(value) < 2:
            continue
        if value not in lemmas:
            lemmas.append(value)
        if demoted_mask[position]:
            continue  # "not merely X but Y", "tickets, not arrests": X is neither said nor denied
        target = negated if negated_mask[position] else asserted
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
                quantities.append(quantity)
            if date is not None:
                dates.append(date)
            position += used
        else:
            position += 1

    stances: list[StanceCue] = []
    phrases = lexicon.stance_phrases()
    refutation_words = lexicon.refutation_lemmas()
    refutation_phrases = lexicon.refutation_phrase_lemmas()
    refutations: list[tuple[str, str, str]] = []
    position = 0
    while position < len(tokens):
        matched = False
        for length in (4, 3, 2):
            key = tuple(lemmas_all[position : position + length])
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
                if not demoted_mask[position]:
                    if negated_mask[position]:
                        pole = -pole
                    stances.append(
                        StanceCue(
                            axis=axis, pole=pole, cue=" ".join(tokens[position : position + length])
                        )
                    )
                position += length
                matched = True
                break
        if matched:
            continue
        if lowered[position] in lexicon.RUMOR_KILLERS and not negated_mask[position]:
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
            and not negated_mask[position]
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
        negation_cues=negation_cues,
        entities=(resolver or default_resolver())(text),
        hedges=hedges,
        quantities=quantities,
        dates=dates,
        stances=stances,
        refutations=refutations,
        quantifiers=quantifiers,
        question=text.rstrip().endswith("?"),
    )
