"""Numbers and dates in a claim: the quantities a numeric detector compares and the dates a
date detector compares, each with the words that say what it is about."""

from __future__ import annotations

import dataclasses
import math
import re

from reviews.contradictions import lexicon, value_words
from reviews.contradictions.date_leads import clause_lead, lead_words, subject_lead, superseded_at
from reviews.contradictions.scopes import is_negator
from reviews.contradictions.text import (
    CLAUSE_BREAKS,
    STOPWORDS,
    is_past_form,
    lemma,
)

CONTEXT_WORDS = 6  # the words around a date that say what it dates
MEASURE_CONTEXT_WORDS = 16  # the words of a number's clause that say what it counts
# A number in brackets ("2,236 miles (3,598 kilometers) in diameter") is about its clause.
MEASURE_CLAUSE_BREAKS = CLAUSE_BREAKS - {"(", ")"}
# "20-30 people", "$5-10 million" (or an en dash): a dash between numbers is a range
RANGE_DASH = re.compile(r"(?<=\d)\s*[-\u2013]\s*(?=[$\u20ac\u00a3]?\d)")


@dataclasses.dataclass(frozen=True)
class Quantity:
    """A number with the interval it is compatible with, its unit and what it counts."""

    text: str
    low: float
    high: float
    unit: str  # "money:usd", "percent", "count"
    measure: str  # lemma of the thing counted ("bodies" -> "body"); "" when unknown
    context: list[str] = dataclasses.field(default_factory=list)  # content lemmas around it
    # The count sizes a whole group ("all 11 players", "each of the 12 bridges"), which a count
    # of some of them ("two players failed") does not contradict.
    whole: bool = False


@dataclasses.dataclass(frozen=True)
class DateMention:
    text: str
    year: int
    month: int
    day: int  # 0 when not given
    context: list[str]  # content lemmas near the date: the event it dates
    events: list[str] = dataclasses.field(default_factory=list)  # past-tense verbs among them
    # The date opens the claim ("As of June 2024, ...", "In March 2025 the commission ..."):
    # the time the claim reports a state of, not the date of an event in it.
    framing: bool = False
    # The date bounds the event rather than dating it: "by 2025", "no later than 2025" ("by"),
    # "before 2026" ("before": strictly), "not before 2029", "not until 2029", "no earlier than
    # 2029" ("from"); "" when the date dates the event.
    bound: str = ""
    # The content lemmas of the date's clause before it, without who says it ("Port officials
    # said the ferry terminal will not open before 2029": ferry, terminal, open): what it dates,
    # without the attribution and the reasons around it.
    lead: list[str] = dataclasses.field(default_factory=list)
    # The date is the schedule that was ("originally set for March 2026", "pushed back from
    # 2026"), not the one the claim gives: compared only with another claim's superseded date.
    superseded: bool = False


def measure_keys(quantity: Quantity) -> frozenset[str]:
    """Two quantities are comparable when their keys meet (a bare count never is): the unit,
    or for a count what it counts, by its class ("staff", "employees" and "jobs" are one
    workforce; a count of people is compared with a workforce too)."""
    if quantity.unit != "count":
        return frozenset([quantity.unit])
    if not quantity.measure:
        return frozenset()
    name = lexicon.MEASURE_CLASSES.get(quantity.measure, quantity.measure)
    return frozenset(
        f"count:{covered}" for covered in lexicon.MEASURE_CLASS_COVERS.get(name, [name])
    )


def numbers_as_digits(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The tokens with numbers written as words read as digits ("twelve" -> "12", "forty
    five" -> "45", "five million" -> "5 million"), so that they are quantities like any other,
    and beside them the words as written, for the cue text; a number word before "of" is a part
    of a group ("three of the nine"), left as it is."""
    digits: list[str] = []
    shown: list[str] = []
    position = 0
    while position < len(tokens):
        word = tokens[position].lower()
        following = tokens[position + 1].lower() if position + 1 < len(tokens) else ""
        value = lexicon.TENS_WORD_VALUES.get(word)
        used = 1
        if value is not None and following in lexicon.NUMBER_WORD_VALUES:
            value += lexicon.NUMBER_WORD_VALUES[following]
            used = 2
        elif value is None:
            value = lexicon.NUMBER_WORD_VALUES.get(word)
        after = tokens[position + used].lower() if position + used < len(tokens) else ""
        if value is None or after == "of":
            digits.append(tokens[position])
            shown.append(tokens[position])
            position += 1
            continue
        digits.append(str(value))
        shown.append(" ".join(tokens[position : position + used]))
        position += used
    return digits, shown


def _framing(lowered: list[str], start: int) -> bool:
    """Whether only a framing preposition ("in", "as of", "on", "by") comes before ``start``."""
    return 0 < start <= 3 and all(word in lexicon.FRAMING_WORDS for word in lowered[:start])


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


def quantity_at(
    tokens: list[str], lowered: list[str], index: int, shown: list[str] | None = None
) -> tuple[Quantity | None, DateMention | None, int]:
    """The number at ``index`` as a quantity or a date, and how many tokens it used;
    ``shown`` are the tokens as written, for the quantity's text (default ``tokens``)."""
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
    # "the population was about 48,000 at the last census": a word after a preposition, or
    # of when, says no more than nothing after the number does
    loose = not measure or measure in value_words.NOT_COUNTED or end > index + used + 1
    counted_before = _counted_before(lowered, index) if unit == "count" and loose else ""
    if counted_before:
        measure, end = counted_before, index + used
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
    text = " ".join((shown or tokens)[max(0, index - 1) : end])
    leading = [word for word in lowered[max(0, index - 3) : index] if word not in {"of", "the"}]
    quantity = Quantity(
        text=text,
        low=low,
        high=high,
        unit=unit,
        measure=measure,
        context=_measure_context(
            lowered, index, end if unit == "count" else index + used, unit == "count"
        ),
        whole=bool(leading) and leading[-1] in lexicon.UNIVERSAL,
    )
    return quantity, None, used


def _counted_before(lowered: list[str], index: int) -> str:
    """What a number with no noun after it counts, named before it in its clause ("the death
    toll stood at 31", "the population was about 640,000", "a workforce of 8,500"): the
    class of the nearest such word, or ""."""
    for cursor in range(index - 1, max(-1, index - MEASURE_CONTEXT_WORDS), -1):
        if lowered[cursor] in CLAUSE_BREAKS:
            break
        counted = value_words.COUNTED_BEFORE.get(lemma(lowered[cursor]))
        if counted:
            return counted
    return ""


def range_extend(
    tokens: list[str],
    lowered: list[str],
    index: int,
    first: Quantity,
    used: int,
    shown: list[str] | None = None,
) -> tuple[Quantity, int]:
    """ "20 to 30 people", "between 20 and 30 people", "20-30 people": one quantity covering
    both ends (the second end carries the unit, the scale and what is counted); ``shown`` as
    in ``quantity_at``."""
    joint = index + used
    if joint + 1 >= len(tokens) or lowered[joint] not in {"to", "and"}:
        return first, used
    if lowered[joint] == "and" and "between" not in lowered[max(0, index - 2) : index]:
        return first, used
    if not (tokens[joint + 1][0].isdigit() or tokens[joint + 1][0] in "$€£"):
        return first, used
    second, date, more = quantity_at(tokens, lowered, joint + 1)
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
    text = " ".join((shown or tokens)[max(0, index - 1) : joint + 1 + more])
    unit = second.unit if first.unit == "count" else first.unit
    measure = second.measure
    return (
        Quantity(
            text=text,
            low=low,
            high=high,
            unit=unit,
            measure=measure,
            context=first.context,
            whole=first.whole,
        ),
        used + 1 + more,
    )


def _measure_context(lowered: list[str], index: int, end: int, counted: bool) -> list[str]:
    """Content lemmas of the clause of the number at ``index`` (its phrase ends at ``end``,
    with what it counts when ``counted``), within ``MEASURE_CONTEXT_WORDS``, without who says
    it ("Navy officials said 73 migrants ...", "... according to the union") and without the
    words that only phrase the number: its bounds and approximations ("fewer than", "some"),
    what it counts (compared by its class: "staff", "employees") and the verbs next to it
    ("employs 3,400 people", "about 800 people attended"). What is left is what it is about."""
    start = index
    while start > max(0, index - MEASURE_CONTEXT_WORDS) and (
        lowered[start - 1] not in MEASURE_CLAUSE_BREAKS
    ):
        start -= 1
    stop = end
    while (
        stop < min(len(lowered), end + MEASURE_CONTEXT_WORDS)
        and lowered[stop] not in MEASURE_CLAUSE_BREAKS
        and lowered[stop] != "according"
    ):
        stop += 1
    reporting = lexicon.reporting_lemmas()
    for cursor in range(index - 1, start - 1, -1):
        if lemma(lowered[cursor]) in reporting:
            start = cursor + 1
            break
    phrasing = set(range(index, end))
    cursor = index - 1
    while start <= cursor and (
        lowered[cursor] in STOPWORDS or lowered[cursor] in lexicon.NUMBER_PHRASING
    ):
        cursor -= 1
    if cursor >= start and (cursor == 0 or lowered[cursor - 1] not in lexicon.ARTICLES):
        phrasing.add(cursor)  # the verb of the number ("employs 3,400"; not "the bank €12m")
    if counted:
        phrasing.add(end)  # the verb of what is counted ("2,000 staff work at the factory")
    return [
        lemma(word)
        for cursor, word in enumerate(lowered[start:stop], start)
        if cursor not in phrasing
        and word[0].isalpha()
        and word not in STOPWORDS
        and word.rstrip(".") not in lexicon.MONTHS
    ]


def _context(lowered: list[str], index: int, below: bool = False) -> list[str]:
    """Content lemmas within ``CONTEXT_WORDS`` of ``index`` (the number or date itself left
    out), or only before it when ``below`` (before a date's phrase: "would reopen no later than
    the end of 2026"): what it is about."""
    context = []
    low, high = max(0, index - CONTEXT_WORDS), min(len(lowered), index + CONTEXT_WORDS + 1)
    if below:
        high = index
    for cursor in range(low, high):
        word = lowered[cursor]
        if cursor == index or not word[0].isalpha() or word in STOPWORDS:
            continue
        if word.rstrip(".") in lexicon.MONTHS:
            continue
        value = lemma(word)
        context.append(value_words.event_noun(value))  # "walkout": a strike; "death": die
    return context


def _date(tokens: list[str], lowered: list[str], index: int, year: int) -> DateMention:
    month = day = 0
    start = index
    for cursor in range(max(0, index - 4), index):
        word = lowered[cursor].rstrip(".")
        if cursor == index - 4 and lowered[cursor + 1] != ".":
            continue  # four words back only for an abbreviation's full stop ("Oct. 8, 2026")
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
    return _mention(tokens, lowered, (start, index, index + 1), (year, month, day))


def _mention(
    tokens: list[str], lowered: list[str], span: tuple[int, int, int], ymd: tuple[int, int, int]
) -> DateMention:
    """The date of tokens ``start`` to ``end`` (its year or month at ``index``) with what it
    dates; a month of an unsaid year is compared on the month alone, never as a bound."""
    start, index, end = span
    year, month, day = ymd
    phrase = _phrase_start(lowered, start)
    lead = clause_lead(lowered, phrase)
    bound = lexicon.TRAILING_BOUNDS.get(tuple(lowered[end : end + 3]), "") or _bound(
        lowered, phrase
    )
    events = _events(lowered, index)
    if events and set(events) <= value_words.OCCURRENCE_VERBS:
        # "The death of the poet came in 1961": the event is the noun's, "died"
        events = value_words.noun_events(
            lemma(word) for word in subject_lead(lowered, phrase, lead)
        )
    return DateMention(
        text=" ".join(tokens[start:end]),
        year=year,
        month=month,
        day=day,
        context=_context(lowered, index) + _context(lowered, phrase, below=True),
        events=events,
        framing=_framing(lowered, start),
        bound=bound if year else "",
        lead=lead_words(subject_lead(lowered, phrase, lead)),
        superseded=superseded_at(lowered, phrase, lead),
    )


def _phrase_start(lowered: list[str], start: int) -> int:
    """Where the phrase of a date at ``start`` begins, past a part of the year ("by the end of
    2028", "in the spring of 2028", "until spring 2027", "early 2026") and "no later than" /
    "no earlier than"."""
    cursor = start
    before = lowered[max(0, cursor - 3) : cursor]
    if len(before) == 3 and before[0] == "the" and before[2] == "of":
        cursor -= 3 if before[1] in lexicon.YEAR_PARTS else 0
    elif cursor and lowered[cursor - 1] in lexicon.YEAR_PARTS:
        cursor -= 1
    if lowered[max(0, cursor - 3) : cursor] in (["no", "later", "than"], ["no", "earlier", "than"]):
        cursor -= 3
    return cursor


def _bound(lowered: list[str], cursor: int) -> str:
    """How the words before a date's phrase at ``cursor`` bound the event
    (``DateMention.bound``): the preposition, "no later than", and a negator of its clause a few
    words before it ("will not open before 2029")."""
    after = lowered[cursor : cursor + 3]
    if after == ["no", "later", "than"]:
        return "by"
    if after == ["no", "earlier", "than"]:
        return "from"
    preposition = lowered[cursor - 1] if cursor else ""
    if preposition == "by":
        return "by"
    if preposition not in lexicon.TIME_BOUND_WORDS:
        return ""
    clause = []
    for word in reversed(lowered[max(0, cursor - 1 - lexicon.BOUND_NEGATION_REACH) : cursor - 1]):
        if word in CLAUSE_BREAKS:
            break
        clause.append(word)
    if any(is_negator(word) for word in clause):
        return "from"  # "not before 2029", "not until 2029": 2029 at the earliest
    return "before" if preposition == "before" else ""


def _events(lowered: list[str], index: int) -> list[str]:
    """The past-tense verbs near a date: the event it dates ("signed in 1994", "ratified in
    1996": two events); every verb of scheduling counts as one event, "schedule" ("delayed
    until 2027" and "scheduled for 2025" date one opening)."""
    low, high = max(0, index - CONTEXT_WORDS), min(len(lowered), index + CONTEXT_WORDS + 1)
    schedule = lexicon.schedule_lemmas()
    events = []
    for word in lowered[low:high]:
        if word in STOPWORDS or not is_past_form(word):
            continue
        value = lemma(word)
        if value in schedule:
            events.append("schedule")
        else:  # "inaugurated" opened it; "perished" is one sense of "died"
            events.extend(value_words.event_senses(value))
    return events


def month_dates(tokens: list[str], lowered: list[str]) -> list[DateMention]:
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
        elif (
            previous not in lexicon.DATE_PREPOSITIONS
            and lowered[index - 2 : index] != ["as", "of"]
            and not _month_part(lowered, index)
        ):
            continue  # "may", "march" as words, or a month in passing ("as of March" dates)
        found.append(_mention(tokens, lowered, (start, index, end), (0, lexicon.MONTHS[name], day)))
    return found


def _month_part(lowered: list[str], index: int) -> bool:
    """Whether the month at ``index`` follows a part of it ("at the end of August", "in early
    March", "mid-June" split as "mid June"): a date, as "in August" is."""
    previous = lowered[index - 1] if index else ""
    if previous in {"early", "late", "mid"}:
        return True
    return previous == "of" and index >= 2 and lowered[index - 2] in lexicon.YEAR_PARTS
