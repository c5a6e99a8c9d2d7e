"""The words news uses for one event or one measure: wire copy restates a claim in other words
("opened" / "inaugurated", "sank" / "capsized", "the strike" / "the walkout", "cost" /
"price tag", "unemployment" / "the jobless rate"), and the date and numeric detectors must see
one event or one measure there, not two things. Each table maps lemmas (``text.lemma``) to a
class named by one of them; the tables are general news vocabulary, not any pair's words."""

from __future__ import annotations

from collections.abc import Iterable

from reviews.contradictions import lexicon, wordnet_words
from reviews.contradictions.text import lemma

# One event in other verbs: the date detector compares the dates of one class.
EVENT_VERBS = lexicon.word_classes(
    {
        "open": "open inaugurate",
        "begin": "begin start launch",
        "sink": "sink sank sunk capsize",
        "arrest": "arrest detain",
        "complete": "complete finalise finalize",
        "die": "die",
    }
)
EVENT_CLASSES = frozenset(EVENT_VERBS.values())
# Verbs that say only that an event happened ("the closure came in March", "his death occurred
# in 1961"): the event is the noun before them.
OCCURRENCE_VERBS = frozenset(lemma(word) for word in ["come", "came", "occur", "happen"])
# What an event happened to, in other nouns ("the strike" / "the walkout", "the takeover" /
# "the purchase", "the fire" / "the blaze").
EVENT_NOUNS = lexicon.word_classes(
    {
        "strike": "strike walkout stoppage",
        "takeover": "takeover acquisition purchase buyout",
        "fire": "fire blaze wildfire",
    }
)
# One measure in other words: the numeric detector does not read them as two things ("cost"
# / "price tag", "unemployment" / "jobless rate", "full" / "of capacity", "daily output" /
# "produced ... a day").
MEASURE_WORDS = lexicon.word_classes(
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
COUNTED_BEFORE = lexicon.word_classes(
    {"person": "toll population", "workforce": "workforce headcount"}
)
# Words after a number that say when, not what it counts ("8,500 at the end of 2022").
NOT_COUNTED = frozenset(lemma(word) for word in ["end", "start", "beginning", "close", "middle"])


def event_class(word: str) -> str:
    """The class of one event verb's lemma, or the lemma itself."""
    return EVENT_VERBS.get(word, word)


def event_noun(word: str) -> str:
    """What an event noun's lemma names: its class ("walkout": a strike), else the verb whose
    event WordNet says it is ("death": die, ``wordnet_words.noun_event``), else the lemma."""
    return EVENT_NOUNS.get(word) or wordnet_words.noun_event(word) or word


def event_senses(word: str) -> list[str]:
    """An event verb's lemma with its class and the WordNet senses it shares ("perished":
    "perish" and the sense it shares with "die"), for comparing the events of two dates."""
    return [word, *sorted({event_class(word)} - {word}), *sorted(wordnet_words.verb_senses(word))]


def noun_events(lemmas: Iterable[str]) -> list[str]:
    """The events the nouns among ``lemmas`` name, as ``event_senses`` gives them ("death":
    "die" and its senses), for a date whose verb only says that something happened."""
    values = list(lemmas)
    named = [event_noun(word) for word in values]
    verbs = [name for word, name in zip(values, named, strict=True) if name != word]
    return [sense for verb in verbs for sense in event_senses(verb)]


def word_class(word: str) -> str:
    """The event or event-noun class of one lemma, or the lemma itself."""
    named = event_noun(word)
    return named if named != word else event_class(word)


def noun_classes(lemmas: Iterable[str]) -> set[str]:
    """The event-noun classes of ``lemmas`` beside the lemmas themselves."""
    values = set(lemmas)
    return values | {event_noun(value) for value in values}


def measure_classes(lemmas: Iterable[str]) -> set[str]:
    """``lemmas`` as measure classes ("price" -> "cost"), the rest as they are."""
    return {MEASURE_WORDS.get(value, value) for value in lemmas}
