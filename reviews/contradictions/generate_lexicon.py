"""Generate ``data/antonyms.json`` from Princeton WordNet 3.0 (development-time only).

Reads WordNet's database files (``data.adj``, ``data.verb``, ``data.noun``) in the documented
``wndb(5WN)`` format with the standard library and keeps the *direct* antonym pointers (``!``)
between single words. The runtime never needs WordNet: it reads the committed JSON file.

Get the database from Debian (``apt-get install wordnet-base``: files in /usr/share/wordnet) or
from Princeton, then run::

    python -m reviews.contradictions.generate_lexicon --wordnet-dir /usr/share/wordnet

WordNet 3.0 is Copyright 2006 Princeton University, under the WordNet licence (a permissive,
BSD-style licence): ``data/WORDNET-LICENSE.txt`` carries it, as the licence requires.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "data" / "antonyms.json"
PARTS_OF_SPEECH = {"adj": "adjective", "verb": "verb", "noun": "noun"}
# Words too general to signal a contradiction by themselves (function-like or ubiquitous in news).
EXCLUDED = {
    "be",
    "have",
    "do",
    "go",
    "come",
    "get",
    "give",
    "take",
    "make",
    "in",
    "out",
    "up",
    "down",
    "on",
    "off",
    "first",
    "last",
    "old",
    "new",
    "good",
    "bad",
    "more",
    "less",
    "many",
    "few",
    "all",
    "some",
    "same",
    "other",
    "front",
    "back",
    "left",
    "right",
    "top",
    "bottom",
    "early",
    "late",
    "high",
    "low",
    "long",
    "short",
    "big",
    "small",
    "large",
    "little",
    "male",
    "female",
    "man",
    "woman",
    "day",
    "night",
    "north",
    "south",
    "east",
    "west",
    "inside",
    "outside",
    "start",
    "finish",
    "begin",
    "end",
    "open",
    "close",
    "before",
    "after",
    "full",
    "empty",
}
WORD = re.compile(r"^[a-z][a-z-]+$")


def _clean(word: str) -> str:
    # Adjective markers like "(a)" and "(p)" qualify the position, not the word.
    return re.sub(r"\(.*\)$", "", word).replace("_", " ").lower()


def antonyms_from_wordnet(wordnet_dir: Path) -> dict[str, dict[str, list[str]]]:
    """Direct antonyms by part of speech: ``{"adjective": {"alive": ["dead"], ...}, ...}``."""
    result: dict[str, dict[str, set[str]]] = {name: {} for name in PARTS_OF_SPEECH.values()}
    for suffix, pos_name in PARTS_OF_SPEECH.items():
        words_by_offset: dict[str, list[str]] = {}
        pointers: list[tuple[str, int, str, int]] = []
        with (wordnet_dir / f"data.{suffix}").open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("  "):  # the licence header
                    continue
                fields = line.split(" | ", 1)[0].split()
                offset, word_count = fields[0], int(fields[3], 16)
                words = [_clean(fields[4 + 2 * index]) for index in range(word_count)]
                words_by_offset[offset] = words
                cursor = 4 + 2 * word_count
                pointer_count = int(fields[cursor])
                cursor += 1
                for _ in range(pointer_count):
                    symbol, target, _pos, source_target = fields[cursor : cursor + 4]
                    cursor += 4
                    if symbol == "!":
                        source_number = int(source_target[:2], 16)
                        target_number = int(source_target[2:], 16)
                        pointers.append((offset, source_number, target, target_number))
        for offset, source_number, target, target_number in pointers:
            source_word = words_by_offset[offset][source_number - 1]
            target_word = words_by_offset[target][target_number - 1]
            if not (WORD.match(source_word) and WORD.match(target_word)):
                continue
            if source_word in EXCLUDED or target_word in EXCLUDED:
                continue
            result[pos_name].setdefault(source_word, set()).add(target_word)
            result[pos_name].setdefault(target_word, set()).add(source_word)
    return {
        pos: {word: sorted(others) for word, others in sorted(table.items())}
        for pos, table in result.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--wordnet-dir", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    antonyms = antonyms_from_wordnet(arguments.wordnet_dir)
    lexicon = {
        "source": "Princeton WordNet 3.0, direct antonym pointers",
        "licence": "WordNet 3.0 licence (see WORDNET-LICENSE.txt)",
        "generator": "reviews/contradictions/generate_lexicon.py",
        "antonyms": antonyms,
    }
    arguments.output.write_text(json.dumps(lexicon, indent=0, sort_keys=True) + "\n")
    counts = {pos: len(table) for pos, table in antonyms.items()}
    print(f"wrote {arguments.output.name}: {counts}")


if __name__ == "__main__":
    main()
