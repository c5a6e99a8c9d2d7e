"""One event in other words, from WordNet: verbs that share a frequent sense ("sanctioned" /
"approved", "perished" / "died") and nouns whose first sense is a verb's event ("the death of"
/ "died", "the approval of" / "approved"). Read from ``data/synonyms.json``, which
``generate_synonyms`` writes from Princeton WordNet at development time; keyed by
``text.lemma``, so a claim's lemmas look up directly."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from reviews.contradictions.text import STOPWORDS, lemma

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    payload = json.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    senses: dict[str, set[str]] = {}
    for word, offsets in payload["verb_senses"].items():
        if word in STOPWORDS:
            continue
        senses.setdefault(lemma(word), set()).update(f"wn:{offset}" for offset in offsets)
    events = {lemma(noun): lemma(verb) for noun, verb in payload["noun_events"].items()}
    return {word: frozenset(tags) for word, tags in senses.items()}, events


def verb_senses(word: str) -> frozenset[str]:
    """The shared senses of one verb's lemma ("wn:00806520" for "approv" and "sanction"); two
    verbs are one event when their senses meet. Empty for a verb WordNet links to none."""
    return _tables()[0].get(word, frozenset())


@functools.lru_cache(maxsize=1)
def _synonyms() -> dict[str, frozenset[str]]:
    members: dict[str, set[str]] = {}
    for word, tags in _tables()[0].items():
        for tag in tags:
            members.setdefault(tag, set()).add(word)
    return {
        word: frozenset(set().union(*(members[tag] for tag in tags)) - {word})
        for word, tags in _tables()[0].items()
    }


def verb_synonyms(word: str) -> frozenset[str]:
    """The lemmas of the verbs sharing a sense with one verb's lemma ("sanction" for "approv")."""
    return _synonyms().get(word, frozenset())


def noun_event(word: str) -> str:
    """The lemma of the verb whose event a noun's lemma names ("death" -> "die"), or ""."""
    return _tables()[1].get(word, "")


def names_an_event(word: str) -> bool:
    """Whether a verb's lemma names an event WordNet knows by another word: a verb sharing a
    sense with another, or the verb of an event noun ("kill": "killing")."""
    return bool(verb_senses(word)) or word in _event_verbs()


@functools.lru_cache(maxsize=1)
def _event_verbs() -> frozenset[str]:
    return frozenset(_tables()[1].values())
