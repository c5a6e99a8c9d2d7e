"""Detectors of values: the same measure given incompatible numbers, the same event given
incompatible dates."""

from __future__ import annotations

import math

from reviews.contradictions import lexicon, value_words, wordnet_words
from reviews.contradictions.detect_relations import relations_swapped
from reviews.contradictions.detectors import (
    A,
    B,
    Cue,
    Overlap,
    measures_a_part,
    quoted,
    reported_apart,
    times_compatible,
)
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.quantities import DateMention, Quantity, measure_keys


def _same_measure(x: Quantity, y: Quantity) -> bool:
    """The same kind of quantity, each a whole or each not ("all 11 players" and "two players"
    are a group and some of it)."""
    return x.whole == y.whole and not measure_keys(x).isdisjoint(measure_keys(y))


def _names_unknown_to(x: Quantity, own: ClaimFeatures, other: ClaimFeatures) -> bool:
    """Whether the words around ``x`` name an entity the other claim never mentions: then the
    number is about a part ("$100 million to Hezbollah" against "$700 million to its proxies")."""
    named = set(x.context) & own.sets.entity_words
    return bool(named - other.sets.entity_words - other.sets.lemmas)


def _counted_in_other_words(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims count one thing in different words ("3,400 staff" / "2,000
    employees"): evidence that they speak of one measure, which their shared words miss."""
    return any(
        x.measure != y.measure and x.unit == y.unit == "count" and _same_measure(x, y)
        for x in a.quantities
        for y in b.quantities
    )


def _specific_in_own_words(
    context_a: list[str], a: ClaimFeatures, context_b: list[str], b: ClaimFeatures
) -> bool:
    """``detectors.specific_on_both_sides`` with one measure's other words read as one
    ("cost" / "price tag", "unemployment" / "jobless rate", "around 3,500": an approximation
    names no thing): each side must still name a thing the other never does."""
    generic = value_words.GENERIC_MEASURE_WORDS
    lemmas_a = value_words.measure_classes(a.sets.lemmas) | value_words.measure_classes(
        a.sets.verbs
    )
    lemmas_b = value_words.measure_classes(b.sets.lemmas) | value_words.measure_classes(
        b.sets.verbs
    )
    own_a = value_words.measure_classes(set(context_a) - a.sets.verbs - generic) - lemmas_b
    own_b = value_words.measure_classes(set(context_b) - b.sets.verbs - generic) - lemmas_a
    return bool(own_a) and bool(own_b)


def _event_verbs(claim: ClaimFeatures) -> set[str]:
    """The claim's verbs of events ("40 people were injured"), not of phrasing ("the toll
    stood at 40"): verbs of a hand event class or that WordNet knows in other words."""
    return {
        word
        for word in claim.sets.verbs
        if word in value_words.EVENT_VERBS or wordnet_words.names_an_event(word)
    }


def _counts_of_two_events(x: Quantity, a: ClaimFeatures, y: Quantity, b: ClaimFeatures) -> bool:
    """Whether two counts count the doers or sufferers of two events ("40 people were injured"
    / "55 people were arrested"), not one event in other words ("injured" / "wounded", "died"
    / "killed"): each claim has a verb of an event and they share none."""
    if x.unit != "count":
        return False
    events_x, events_y = _event_verbs(a), _event_verbs(b)
    if not (events_x and events_y):
        return False
    return not any(
        one == other
        or value_words.measure_classes([one]) == value_words.measure_classes([other])
        or value_words.event_class(one) == value_words.event_class(other)
        or wordnet_words.verb_senses(one) & wordnet_words.verb_senses(other)
        for one in events_x
        for other in events_y
    )


def detect_numeric(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """Different values for the same quantity, beyond rounding and stated approximation."""
    if a.sets.measures.isdisjoint(b.sets.measures):
        return []
    if overlap.weight + _counted_in_other_words(a, b) < 2:
        return []
    if not times_compatible(a, b):
        return []  # an explicit later date changing a value is an update, not a conflict
    if measures_a_part(a, b):
        return []  # "exports fell 3 percent" against "wine exports rose 12 percent"
    for x in a.quantities:
        if _names_unknown_to(x, a, b):
            continue
        matches = [
            y
            for y in b.quantities
            if _same_measure(x, y)
            and not _names_unknown_to(y, b, a)
            and not _counts_of_two_events(x, a, y, b)
        ]
        if not matches:
            continue
        # Claims can agree when any value one gives for this quantity fits any value the
        # other gives ("4GB or 8GB" against "4GB"); only a quantity with no such reading clashes.
        same_a = [z for z in a.quantities if _same_measure(x, z)]
        if any(z.low <= y.high and y.low <= z.high for z in same_a for y in matches):
            continue
        y = matches[0]
        if _specific_in_own_words(x.context, a, y.context, b):
            continue
        what = x.measure or x.unit.replace("money:", "money in ")
        return [
            Cue(
                kind="numeric",
                strength=0.7,
                template=f"different numbers for {what}: {A} “{x.text}”, {B} “{y.text}”",
            )
        ]
    return []


def _values_differ(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims give one measure values: an amount or a rate ("held its rate at 3
    percent" / "raised it to 3.5 percent"), or values of one unit that do not meet ("stood at
    37 on 4 March" / "had risen to 112 by 6 March": a toll dated twice)."""
    return any(
        (_same_measure(x, y) and x.unit != "count")
        or (x.unit == y.unit and not (x.low <= y.high and y.low <= x.high))
        for x in a.quantities
        for y in b.quantities
    )


def _same_event(x: DateMention, y: DateMention, names: frozenset[str]) -> bool:
    """Dates of one event: their contexts share a word that is not a name (every date of an
    article about Iran is near "Iran"), and their verbs, when both have one, agree
    ("signed in 1994" and "ratified in 1996" date two events)."""
    # A schedule is of the other side's event ("delayed until 2027" / "would be published in
    # 2026"); two other verbs date two events.
    schedules = "schedule" in x.events or "schedule" in y.events
    if not schedules and x.events and y.events and not set(x.events) & set(y.events):
        return False
    return bool((set(x.context + x.lead) & set(y.context + y.lead)) - names)


_BOUND_WORDS = {"": "", "by": "by ", "before": "before ", "from": "not before "}


def _years_allowed(x: DateMention) -> tuple[float, float]:
    """The years a dated event may fall in: one year, or a bound's range ("by 2025": up to
    2025, "before 2026": up to 2025, "not until 2027": from 2027)."""
    if x.bound == "by":
        return -math.inf, x.year
    if x.bound == "before":
        return -math.inf, x.year - (0 if x.month else 1)
    if x.bound == "from":
        return x.year, math.inf
    return x.year, x.year


def _dates_differ(x: DateMention, y: DateMention) -> bool:
    """Whether two dates exclude each other; a month of an unsaid year (0) fits any year, a
    bound the years it allows."""
    if x.bound or y.bound:
        if not (x.year and y.year):
            return False
        low_x, high_x = _years_allowed(x)
        low_y, high_y = _years_allowed(y)
        return high_x < low_y or high_y < low_x
    if x.year and y.year and x.year != y.year:
        return True
    if x.month and y.month and x.month != y.month:
        return True
    return bool(x.day and y.day and x.month == y.month and x.day != y.day)


def _qualified(lead: list[str], own: ClaimFeatures, other: ClaimFeatures) -> bool:
    """Whether the words before a date name what it dates with a word the other claim never
    uses, verbs and words that qualify nothing aside ("the new terminal"): another thing
    ("the rail strike" against "the port strike"), or a part ("its first floodlit match")."""
    return bool(
        set(lead)
        - value_words.noun_classes(other.sets.lemmas)
        - own.sets.verbs
        - lexicon.NONRESTRICTIVE
        - value_words.EVENT_CLASSES  # the event itself, compared by ``_same_event``
    )


def _as_given(claim: ClaimFeatures, like: DateMention) -> list[DateMention]:
    """The claim's dates of the same standing as ``like``: the schedule it gives, or the one
    it says was superseded."""
    return [date for date in claim.dates if date.superseded == like.superseded]


def _event_named(
    x: DateMention, y: DateMention, a: ClaimFeatures, b: ClaimFeatures, names: frozenset[str]
) -> str:
    """The words of the event both dates date, for the cue: those both claims use, then each
    claim's own words for what only their class shares ("A “strike”, B “walkout”"), so a word
    is quoted under the role of the claim that says it."""
    shared = (set(x.context) & set(y.context)) - names or (set(x.lead) & set(y.lead)) - names
    literal = {word for word in shared if word in a.sets.lemmas and word in b.sets.lemmas}
    classed = shared - literal
    if not classed:
        return quoted(literal)
    own_a = {word for word in a.sets.lemmas if value_words.word_class(word) in classed}
    own_b = {word for word in b.sets.lemmas if value_words.word_class(word) in classed}
    literal |= own_a & own_b  # "completed" on both sides, compared as its class
    own_a, own_b = own_a - literal, own_b - literal
    if not (own_a and own_b):
        return quoted(literal)
    return ", ".join(filter(None, [quoted(literal), f"{A} {quoted(own_a)}, {B} {quoted(own_b)}"]))


def detect_date(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """Different dates for the same event (signed in 1994 vs ratified in 1996 is two events)."""
    if overlap.weight < 2 or not a.dates or not b.dates:
        return []
    if a.sets.answer_polarities and b.sets.answer_polarities:
        return []  # the dates of two answers: the answer detector judges them (an update)
    if reported_apart(a, b):
        return []  # "In May 2024 ... set for 9 August", "In June 2024 ... moved to 23 August"
    if _values_differ(a, b) or not a.sets.movements.isdisjoint(b.sets.movements):
        # a value or a movement dated twice: two periods, or an update ("grew in 2022",
        # "shrank in 2023"); the numeric and predicate detectors judge those. The same count
        # on both sides ("founded in 1851 by two printers" / "in 1868 by two printers") is
        # one thing given two dates.
        return []
    if not a.sets.negated.isdisjoint(b.sets.asserted) or not b.sets.negated.isdisjoint(
        a.sets.asserted
    ):
        return []  # "struck in 2021" against "did not strike in 2024": a denial, dated; negation's
    if relations_swapped(a, b) is not None:
        return []  # "Croatia beat Portugal in 2016" / "Portugal beat Croatia in 2022": two matches
    names = a.sets.entity_words | b.sets.entity_words
    for x in a.dates:
        for y in b.dates:
            if x.superseded != y.superseded:
                continue  # "originally set for March 2026" against "will begin in June 2026"
            if not _same_event(x, y, names) or not _dates_differ(x, y):
                continue
            if any(not _dates_differ(x, other) for other in _as_given(b, y)):
                continue
            if any(not _dates_differ(other, y) for other in _as_given(a, x)):
                continue  # "built in 1870 and expanded in 1960" against "built in 1870"
            if _qualified(x.lead, a, b) or _qualified(y.lead, b, a):
                continue  # "the port strike" / "the rail strike"; "a match" / "a floodlit match"
            event = _event_named(x, y, a, b, names)
            return [
                Cue(
                    kind="date",
                    strength=0.6,
                    template=f"different dates for the same event ({event}): "
                    f"{A} “{_BOUND_WORDS[x.bound]}{x.text}”, {B} “{_BOUND_WORDS[y.bound]}{y.text}”",
                )
            ]
    return []
