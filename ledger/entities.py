"""Named entities in English news text, normalised so that claims about one subject meet.

``entities_find`` returns every entity mention with its canonical name: countries through their
names, long forms, capitals and demonyms (Tehran, Iranian, the Islamic Republic -> Iran;
Washington, U.S., Americans -> United States), a few regions and organisations, and other
capitalised names as they are written. ``entity_canonical`` maps one name to its canonical form.

The alias table is data (``ledger/data/entity_aliases.json``), generated from the ``countryinfo``
package by ``scripts/generate_entity_aliases.py``; this module needs only the standard library.
The API is stable: other parts of the ledger (contradiction blocking, claim extraction) rely on
``Entity``, ``entities_find``, ``entity_canonical`` and ``entities_canonical_names``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import pathlib
import re

ALIASES_PATH = pathlib.Path(__file__).resolve().parent / "data" / "entity_aliases.json"

KIND_NAME = "name"  # a capitalised name the alias table does not know (a person, a university)

# Capitalised words that start sentences or headings without naming anything.
_NOT_NAMES_TEXT = """
    A An And As At But By Despite During For From He Her His How However I If In Instead It Its
    Meanwhile Moreover My Nor Of On Or Our She Since So Such That The Their Then There These They
    This Those Though Thus To Under Unlike Until We What When Where Whether Which While Who Why
    With Within Without Yet You Your Beyond Both Crucially Particularly Prior Following Over
    Starting Understanding Strategically Share Today Yesterday Tomorrow Mr Mrs Ms Dr
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_APOSTROPHES = "'\u2019"

# One name: capitalised words, optionally joined by lower-case particles ("Department of
# Politics", "Popular Front for the Liberation of Palestine").
_NAME_WORD = rf"[A-Z][\w{_APOSTROPHES}.-]*[\w]|[A-Z]"
_NAME_PATTERN = re.compile(
    rf"(?<![\w{_APOSTROPHES}-])(?:{_NAME_WORD})"
    rf"(?:(?:[ \t]+(?:of|the|and|for|de|al|bin|van|von|der|la|le)){{0,2}}[ \t]+(?:{_NAME_WORD}))*"
)
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s?$")


@dataclasses.dataclass(frozen=True)
class Entity:
    """One mention: ``text`` is the surface form at ``start``..``end`` (end exclusive)."""

    text: str
    canonical: str
    kind: str
    start: int
    end: int


@dataclasses.dataclass(frozen=True)
class _Alias:
    canonical: str
    kind: str


@functools.cache
def _aliases() -> dict[str, _Alias]:
    table = json.loads(ALIASES_PATH.read_text(encoding="utf-8"))["aliases"]
    return {
        alias: _Alias(canonical=entry["canonical"], kind=entry["kind"])
        for alias, entry in table.items()
    }


@functools.cache
def _folded_aliases() -> dict[str, _Alias]:
    """Aliases looked up regardless of case, except short all-capital ones (US is not "us")."""
    return {
        alias.casefold(): entry
        for alias, entry in _aliases().items()
        if not (alias.isupper() and len(alias.replace(".", "")) <= 4)
    }


@functools.cache
def _alias_pattern() -> re.Pattern[str]:
    alternatives = sorted(_aliases(), key=lambda alias: (-len(alias), alias))
    joined = "|".join(re.escape(alias) for alias in alternatives)
    # A trailing full stop of "U.S." may also end the sentence: it stays part of the alias.
    return re.compile(rf"(?<![\w{_APOSTROPHES}])(?:{joined})(?!\w)")


def entities_load() -> None:
    """Read and compile the alias tables now, not on the first lookup (``extraction_load``)."""
    _folded_aliases()
    _alias_pattern()


def _clean(name: str) -> str:
    cleaned = " ".join(name.split())
    cleaned = _POSSESSIVE.sub("", cleaned)
    if cleaned.casefold().startswith("the "):
        cleaned = cleaned[4:]
    return cleaned.strip()


def entity_canonical(name: str) -> str:
    """The canonical name of ``name`` (``Tehran`` -> ``Iran``), or ``name`` tidied when unknown.

    Tidying collapses whitespace and drops a possessive and a leading "the", so "the Kremlin's"
    and "Kremlin" agree. Case is ignored except for short abbreviations (``US`` is the United
    States, ``us`` is not).
    """
    cleaned = _clean(name)
    entry = _aliases().get(cleaned) or _folded_aliases().get(cleaned.casefold())
    return entry.canonical if entry is not None else cleaned


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in '\n.!?:;"“”(•*-'


def _other_names(text: str, taken: list[tuple[int, int]]) -> list[Entity]:
    found = []
    for match in _NAME_PATTERN.finditer(text):
        words = [
            (word.start() + match.start(), word.end() + match.start())
            for word in re.finditer(r"\S+", match.group())
        ]
        # Leading function words ("The", "However") are not part of the name.
        while words and text[words[0][0] : words[0][1]].rstrip(".") in _NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        start, end = words[0][0], words[-1][1]
        surface = _POSSESSIVE.sub("", text[start:end].rstrip("."))
        end = start + len(surface)
        if len(surface) < 2 or surface.isdigit():
            continue
        if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
            continue
        if len(words) == 1 and _at_sentence_start(text, start):
            continue
        found.append(
            Entity(
                text=surface,
                canonical=entity_canonical(surface),
                kind=KIND_NAME,
                start=start,
                end=end,
            )
        )
    return found


# A text whose every longer word is capitalised (a title-case or all-capitals headline, "North
# Dakota Names Landfill After Obama") says nothing by its casing: only known aliases are taken
# there, not capitalised runs, which would swallow its verbs and nouns as one long "name".
_WORD = re.compile(rf"[^\W\d_][\w{_APOSTROPHES}-]*")
_CASING_WORD_LENGTH = 4  # shorter words ("of", "in", "the") are lower-case in title case too
# Fewer capitalised words, after the first, are as likely names alone ("I met Grant Milliron,
# Mansfield, Ohio").
_CASING_MIN_WORDS = 5


def casing_is_informative(text: str) -> bool:
    """False when every word of four letters or more after the first starts with a capital
    (and there are at least five): then capitals mark a headline's style, not names."""
    longer = [word for word in _WORD.findall(text)[1:] if len(word) >= _CASING_WORD_LENGTH]
    if len(longer) < _CASING_MIN_WORDS:
        return True
    return any(word[0].islower() for word in longer)


def entities_find(text: str) -> list[Entity]:
    """Every entity mentioned in ``text``, in order of appearance, without overlaps.

    Known aliases win over other names, longer aliases over shorter ones ("Palestinian Islamic
    Jihad" is one organisation, not Palestine). Other capitalised names are returned with kind
    ``"name"`` and their tidied surface form as canonical name; a lone capitalised word that
    starts a sentence is not taken for a name, and in a text whose casing says nothing
    (``casing_is_informative``: a title-case headline) only known aliases are.
    """
    known = []
    for match in _alias_pattern().finditer(text):
        entry = _aliases()[match.group()]
        known.append(
            Entity(
                text=match.group(),
                canonical=entry.canonical,
                kind=entry.kind,
                start=match.start(),
                end=match.end(),
            )
        )
    # A capitalised run that contains a known alias ("University of London") is left to the
    # alias: blocking on the country is more useful than an unknown institution's name.
    if not casing_is_informative(text):
        return known
    others = _other_names(text, [(entity.start, entity.end) for entity in known])
    return sorted(known + others, key=lambda entity: entity.start)


def entities_canonical_names(text: str) -> list[str]:
    """The distinct canonical names mentioned in ``text``, sorted: a claim's blocking keys."""
    return sorted({entity.canonical for entity in entities_find(text)})
