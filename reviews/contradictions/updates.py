"""Updates, not conflicts: two claims that give a measure or a state at explicit times that
differ ("As of March, ... 1,200 teachers" / "As of September, ... 1,450"; "stood at 3.1 metres
on Monday" / "had risen to 4.6 metres by Friday"; "in the first quarter" / "in the third
quarter"; "last year" / "this year") report a change, not a disagreement.

A claim's times are its dates (``quantities.DateMention``: a year, a month, a day) and the
periods read here: days of the week, quarters and halves of a year, "last", "this" or
"next" year, month or week, the past or the present an adverb names ("previously" /
"currently", "formerly" / "now") and the side of a named event ("before the merger" / "after
the merger"). Two claims are apart in time when both name times of one kind
and no time of one can be a time of the other (``times_apart``); the numeric, negation,
opposite-predicate and swapped-relation detectors then compare nothing
(``detectors.times_compatible``), and ``detect_updates`` types the pair as an update when
their values or states differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviews.contradictions.text import lemma

if TYPE_CHECKING:
    from reviews.contradictions.features import ClaimFeatures
    from reviews.contradictions.quantities import DateMention

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PERIOD_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}
PERIOD_NOUNS = {"quarter": "quarter", "half": "half"}
RELATIVE_WORDS = frozenset(["last", "this", "next"])
RELATIVE_UNITS = frozenset(["year", "month", "week"])
# Adverbs that place a claim in the past or the present without a date: "Previously, the clinic
# was closed on Sundays" / "Currently, it is open on Sundays" speak of two times.
PAST_ADVERBS = frozenset(["previously", "formerly", "once", "earlier", "originally"])
PRESENT_ADVERBS = frozenset(["currently", "now", "today", "nowadays", "presently"])
# "before the merger" / "after the merger": two sides of one named event. The words between
# the preposition and the event's noun that name no event.
EVENT_SIDES = {"before": "before", "prior": "before", "after": "after", "since": "after"}
EVENT_FILLERS = frozenset(["the", "its", "their", "his", "her", "a", "an", "this", "that", "to"])


def periods_read(lowered: list[str], tokens: list[str] | None = None) -> list[str]:
    """The periods a claim names besides its dates, as keys of their kind: "weekday:monday",
    "quarter:1" ("the first quarter", "Q1"), "half:2" ("the second half"), "year:last" ("last
    year"), "week:this"."""
    found: list[str] = []
    for index, word in enumerate(lowered):
        following = lowered[index + 1] if index + 1 < len(lowered) else ""
        key = ""
        if word in PAST_ADVERBS and not (word == "once" and following in ("again", "more")):
            key = "era:past"
        elif word in PRESENT_ADVERBS or (word == "at" and following == "present"):
            key = "era:present"
        elif word in EVENT_SIDES:
            key = _event_side(lowered, index, tokens or lowered)
        elif word in WEEKDAYS:
            key = f"weekday:{word}"
        elif word in PERIOD_ORDINALS and following in PERIOD_NOUNS:
            key = f"{PERIOD_NOUNS[following]}:{PERIOD_ORDINALS[word]}"
        elif len(word) == 2 and word[0] == "q" and word[1] in "1234":
            key = f"quarter:{word[1]}"
        elif (
            word in RELATIVE_WORDS
            and following in RELATIVE_UNITS
            and not (word == "last" and index and lowered[index - 1] == "the")
        ):
            key = f"{following}:{word}"  # not "the last year": a span, not a time
        if key and key not in found:
            found.append(key)
    return found


def _event_side(lowered: list[str], index: int, tokens: list[str]) -> str:
    """ "before the merger" -> "event-merger:before", "after its rebuild" ->
    "event-rebuild:after": the event a claim is placed before or after, when it is a common
    noun (a date or a number is a date's business; "after the Israeli strikes" names no
    event by its first word)."""
    for cursor in range(index + 1, min(index + 4, len(lowered))):
        word = lowered[cursor]
        if word in EVENT_FILLERS:
            continue
        if word.isalpha() and word not in WEEKDAYS and tokens[cursor].islower():
            return f"event-{lemma(word)}:{EVENT_SIDES[lowered[index]]}"
        return ""
    return ""


def _fits(x: DateMention, y: DateMention) -> bool:
    """Whether two dates can name one time: the same year (or one unsaid), month and day."""
    if x.year and y.year and x.year != y.year:
        return False
    if x.month and y.month and x.month != y.month:
        return False
    return not (x.day and y.day and x.month == y.month and x.day != y.day)


def _dates_apart(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Both claims date themselves and no date of one fits a date of the other ("in 2023" /
    "in 2025", "in June" / "in November", "the week to 3 May" / "the week to 24 May"). Dates
    that bound rather than date ("by 2025") or were superseded ("originally set for March") say
    when something was due, not when the claim reports on."""
    dates_a = [date for date in a.dates if not (date.bound or date.superseded)]
    dates_b = [date for date in b.dates if not (date.bound or date.superseded)]
    if not (dates_a and dates_b):
        return False
    return not any(_fits(x, y) for x in dates_a for y in dates_b)


def _periods_apart(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Both claims name periods of one kind and none in common ("on Monday" / "by Friday")."""
    kinds_a = {key.split(":")[0] for key in a.periods}
    kinds_b = {key.split(":")[0] for key in b.periods}
    shared = kinds_a & kinds_b
    if not shared:
        return False
    return all(
        {key for key in a.periods if key.startswith(kind + ":")}.isdisjoint(
            key for key in b.periods if key.startswith(kind + ":")
        )
        for kind in shared
    )


def _dated_years(claim: ClaimFeatures) -> bool:
    return any(date.year and not (date.bound or date.superseded) for date in claim.dates)


def _present(claim: ClaimFeatures) -> bool:
    return "era:present" in claim.periods or "year:this" in claim.periods


def _present_against_past_year(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """One claim speaks of now and names no year ("now holds 24,000"), the other names a year
    and not now ("in 2019 held 18,000"): a year before the report against the time of the
    report."""
    return any(
        _present(x) and not _dated_years(x) and _dated_years(y) and not _present(y)
        for x, y in ((a, b), (b, a))
    )


def times_apart(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims speak of two times: dated apart (``_dates_apart``), naming periods
    of one kind that differ (``_periods_apart``: "previously" / "currently", "before the
    merger" / "after the merger"), or now against a year (``_present_against_past_year``)."""
    return _dates_apart(a, b) or _periods_apart(a, b) or _present_against_past_year(a, b)


def _period_words(key: str) -> str:
    """A period key in words: "weekday:monday" -> "Monday", "quarter:1" -> "quarter 1",
    "year:last" -> "last year"."""
    kind, value = key.split(":")
    if kind == "era":
        return "in the past" if value == "past" else "now"
    if kind.startswith("event-"):
        return f"{value} the {kind.removeprefix('event-')}"
    if kind == "weekday":
        return value.capitalize()
    return f"{kind} {value}" if value.isdigit() else f"{value} {kind}"


def periods_in_words(claim: ClaimFeatures) -> list[str]:
    return [_period_words(key) for key in claim.periods]


def times_named(claim: ClaimFeatures) -> list[str]:
    """The times a claim reports on, its dates as written (not a bound or a superseded
    schedule) and its periods in words (for the cue)."""
    dates = [date.text for date in claim.dates if not (date.bound or date.superseded)]
    return [*dates, *periods_in_words(claim)]


def values_change(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims give one measure, one predicate or one stance different values: the
    cheap tests the numeric, opposite-predicate, negation and stance detectors start with, so
    an update is typed only where a conflict would otherwise have been looked for."""
    x, y = a.sets, b.sets
    return (
        not x.measures.isdisjoint(y.measures)
        or not x.opposite_keys.isdisjoint(y.predicate_keys)
        or not x.negated.isdisjoint(y.asserted)
        or not y.negated.isdisjoint(x.asserted)
        or not x.poles.isdisjoint(y.opposite_poles)
        or not x.antonyms.isdisjoint(y.asserted)
    )
