"""The words news uses for one event or one measure: wire copy restates a claim in other words
("opened" / "entered service" / "opened its doors", "the strike" / "the walkout", "cost" /
"price tag", "unemployment" / "the jobless rate"), and the date and numeric detectors must see
one event or one measure there, not two things. Each table maps lemmas (``text.lemma``) to a
class named by one of them; the tables are general news vocabulary, not any pair's words."""

from __future__ import annotations

from collections.abc import Iterable

from reviews.contradictions import lexicon
from reviews.contradictions.text import is_past_form, lemma


def _classes(table: dict[str, str]) -> dict[str, str]:
    return {lemma(word): name for name, words in table.items() for word in words.split()}


# One event in other verbs: the date detector compares the dates of one class.
EVENT_VERBS = _classes(
    {
        "open": "open inaugurate",
        "begin": "begin start launch",
        "sink": "sink sank sunk capsize",
        "arrest": "arrest detain",
        "complete": "complete finalise finalize",
        "die": "die",
    }
)
# Phrases of an event, as lemmas with the small words between them left out ("entered
# service", "opened its doors", "opened to the public", "welcomed its first visitors", "went
# down", "was taken into custody"): the class of the whole phrase.
EVENT_PHRASES: dict[tuple[str, ...], str] = {
    tuple(lemma(word) for word in phrase.split()): name
    for name, phrases in {
        "open": [
            "enter service",
            "begin service",
            "start service",
            "come into service",
            "came into service",
            "open doors",
            "open public",
            "open traffic",
            "open passengers",
            "welcome first visitors",
            "welcome first passengers",
        ],
        "sink": ["go down"],
        "arrest": ["taken into custody", "took into custody"],
        "begin": ["got under way", "kicked off"],
    }.items()
    for phrase in phrases
}
EVENT_CLASSES = frozenset(EVENT_VERBS.values()) | frozenset(EVENT_PHRASES.values())
PHRASE_FILLERS = frozenset(["the", "its", "their", "his", "her", "a", "an", "to", "was", "were"])
# Past forms the suffix rules of ``text.is_past_form`` miss.
IRREGULAR_PAST = frozenset(["sank", "sunk"])
# What an event happened to, in other nouns ("the strike" / "the walkout", "the takeover" /
# "the purchase", "the fire" / "the blaze").
EVENT_NOUNS = _classes(
    {
        "strike": "strike walkout stoppage",
        "takeover": "takeover acquisition purchase buyout",
        "fire": "fire blaze wildfire",
    }
)
# Words a date's clause gives about the date itself, not what it dates ("on the night of 4
# February", "on Monday 2 October").
DATE_WORDS = frozenset(
    lemma(word)
    for word in [
        "night",
        "morning",
        "afternoon",
        "evening",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)
# One measure in other words: the numeric detector does not read them as two things ("cost"
# / "price tag", "unemployment" / "jobless rate", "full" / "of capacity", "daily output" /
# "produced ... a day").
MEASURE_WORDS = _classes(
    {
        "cost": "cost price tag budget bill valued value worth",
        "unemployment": "unemployment jobless unemployed",
        "fire": "fire blaze wildfire",
        "output": "output production produce",
        "full": "full capacity",
        "day": "day daily",
        "death": "death toll dead kill killed die died fatality",
        "turnout": "turnout voter ballot",
    }
)
# Words that name no measure of their own ("the jobless rate"), and the approximations and
# bounds a number is phrased with ("around 3,500", "at least 120").
GENERIC_MEASURE_WORDS = frozenset(lemma(word) for word in ["rate", "level", "figure"]) | (
    lexicon.APPROXIMATORS | lexicon.LOWER_BOUNDS | lexicon.UPPER_BOUNDS
)
# A number given after what it counts ("the death toll stood at 31", "the population was about
# 640,000", "a workforce of 8,500"): the class of what it counts (``lexicon.MEASURE_CLASSES``).
COUNTED_BEFORE = _classes({"person": "toll population", "workforce": "workforce headcount"})
# Words after a number that say when, not what it counts ("8,500 at the end of 2022").
NOT_COUNTED = frozenset(lemma(word) for word in ["end", "start", "beginning", "close", "middle"])


def event_spans(lowered: list[str]) -> list[tuple[int, int, str]]:
    """The event phrases of a claim's lowered tokens: (start, end, class), left to right."""
    lemmas = [lemma(word) for word in lowered]
    spans = []
    longest = max(len(phrase) for phrase in EVENT_PHRASES)
    cursor = 0
    while cursor < len(lowered):
        found = _phrase_at(lemmas, lowered, cursor, longest)
        if found:
            spans.append((cursor, found[0], found[1]))
            cursor = found[0]
        else:
            cursor += 1
    return spans


def _phrase_at(
    lemmas: list[str], lowered: list[str], start: int, longest: int
) -> tuple[int, str] | None:
    words: list[str] = []
    cursor = start
    while cursor < len(lemmas) and len(words) < longest:
        if words and lowered[cursor] in PHRASE_FILLERS:
            cursor += 1
            continue
        words.append(lemmas[cursor])
        cursor += 1
        name = EVENT_PHRASES.get(tuple(words))
        if name:
            return cursor, name
    return None


def event_class(word: str) -> str:
    """The class of one event verb's lemma, or the lemma itself."""
    return EVENT_VERBS.get(word, word)


def events_near(lowered: list[str], low: int, high: int) -> list[str]:
    """The classes of the event phrases said in the past within ``low`` to ``high`` ("entered
    service", "went down"): the event a date there dates."""
    return [
        name
        for start, end, name in event_spans(lowered)
        if start < high and end > low and any(said_in_past(word) for word in lowered[start:end])
    ]


def said_in_past(word: str) -> bool:
    return is_past_form(word) or word in IRREGULAR_PAST


def in_event_words(words: Iterable[str]) -> list[str]:
    """``words`` (a clause's lowered tokens) with each event phrase given as its class."""
    tokens = list(words)
    out: list[str] = []
    cursor = 0
    for start, end, name in event_spans(tokens):
        out.extend(tokens[cursor:start])
        out.append(name)
        cursor = end
    out.extend(tokens[cursor:])
    return out


def word_class(word: str) -> str:
    """The event or event-noun class of one lemma, or the lemma itself."""
    return EVENT_NOUNS.get(word, event_class(word))


def noun_classes(lemmas: Iterable[str]) -> set[str]:
    """The event-noun classes of ``lemmas`` beside the lemmas themselves."""
    values = set(lemmas)
    return values | {EVENT_NOUNS[value] for value in values if value in EVENT_NOUNS}


def measure_classes(lemmas: Iterable[str]) -> set[str]:
    """``lemmas`` as measure classes ("price" -> "cost"), the rest as they are."""
    return {MEASURE_WORDS.get(value, value) for value in lemmas}
