"""Which named things a claim is about, by canonical name: the one injectable piece of features.

``EntityResolver`` is any function from text to canonical entity names. The default finds
capitalised spans and folds aliases (capitals, demonyms, short forms) into one name, so "Tehran"
and "Iran's" both count as ``iran``. ``ledger.entities`` (the ingestion engineer's normaliser) is
used instead when it is present, so the whole product agrees on one alias table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

EntityResolver = Callable[[str], list[str]]

# Fallback alias table; ``ledger.entities`` supersedes it when present.
ALIASES = {
    "tehran": "iran",
    "iranian": "iran",
    "iranians": "iran",
    "islamic republic": "iran",
    "islamic republic of iran": "iran",
    "washington": "united states",
    "u.s.": "united states",
    "us": "united states",
    "usa": "united states",
    "u.s.a.": "united states",
    "america": "united states",
    "american": "united states",
    "americans": "united states",
    "united states of america": "united states",
    "jerusalem": "israel",
    "israeli": "israel",
    "israelis": "israel",
    "palestinian": "palestine",
    "palestinians": "palestine",
    "moscow": "russia",
    "russian": "russia",
    "russians": "russia",
    "beijing": "china",
    "chinese": "china",
    "london": "united kingdom",
    "britain": "united kingdom",
    "british": "united kingdom",
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "paris": "france",
    "french": "france",
    "berlin": "germany",
    "german": "germany",
    "beirut": "lebanon",
    "lebanese": "lebanon",
    "baghdad": "iraq",
    "iraqi": "iraq",
    "damascus": "syria",
    "syrian": "syria",
    "hezbollah": "hezbollah",
    "hizbollah": "hezbollah",
    "houthis": "houthi movement",
    "houthi": "houthi movement",
    "isis": "islamic state",
    "isil": "islamic state",
    "is": "islamic state",
}
CAPITALISED_SPAN = re.compile(
    r"(?<![\w.])(?:[A-Z][\w'\u2019.-]*|of|the|de|al)"
    r"(?:\s+(?:[A-Z][\w'\u2019.-]*|of|the|de|al-\w+))*"
)
LEADING_WORDS = frozenset(["the", "a", "an", "of", "de", "al", "in", "on", "at"])
SENTENCE_START_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "after",
        "before",
        "when",
        "while",
        "but",
        "and",
        "or",
        "as",
        "if",
        "by",
        "to",
        "of",
        "some",
        "many",
        "most",
        "all",
        "no",
        "not",
        "there",
        "their",
        "his",
        "her",
        "our",
        "we",
        "they",
        "he",
        "she",
        "i",
        "you",
        "following",
        "crucially",
        "however",
        "although",
        "though",
    ]
)


SPAN_BREAKS = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "not",
        "no",
        "will",
        "would",
        "can",
        "could",
        "did",
        "does",
        "do",
        "to",
        "for",
        "with",
        "by",
        "on",
        "in",
        "at",
        "as",
        "from",
        "after",
        "before",
        "over",
        "into",
        "about",
        "says",
        "said",
        "and",
        "or",
        "but",
    ]
)


def _canonical(name: str) -> str:
    lowered = name.lower().replace("\u2019", "'")
    lowered = re.sub(r"'s?$", "", lowered).strip(" .-")
    return ALIASES.get(lowered, lowered)


def entities_from_capitals(text: str) -> list[str]:
    """Canonical names of capitalised spans, plus aliases of single words inside them."""
    found: set[str] = set()
    for match in CAPITALISED_SPAN.finditer(text):
        words = match.group(0).split()
        # Title-case headlines capitalise every word: a capitalised stopword ends a name.
        for index, word in enumerate(words):
            if index and word[0].isupper() and word.lower() in SPAN_BREAKS:
                words = words[:index]
                break
        while words and words[0].lower() in LEADING_WORDS:
            words = words[1:]
        while words and words[-1].lower() in LEADING_WORDS:
            words = words[:-1]
        if not words:
            continue
        sentence_start = match.start() == 0 or text[: match.start()].rstrip().endswith(
            (".", "!", "?", '"')
        )
        if sentence_start and words[0].lower() in SENTENCE_START_WORDS:
            words = words[1:]
        if not words:
            continue
        found.add(_canonical(" ".join(words)))
        for word in words:
            base = re.sub(r"'s?$", "", word.lower().replace("\u2019", "'")).strip(" .-")
            if base in ALIASES:
                found.add(ALIASES[base])
    return sorted(found)


@functools.lru_cache(maxsize=1)
def default_resolver() -> EntityResolver:
    """``ledger.entities`` when it exists, else the capitalised-span fallback above."""
    try:
        from ledger import entities as ledger_entities  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return entities_from_capitals
    find: EntityResolver | None = getattr(ledger_entities, "entities_canonical_names", None)
    if find is None:
        return entities_from_capitals
    return lambda text: sorted({name.lower() for name in find(text)})
