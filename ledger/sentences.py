"""Sentence splitting: a text's sentences with exact character offsets (end exclusive).

Pure functions over a string. ``sentences_split`` survives abbreviations ("U.S.", "Mr."),
initials, numbers ("2.1", "$100.5 million"), quotes and headings; ``ledger.extraction`` decides
which sentences are claims.
"""

from __future__ import annotations

import dataclasses
import re


@dataclasses.dataclass(frozen=True)
class Sentence:
    text: str  # exactly ``source[start:end]``
    start: int
    end: int


OPENING_MARKS = "\"'\u201c\u2018(["  # straight and curly opening quotes, brackets
_CLOSING = "\"'\u201d\u2019)\\]"  # closing quotes and brackets, escaped for a regex class
BULLET_MARKS = "\u2022\\-*\u2013\u00b7\u25aa\u25cf"  # bullet, hyphen, asterisk, en dash, dots


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower-cased tokens (without their final full stop) after which a full stop rarely ends a sentence.
_ABBREVIATIONS = _words(
    """
    mr mrs ms dr prof sr jr st mt ft vs etc inc ltd co corp gen col lt sgt capt cmdr adm gov
    sen rep rev hon pres approx dept univ est ed eds al op cf ca
    e.g i.e u.s u.k u.n e.u a.m p.m d.c u.s.a ph.d b.a m.a
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    """
)
# Abbreviations that only stand before a number.
_NUMBERING_ABBREVIATIONS = _words("no nos fig figs vol pp")
# Abbreviations that can also end a sentence ("... sanctions against the U.S. The next day").
_SENTENCE_FINAL_ABBREVIATIONS = _words("etc inc ltd co u.s u.k u.n e.u a.m p.m d.c")
_SENTENCE_STARTERS = _words(
    """
    The A An This That These Those It Its He She They We I In On At But And However Meanwhile
    Still Yet So Then There Their His Her Our After Before When While Although Since As If
    """
)
# Possessive, and starting only where a run of punctuation starts: a long run ("!!!…") is
# scanned once, not once per character (quadratic on one long line).
_BOUNDARY = re.compile(rf"(?<![.!?…])[.!?…]++[{_CLOSING}]*+(?=\s|$)")
_NEXT_TOKEN = re.compile(r"\s*+(\S*+)")
# How a sentence ends (with any closing quotes or brackets), and a list item's bullet or number.
TERMINAL = re.compile(rf"[.!?…][{_CLOSING}]*$")
BULLET = re.compile(rf"^\s*(?:[{BULLET_MARKS}]|\d+[.)])\s+")


def _token_before(text: str, position: int) -> str:
    """The whitespace-separated token that ends before ``position`` (skipping whitespace).

    Scans back from ``position`` only as far as that token: slicing ``text[:position]`` per
    boundary made splitting one long line quadratic.
    """
    end = position
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _is_boundary(text: str, punct_start: int, punct_end: int, block_end: int) -> bool:
    after = _NEXT_TOKEN.match(text, punct_end, block_end)
    next_token = after.group(1) if after is not None else ""
    if not next_token:
        return True
    first = next_token[0]
    if first in OPENING_MARKS:
        first = next_token[1:2] or first
    if not (first.isupper() or first.isdigit()):
        return False
    if text[punct_start] != "." or (punct_end - punct_start > 1 and text[punct_start + 1] != "."):
        return True
    token = _token_before(text, punct_start).lstrip(OPENING_MARKS).lower()
    if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
        return False
    if token in _NUMBERING_ABBREVIATIONS:  # "No. 5", but "yes or no. Since ..." ends
        return not next_token[0].isdigit()
    if token in _ABBREVIATIONS:
        return token in _SENTENCE_FINAL_ABBREVIATIONS and next_token.strip(OPENING_MARKS) in (
            _SENTENCE_STARTERS
        )
    return True


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that a sentence never crosses: lines, except soft-wrapped paragraph lines."""
    spans: list[tuple[int, int]] = []
    last_line = ""  # the line the last span ends with
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        if not match.group().strip():
            continue
        if spans:
            previous_start, previous_end = spans[-1]
            # How the span ends is how its last line ends: looking at the line alone keeps a
            # long run of soft-wrapped lines linear (the whole span was copied and searched).
            previous = last_line.rstrip()
            between = text[previous_end:start]
            soft_wrapped = (
                between == "\n"
                and not TERMINAL.search(previous)
                and not previous.endswith(":")
                and not BULLET.match(match.group())
                and match.group().lstrip()[:1].islower()
            )
            if soft_wrapped:
                spans[-1] = (previous_start, end)
                last_line = match.group()
                continue
        spans.append((start, end))
        last_line = match.group()
    return spans


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(text=text[start:end], start=start, end=end) if start < end else None


def sentences_split(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with exact offsets.

    Lines are hard boundaries (headings, list items and link lists are lines of their own) unless
    a paragraph is soft-wrapped. Within a line a sentence ends at ``.``, ``!``, ``?`` or an
    ellipsis (with any closing quotes or brackets) before an upper-case letter or a digit, but
    not after an abbreviation ("U.S.", "Mr."), an initial ("J."), or inside a number ("2.1",
    "$100.5 million"), which has no space after its point.
    """
    sentences: list[Sentence] = []
    for block_start, block_end in _blocks(text):
        start = block_start
        for match in _BOUNDARY.finditer(text, block_start, block_end):
            if _is_boundary(text, match.start(), match.end(), block_end):
                sentence = _trimmed(text, start, match.end())
                if sentence is not None:
                    sentences.append(sentence)
                start = match.end()
        sentence = _trimmed(text, start, block_end)
        if sentence is not None:
            sentences.append(sentence)
    return sentences
