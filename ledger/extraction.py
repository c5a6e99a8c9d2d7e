"""Claim extraction from article text: sentences, what is not a claim, and check-worthiness.

Pure functions over a string; nothing here touches the database. ``claims_extract`` splits the
text into sentences, skips everything a reviewer would not check (headings, questions, calls to
action, related-headline links, cookie banners, author cards, social profiles, personal data,
statements about the article itself, duplicates), and returns the remaining sentences as claims
with W3C text selectors over the same text, their entities and a check-worthiness score.

Every offset is a character offset into the exact string given, end exclusive, so a selector
re-anchors in ``Source.text`` (see ``selector_anchor``).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException

from ledger.checkworthiness import sentence_classify
from ledger.entities import KIND_NAME, entities_find
from ledger.events import TextSelector, WithheldSpan

# 2: check-worthiness by the classifier of ledger.checkworthiness; phone numbers by
# libphonenumber; context stops at withheld text.
EXTRACTOR_VERSION = "2"
SELECTOR_CONTEXT_CHARS = 32  # prefix/suffix length: enough to tell repeated quotes apart
MIN_CLAIM_WORDS = 5
MAX_CLAIM_CHARS = 1000  # longer "sentences" are run-on text (lists, tables), not one claim


class SkipReason:
    """Why a sentence is not a claim; the values are stable and appear in ``ingest --json``."""

    HEADING = "heading"
    QUESTION = "question"
    CALL_TO_ACTION = "call_to_action"
    RELATED_LINK = "related_link"
    COOKIE_BANNER = "cookie_banner"
    AUTHOR_CARD = "author_card"
    SOCIAL_PROFILE = "social_profile"
    PERSONAL_DATA = "personal_data"
    ABOUT_THE_ARTICLE = "about_the_article"
    FRAGMENT = "fragment"
    DUPLICATE = "duplicate"


# Skipped sentences that the context shown around a quote never includes: personal data and
# the page's boilerplate. Headings, questions and fragments are the article's own text.
WITHHELD_REASONS = frozenset(
    {
        SkipReason.PERSONAL_DATA,
        SkipReason.AUTHOR_CARD,
        SkipReason.SOCIAL_PROFILE,
        SkipReason.COOKIE_BANNER,
        SkipReason.RELATED_LINK,
        SkipReason.CALL_TO_ACTION,
    }
)


@dataclasses.dataclass(frozen=True)
class Sentence:
    text: str  # exactly ``source[start:end]``
    start: int
    end: int


@dataclasses.dataclass(frozen=True)
class ExtractedClaim:
    text: str  # the sentence with its whitespace collapsed
    start: int
    end: int
    selector: TextSelector
    check_worthiness: dict[str, Any]  # ``Classification.as_payload()``: score, label, class...
    entities: list[str]  # canonical names, sorted


@dataclasses.dataclass(frozen=True)
class SkippedSentence:
    text: str  # personal data is redacted here, so reports never repeat it
    start: int
    end: int
    reason: str
    detail: str = ""


@dataclasses.dataclass(frozen=True)
class Extraction:
    claims: list[ExtractedClaim]
    skipped: list[SkippedSentence]


# --- sentence splitting -----------------------------------------------------------------------

_OPENING = "\"'\u201c\u2018(["  # straight and curly opening quotes, brackets
_CLOSING = "\"'\u201d\u2019)\\]"  # closing quotes and brackets, escaped for a regex class
_BULLETS = "\u2022\\-*\u2013\u00b7\u25aa\u25cf"  # bullet, hyphen, asterisk, en dash, dots


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
_TERMINAL = re.compile(rf"[.!?…][{_CLOSING}]*$")
_BULLET = re.compile(rf"^\s*(?:[{_BULLETS}]|\d+[.)])\s+")


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
    if first in _OPENING:
        first = next_token[1:2] or first
    if not (first.isupper() or first.isdigit()):
        return False
    if text[punct_start] != "." or (punct_end - punct_start > 1 and text[punct_start + 1] != "."):
        return True
    token = _token_before(text, punct_start).lstrip(_OPENING).lower()
    if len(token) == 1 and token.isalpha():  # an initial: "J. Smith"
        return False
    if token in _NUMBERING_ABBREVIATIONS:  # "No. 5", but "yes or no. Since ..." ends
        return not next_token[0].isdigit()
    if token in _ABBREVIATIONS:
        return token in _SENTENCE_FINAL_ABBREVIATIONS and next_token.strip(_OPENING) in (
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
                and not _TERMINAL.search(previous)
                and not previous.endswith(":")
                and not _BULLET.match(match.group())
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


# --- what is not a claim ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PersonalData:
    """One piece of personal data found in a text: its kind and where it is (end exclusive)."""

    label: str
    start: int
    end: int


# Regions whose national formats ("020 7946 0958" in Britain, "01 42 68 53 00" in France) are
# recognised; a number written with its country code ("+971 50 123 4567") is recognised whatever
# its country. Numbers valid in libphonenumber's metadata count, so years, amounts and
# statistics are not taken for phone numbers.
PHONE_REGIONS = ("US", "GB", "FR", "DE", "IN", "AU", "CA")
# A run that could be one phone number: digits and what numbers are written with, bounded in
# length (E.164 has at most 15 digits), so finding the runs is linear in the text and only
# these short runs are handed to libphonenumber, which is costly per call.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+(])(?:\+|\(\+?)?\d[\d\s().\-/]{5,24}\d(?!\w)")
# A number that is only possible (right length, no valid range: "(555) 010-4477", fictional)
# counts when it is written as phone numbers are: with its country code, or area code in
# brackets, or ten digits or more in groups.
_PHONE_LIKE = re.compile(r"^(?:\+|\(\d)|^(?=(?:\D*\d){10})\d+(?:[\s.-]+\d+){2,}$")
# Digits in a number with its country code, and in one written nationally: national numbers
# of PHONE_REGIONS have nine digits or more with their area code ("030 901820"); fewer are year
# ranges ("1810-1811") and counts ("2014 100") far more often than local numbers.
_INTERNATIONAL_DIGITS = range(7, 16)
_NATIONAL_DIGITS = range(9, 18)  # up to an "00" international prefix and 15 digits


@functools.lru_cache(maxsize=4096)  # the same number is often repeated (footers, cards)
def _is_phone_number(candidate: str) -> bool:
    international = candidate.lstrip("(").startswith("+")
    digits = sum(character.isdigit() for character in candidate)
    if digits not in (_INTERNATIONAL_DIGITS if international else _NATIONAL_DIGITS):
        return False
    possible = False
    for region in PHONE_REGIONS[:1] if international else PHONE_REGIONS:
        try:
            number = phonenumbers.parse(candidate, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return True
        possible = possible or phonenumbers.is_possible_number(number)
    return possible and _PHONE_LIKE.search(candidate) is not None


# The lookbehind starts a match only where a local part begins: a long run of word characters
# is scanned once, not once per position (quadratic on a 200 kB token).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATTERNS = [
    (
        "street address",
        re.compile(
            r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|"
            r"Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Plaza|Place|Pl|Square|Sq|Way|Terrace|"
            r"Parkway|Pkwy|Highway|Hwy|Circle|Cir|Close|Crescent|Gardens|Mews|Row)\b\.?"
            # "12 rue de Rivoli", "5 calle Mayor", "7 via Roma"
            r"|\b\d{1,5}[A-Za-z]?,?\s+(?:rue|avenue|boulevard|place|calle|avenida|via|viale|"
            r"piazza|praça|rua)\s+(?:(?:de|del|della|di|du|des|la|le|da|do)\s+)*[A-Z]\w+"
            # "Hauptstraße 5a", "Kalverstraat 92", "Nørregade 7"
            r"|\b[A-Z]\w*(?:straße|strasse|str\.|weg|platz|gasse|allee|straat|gracht|laan|"
            r"vej|gatan|gade)\s+\d{1,5}[a-z]?\b"
        ),
    ),
    ("postal code", re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")),
    (
        "social profile link",
        re.compile(
            r"\b(?:https?://)?(?:www\.)?(?:twitter|x|instagram|tiktok|facebook|linkedin|"
            r"youtube|threads|snapchat|pinterest)\.com/\S+",
            re.IGNORECASE,
        ),
    ),
    ("social handle", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,30}\b")),
    ("date of birth", re.compile(r"\b(?:birth ?date|date of birth|born on)\b", re.IGNORECASE)),
]


def personal_data_find(text: str) -> list[PersonalData]:
    """Every email address, phone number, street address, postal code, social profile link or
    handle and date-of-birth field in ``text``, in order, none overlapping another.

    Phone numbers are runs of digits that libphonenumber (``phonenumbers``) parses as one, in
    any international format and in the national formats of ``PHONE_REGIONS``; the rest are
    patterns. Where two overlap (an email address's digits read as a phone number), the one
    found first in this order is kept: email addresses, then phone numbers, then the patterns
    in ``_PATTERNS``' order.
    """
    candidates = [PersonalData("email address", *match.span()) for match in _EMAIL.finditer(text)]
    candidates += [
        PersonalData("phone number", *match.span())
        for match in _PHONE_CANDIDATE.finditer(text)
        if _is_phone_number(match.group())
    ]
    candidates += [
        PersonalData(label, *match.span())
        for label, pattern in _PATTERNS
        for match in pattern.finditer(text)
    ]
    rank = {item: number for number, item in enumerate(candidates)}  # the order found in
    kept: list[PersonalData] = []
    for item in sorted(candidates, key=lambda item: (item.start, rank[item])):
        if kept and item.start < kept[-1].end:  # overlaps the last kept: the earlier kind wins
            if rank[item] < rank[kept[-1]]:
                kept[-1] = item
            continue
        kept.append(item)
    return kept


_SOCIAL_PLATFORM_LABEL = re.compile(
    r"^(?:twitter|x|instagram|tiktok|facebook|linkedin|youtube|threads|snapchat|pinterest|"
    r"socials?|social media|follow (?:me|us))\s*:?$",
    re.IGNORECASE,
)
_PROFILE_FIELD = re.compile(rf"^\s*(?:[{_BULLETS}]\s*)?([A-Za-z][A-Za-z ]{{1,24}}?)\s*:\s+\S")
_SOCIAL_FIELDS = _words("url username handle followers following likes posts bio profile link")
_AUTHOR_CARD_LABEL = re.compile(
    r"^(?:detail author|about the author|author details?|author bio|written by|posted by)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by)\s+[A-Z]", re.IGNORECASE)
_COOKIE = re.compile(
    r"\b(?:cookies?|cookie policy|accept all|consent preferences|privacy settings|"
    r"we value your privacy)\b",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"^(?:please\s+)?(?:share|subscribe|sign up|sign in|log in|click|tap|follow|join|explore|"
    r"read more|read also|read next|see also|also read|download|comment|tell us|let us know|"
    r"don't miss|do not miss|watch|listen|register|donate|support us|contact us|get the|"
    r"check out|stay (?:tuned|informed|updated)|leave a comment)\b"
    r"|\b(?:we (?:encourage|invite|urge) you|in the comments|comment below|newsletter|"
    r"subscribe to|follow us on|share this (?:article|story|post))\b",
    re.IGNORECASE,
)
_ABOUT_THE_ARTICLE = re.compile(
    r"\b(?:this|the present|our|in this) (?:article|report|piece|post|essay|explainer|guide|"
    r"analysis)\b(?! (?:by|from|in|published))"
    r"|\b(?:answer|question) (?:to|of)\b[^.]*\?[\"”]"
    r"|\b(?:the|this) question [\"“][^\"”]*\?[\"”]"
    r"|^understanding\b.*\b(?:requires|is (?:crucial|essential|key|important))\b"
    r"|\bfor anyone (?:seeking|wanting|hoping) to\b",
    re.IGNORECASE,
)


_QUOTED_QUESTION = re.compile(r"[\"“][^\"”]*\?[\"”]")
# ", making the question ..." / ", underscoring that ...": a trailing participle clause comments
# on the main clause; the main clause is what the sentence asserts.
_TRAILING_PARTICIPLE = re.compile(r",\s+(?:[a-z]+ing)\b[^,]*$")


def _main_clause(text: str) -> str:
    """The sentence without a trailing participle clause that only comments on the question."""
    match = _TRAILING_PARTICIPLE.search(text)
    if match is not None and _QUOTED_QUESTION.search(match.group()):
        main = text[: match.start()]
        if len(main.split()) >= MIN_CLAIM_WORDS * 2:
            return main
    return text


def _redact(text: str) -> str:
    """``text`` with each piece of personal data replaced by its kind in brackets."""
    parts: list[str] = []
    last = 0
    for item in personal_data_find(text):
        parts += [text[last : item.start], f"[{item.label}]"]
        last = item.end
    return "".join([*parts, text[last:]])


def _title_case(text: str) -> bool:
    words = [word for word in re.findall(r"[A-Za-z][\w'\u2019-]*", text) if len(word) > 3]
    return bool(words) and sum(word[0].isupper() for word in words) / len(words) >= 0.6


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclasses.dataclass(frozen=True)
class _Line:
    """The line(s) a sentence sits on, as the classifier reads them."""

    stripped: str
    label: str  # without a leading bullet
    normalized: str


class _Lines:
    """The lines of a text, each read once however many sentences sit on it.

    Searching back and forth for a sentence's line and copying it per sentence made extraction
    quadratic on a long line; here a sentence finds its line by bisection and the line's
    derived forms are computed once.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self._read: dict[tuple[int, int], _Line] = {}

    def of(self, sentence: Sentence) -> _Line:
        """From the start of the line where ``sentence`` starts to the end of the one where it
        ends (one line unless the sentence is soft-wrapped)."""
        first = bisect.bisect_right(self._starts, sentence.start) - 1
        last = bisect.bisect_right(self._starts, sentence.end - 1) - 1
        line = self._read.get((first, last))
        if line is None:
            end = self._starts[last + 1] - 1 if last + 1 < len(self._starts) else len(self._text)
            stripped = self._text[self._starts[first] : end].strip()
            line = _Line(
                stripped=stripped,
                label=_BULLET.sub("", stripped).strip(),
                normalized=_normalized(stripped),
            )
            self._read[(first, last)] = line
        return line


@dataclasses.dataclass
class _Context:
    """What the classifier remembers while walking a document in order."""

    lines: _Lines
    line_counts: dict[str, int]
    in_author_card: bool = False
    in_socials: bool = False
    seen_claims: set[str] = dataclasses.field(default_factory=set)


def _skip_reason(sentence: Sentence, context: _Context) -> tuple[str, str] | None:
    """(reason, detail) when ``sentence`` is not a claim; None when it is one."""
    body = " ".join(sentence.text.split())
    read = context.lines.of(sentence)
    line, label = read.stripped, read.label
    if _AUTHOR_CARD_LABEL.match(label):
        context.in_author_card = True
        context.in_socials = False
        return SkipReason.AUTHOR_CARD, "author card heading"
    if _SOCIAL_PLATFORM_LABEL.match(label):
        context.in_socials = True
        return SkipReason.SOCIAL_PROFILE, "social platform heading"
    personal = personal_data_find(body)
    if personal:
        return SkipReason.PERSONAL_DATA, personal[0].label
    field = _PROFILE_FIELD.match(line)
    if field is not None and _BULLET.match(line):
        name = field.group(1).strip().lower()
        if context.in_socials or (not context.in_author_card and name in _SOCIAL_FIELDS):
            return SkipReason.SOCIAL_PROFILE, f"profile field {name!r}"
        return SkipReason.AUTHOR_CARD, f"author card field {name!r}"
    # Unlabelled lines and list items inside an author card or a social block belong to it.
    in_card = context.in_author_card or context.in_socials
    if in_card and (_TERMINAL.search(body) is None or _BULLET.match(line)):
        return SkipReason.AUTHOR_CARD, "author card"
    if _BYLINE.match(body) and _TERMINAL.search(body) is None:
        return SkipReason.AUTHOR_CARD, "byline"
    if _COOKIE.search(body):
        return SkipReason.COOKIE_BANNER, ""
    if body.rstrip(_OPENING + "\u201d\u2019)]").endswith("?"):
        return SkipReason.QUESTION, ""
    if _CALL_TO_ACTION.search(body):
        return SkipReason.CALL_TO_ACTION, ""
    if _TERMINAL.search(body) is None:
        if context.line_counts.get(_normalized(body), 0) > 1 or " | " in body:
            return SkipReason.RELATED_LINK, "repeated headline" if " | " not in body else ""
        if body.endswith(":") and len(body.split()) <= 4:
            return SkipReason.HEADING, "label"
        if _title_case(body) or len(body.split()) <= 12:
            return SkipReason.HEADING, ""
        return SkipReason.FRAGMENT, "no sentence ending"
    if len(body.split()) < MIN_CLAIM_WORDS:
        return SkipReason.FRAGMENT, "too short to state a fact"
    if len(body) > MAX_CLAIM_CHARS:
        return SkipReason.FRAGMENT, f"longer than {MAX_CLAIM_CHARS} characters"
    if _ABOUT_THE_ARTICLE.search(_main_clause(body)):
        return SkipReason.ABOUT_THE_ARTICLE, ""
    if _normalized(body) in context.seen_claims:
        return SkipReason.DUPLICATE, "same sentence earlier in the source"
    return None


# --- selectors --------------------------------------------------------------------------------


def withheld_spans(skipped: Iterable[SkippedSentence]) -> list[WithheldSpan]:
    """Where the skipped sentences that are personal data or boilerplate are, in order."""
    return [
        WithheldSpan(start=item.start, end=item.end, reason=item.reason)
        for item in skipped
        if item.reason in WITHHELD_REASONS
    ]


def _span_start(span: WithheldSpan) -> int:
    return span["start"]


def quote_context(
    *, text: str, start: int, end: int, characters: int, withheld: Sequence[WithheldSpan]
) -> tuple[int, int]:
    """Where the context around ``text[start:end]`` starts and ends: up to ``characters`` either
    side, stopping at the nearest withheld span (``withheld_spans``, in order) on each side, so
    the context never shows personal data or boilerplate. This is the one place context around
    a quote is cut (selectors' prefix and suffix, the admin's claim and flag pages).
    """
    before = bisect.bisect_left(withheld, start, key=_span_start) - 1  # last starting before
    context_start = max(0, start - characters)
    if before >= 0:
        context_start = max(context_start, min(withheld[before]["end"], start))
    after = bisect.bisect_left(withheld, end, key=_span_start)  # first starting at the end or on
    context_end = min(len(text), end + characters)
    if after < len(withheld):
        context_end = min(context_end, withheld[after]["start"])
    return context_start, context_end


def selector_build(
    *, text: str, start: int, end: int, withheld: Sequence[WithheldSpan] = ()
) -> TextSelector:
    """TextQuoteSelector (exact, prefix, suffix) and TextPositionSelector (start, end).

    The prefix and suffix stop at ``withheld`` spans (see ``quote_context``): a selector is
    recorded in an event, shown by the API and exported, so it must not carry personal data.
    """
    context_start, context_end = quote_context(
        text=text, start=start, end=end, characters=SELECTOR_CONTEXT_CHARS, withheld=withheld
    )
    return TextSelector(
        exact=text[start:end],
        prefix=text[context_start:start],
        suffix=text[end:context_end],
        start=start,
        end=end,
    )


def selector_anchor(*, text: str, selector: TextSelector) -> tuple[int, int] | None:
    """Where ``selector`` points in ``text``: its position when the quote is still there, else
    the occurrence of the quote whose prefix and suffix match best; None when the quote is gone.
    """
    start, end, exact = selector["start"], selector["end"], selector["exact"]
    if text[start:end] == exact:
        return start, end
    best: tuple[int, int] | None = None
    best_fit = -1
    position = text.find(exact)
    while position != -1:
        before = text[max(0, position - len(selector["prefix"])) : position]
        after = text[position + len(exact) : position + len(exact) + len(selector["suffix"])]
        fit = (before == selector["prefix"]) + (after == selector["suffix"])
        if fit > best_fit:
            best, best_fit = (position, position + len(exact)), fit
        position = text.find(exact, position + 1)
    return best


# --- extraction -------------------------------------------------------------------------------


def claims_extract(text: str) -> Extraction:
    """The claims in ``text`` and every sentence that was skipped, each with its reason."""
    sentences = sentences_split(text)
    line_counts: dict[str, int] = {}
    for line in text.splitlines():
        key = _normalized(line)
        if key:
            line_counts[key] = line_counts.get(key, 0) + 1
    lines = _Lines(text)
    for sentence in sentences:  # a headline glued to a paragraph's end still repeats a line
        key = _normalized(sentence.text)
        if line_counts.get(key) == 1 and lines.of(sentence).normalized != key:
            line_counts[key] += 1
    context = _Context(lines=lines, line_counts=line_counts)
    kept: list[Sentence] = []
    skipped: list[SkippedSentence] = []
    for sentence in sentences:
        verdict = _skip_reason(sentence, context)
        if verdict is not None:
            reason, detail = verdict
            shown = _redact(sentence.text)
            private = (SkipReason.AUTHOR_CARD, SkipReason.SOCIAL_PROFILE, SkipReason.PERSONAL_DATA)
            if reason in private and not detail.endswith("heading"):
                # Name a profile field, never repeat its value: a report is shared more widely
                # than the snapshot it came from.
                shown = (
                    re.sub(r"(:\s).+$", r"\1[withheld]", shown) if ":" in shown else "[withheld]"
                )
            skipped.append(
                SkippedSentence(
                    text=shown, start=sentence.start, end=sentence.end, reason=reason, detail=detail
                )
            )
            continue
        context.seen_claims.add(_normalized(sentence.text))
        kept.append(sentence)
    withheld = withheld_spans(skipped)
    claims: list[ExtractedClaim] = []
    for sentence in kept:
        body = " ".join(sentence.text.split())
        found = entities_find(body)
        names = sorted({entity.canonical for entity in found})
        known = sorted({entity.canonical for entity in found if entity.kind != KIND_NAME})
        claims.append(
            ExtractedClaim(
                text=body,
                start=sentence.start,
                end=sentence.end,
                selector=selector_build(
                    text=text, start=sentence.start, end=sentence.end, withheld=withheld
                ),
                check_worthiness=sentence_classify(body).as_payload(),
                entities=known or names,
            )
        )
    return Extraction(claims=claims, skipped=skipped)


# --- measurement ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExtractionMeasurement:
    """Extraction against a gold list of claim sentences (compared with whitespace collapsed)."""

    precision: Decimal
    recall: Decimal
    true_positives: int
    false_positives: list[str]  # extracted, not in the gold claims
    false_negatives: list[str]  # gold claims not extracted


def _ratio(numerator: int, denominator: int) -> Decimal:
    if denominator == 0:
        return Decimal("1.000")
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.001"))


def extraction_measure(*, text: str, gold_claims: list[str]) -> ExtractionMeasurement:
    """Precision and recall of ``claims_extract(text)`` against ``gold_claims``."""
    extracted = [claim.text for claim in claims_extract(text).claims]
    gold = {" ".join(claim.split()) for claim in gold_claims}
    found = set(extracted)
    true_positives = len(found & gold)
    return ExtractionMeasurement(
        precision=_ratio(true_positives, len(found)),
        recall=_ratio(true_positives, len(gold)),
        true_positives=true_positives,
        false_positives=[claim for claim in extracted if claim not in gold],
        false_negatives=sorted(gold - found),
    )
