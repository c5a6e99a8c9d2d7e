"""Generate ``data/synonyms.json`` from Princeton WordNet 3.0 (development-time only).

News restates one event in other words ("sanctioned" / "approved", "the death of" / "died"),
and the detectors must see one event there. This reads WordNet's database files (``data.verb``,
``data.noun``, ``index.verb``, ``index.noun`` and ``cntlist.rev``, the ``wndb(5WN)`` and
``cntlist(5WN)`` formats) with the standard library and keeps only precise links:

* **verb senses**: two single-word verbs are one event when they share a synset that is the
  first sense of each (``TOP_SENSES``) and that each was tagged in at least ``MIN_TAGS`` times
  in the sense-tagged corpus ("approve" / "sanction", "die" / "perish"; "sign" / "ratify"
  share only ratify's first sense, and date two events). Each verb keeps the synsets it shares,
  never a chain of them.
* **noun events**: a single-word noun whose first sense (tagged at least ``MIN_TAGS`` times, an
  act, event, process or state) has a derivational pointer (``+``) to a verb's first sense
  names that verb's event ("death" -> die, "approval" -> approve, "merger" -> merge).

The runtime never needs WordNet: it reads the committed JSON (``wordnet_words``). Get the
database from Debian (``apt-get install wordnet-base``: files in /usr/share/wordnet), then::

    python -m reviews.contradictions.generate_synonyms --wordnet-dir /usr/share/wordnet

WordNet 3.0 is Copyright 2006 Princeton University, under the WordNet licence (a permissive,
BSD-style licence): ``data/WORDNET-LICENSE.txt`` carries it, as the licence requires.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent / "data" / "synonyms.json"
TOP_SENSES = 1  # a link must be the first sense of both words ("sign" / "ratify" is not)
MIN_TAGS = 5  # times each word was tagged in the linking sense (cntlist)
# WordNet's lexicographer files of nouns that name events: noun.act, noun.event,
# noun.process, noun.state ("death", "closure", "arrest"; not noun.person, "driver").
EVENT_NOUN_FILES = frozenset(["04", "11", "22", "26"])
WORD = re.compile(r"^[a-z]{3,}$")
# Verbs too general to name an event by themselves (light verbs, verbs of saying and being).
_EXCLUDED_WORDS = """be have do go come get give take make put set say tell state hold keep let
    see know think feel find become seem look show call run turn bring stand stay remain leave
    move start begin end finish stop"""
EXCLUDED = frozenset(_EXCLUDED_WORDS.split())


@dataclasses.dataclass(frozen=True)
class Synset:
    offset: str
    words: tuple[tuple[str, str], ...]  # (word, lex_id) in order
    lex_filenum: str
    derivations: tuple[tuple[int, str, str, int], ...]  # (source, pos, target offset, target)


def _clean(word: str) -> str:
    return re.sub(r"\(.*\)$", "", word).lower()


def read_synsets(path: Path) -> dict[str, Synset]:
    synsets = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("  "):  # the licence header
                continue
            fields = line.split(" | ", 1)[0].split()
            offset, lex_filenum, word_count = fields[0], fields[1], int(fields[3], 16)
            words = tuple(
                (_clean(fields[4 + 2 * index]), fields[5 + 2 * index])
                for index in range(word_count)
            )
            cursor = 4 + 2 * word_count
            pointer_count = int(fields[cursor])
            cursor += 1
            derivations = []
            for _ in range(pointer_count):
                symbol, target, pos, source_target = fields[cursor : cursor + 4]
                cursor += 4
                if symbol == "+":
                    derivations.append(
                        (int(source_target[:2], 16), pos, target, int(source_target[2:], 16))
                    )
            synsets[offset] = Synset(offset, words, lex_filenum, tuple(derivations))
    return synsets


def read_senses(path: Path) -> dict[str, list[str]]:
    """Word -> its synset offsets, most frequent sense first (``index.pos``)."""
    senses = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("  "):
                continue
            fields = line.split()
            word, synset_count, pointer_count = fields[0], int(fields[2]), int(fields[3])
            offsets = fields[4 + pointer_count + 2 :]
            senses[word] = offsets[:synset_count]
    return senses


def read_tag_counts(path: Path) -> dict[str, int]:
    """Sense key -> times tagged (``cntlist.rev``)."""
    counts = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            key, _number, count = line.split()
            counts[key] = int(count)
    return counts


def _tags(word: str, synset: Synset, pos_number: int, counts: dict[str, int]) -> int:
    for member, lex_id in synset.words:
        if member == word:
            key = f"{word}%{pos_number}:{synset.lex_filenum}:{int(lex_id, 16):02d}::"
            return counts.get(key, 0)
    return 0


def _frequent_senses(
    word: str,
    senses: dict[str, list[str]],
    synsets: dict[str, Synset],
    pos_number: int,
    counts: dict[str, int],
    top: int,
) -> list[str]:
    return [
        offset
        for offset in senses.get(word, [])[:top]
        if _tags(word, synsets[offset], pos_number, counts) >= MIN_TAGS
    ]


def verb_senses_shared(
    synsets: dict[str, Synset], senses: dict[str, list[str]], counts: dict[str, int]
) -> dict[str, list[str]]:
    """Single-word verb -> the synsets (offsets) it shares with another single-word verb, each
    among the first senses of both words and tagged often enough for both. Words are linked only
    through one shared synset, never through a chain ("sign" / "ratify" and "sign" / "mark" do
    not make "ratify" / "mark" one event)."""
    frequent = {
        word: _frequent_senses(word, senses, synsets, 2, counts, TOP_SENSES)
        for word in senses
        if WORD.match(word) and word not in EXCLUDED
    }
    shared: dict[str, set[str]] = {}
    for word, offsets in frequent.items():
        for offset in offsets:
            for other, _lex_id in synsets[offset].words:
                if other == word or offset not in frequent.get(other, []):
                    continue
                if offset not in (senses[word][0], senses[other][0]):
                    continue  # the sense must be the first of one of the two words
                shared.setdefault(word, set()).add(offset)
    return {word: sorted(offsets) for word, offsets in sorted(shared.items())}


def noun_events(
    nouns: dict[str, Synset],
    noun_senses: dict[str, list[str]],
    verbs: dict[str, Synset],
    verb_senses: dict[str, list[str]],
    counts: dict[str, int],
) -> dict[str, str]:
    """Single-word noun -> the verb whose event its first sense names."""
    events = {}
    for noun in sorted(noun_senses):
        if not WORD.match(noun):
            continue
        first = _frequent_senses(noun, noun_senses, nouns, 1, counts, 1)
        if not first:
            continue
        synset = nouns[first[0]]
        if synset.lex_filenum not in EVENT_NOUN_FILES:
            continue  # "driver", "computer": a doer or a thing, no event
        position = [member for member, _lex_id in synset.words].index(noun) + 1
        for source, pos, target, target_number in synset.derivations:
            if source != position or pos != "v":
                continue
            verb = verbs[target].words[target_number - 1][0]
            if not WORD.match(verb) or verb in EXCLUDED or verb == noun:
                continue
            if target in _frequent_senses(verb, verb_senses, verbs, 2, counts, TOP_SENSES):
                events[noun] = verb
                break
    return events


def synonyms_from_wordnet(wordnet_dir: Path) -> dict[str, dict[str, Any]]:
    counts = read_tag_counts(wordnet_dir / "cntlist.rev")
    verbs = read_synsets(wordnet_dir / "data.verb")
    verb_senses = read_senses(wordnet_dir / "index.verb")
    nouns = read_synsets(wordnet_dir / "data.noun")
    noun_senses = read_senses(wordnet_dir / "index.noun")
    return {
        "verb_senses": verb_senses_shared(verbs, verb_senses, counts),
        "noun_events": noun_events(nouns, noun_senses, verbs, verb_senses, counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--wordnet-dir", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    tables = synonyms_from_wordnet(arguments.wordnet_dir)
    payload = {
        "source": "Princeton WordNet 3.0: verb synsets shared by frequent senses, noun -> verb "
        "derivational pointers of a noun's first sense",
        "licence": "WordNet 3.0 licence (see WORDNET-LICENSE.txt)",
        "generator": "reviews/contradictions/generate_synonyms.py",
        "settings": {"top_senses": TOP_SENSES, "min_tags": MIN_TAGS},
        **tables,
    }
    arguments.output.write_text(json.dumps(payload, indent=0, sort_keys=True) + "\n")
    print(f"wrote {arguments.output.name}: { ({name: len(t) for name, t in tables.items()}) }")


if __name__ == "__main__":
    main()
