"""Claim extraction from article text: what is not a claim, and the claims with their scores.

Pure functions over a string; nothing here touches the database. ``claims_extract`` splits the
text into sentences (``ledger.sentences``), skips everything a reviewer would not check
(headings, questions, calls to action, related-headline links, cookie banners, author cards,
social profiles, personal data (``ledger.personal_data``), statements about the article itself,
duplicates), and returns the remaining sentences as claims with W3C text selectors over the same
text (``ledger.quotes``), their entities and a check-worthiness score
(``ledger.checkworthiness``).

Every offset is a character offset into the exact string given, end exclusive, so a selector
points into ``Source.text``.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from ledger.checkworthiness import Model, article_topic_entities, model_load, sentence_classify
from ledger.entities import KIND_NAME, entities_find, entities_load
from ledger.events import TextSelector, WithheldSpan
from ledger.personal_data import personal_data_find, personal_data_redact
from ledger.quotes import selector_build
from ledger.sentences import (
    BULLET,
    BULLET_MARKS,
    OPENING_MARKS,
    TERMINAL,
    Sentence,
    sentences_split,
)

# 2: check-worthiness by the classifier of ledger.checkworthiness; phone numbers by
# libphonenumber; context stops at withheld text. 3: check-worthiness read in the article (its
# subjects are not entities), framing words. 4: a publication stamp is a dateline, not a claim.
EXTRACTOR_VERSION = "4"
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
    DATELINE = "dateline"
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
        SkipReason.DATELINE,
    }
)


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


_SOCIAL_PLATFORM_LABEL = re.compile(
    r"^(?:twitter|x|instagram|tiktok|facebook|linkedin|youtube|threads|snapchat|pinterest|"
    r"socials?|social media|follow (?:me|us))\s*:?$",
    re.IGNORECASE,
)
_PROFILE_FIELD = re.compile(rf"^\s*(?:[{BULLET_MARKS}]\s*)?([A-Za-z][A-Za-z ]{{1,24}}?)\s*:\s+\S")
_SOCIAL_FIELDS = frozenset(
    {
        "url",
        "username",
        "handle",
        "followers",
        "following",
        "likes",
        "posts",
        "bio",
        "profile",
        "link",
    }
)
_AUTHOR_CARD_LABEL = re.compile(
    r"^(?:detail author|about the author|author details?|author bio|written by|posted by)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by)\s+[A-Z]", re.IGNORECASE)
# A page's publication stamp ("Published March 14, 2025 | Updated 6:40 p.m."): each part a
# stamp word, then only a date or a time (digits, month and day names, a.m./p.m., a zone).
_STAMP = re.compile(
    r"^(?:first\s+|last\s+)?(?:published|updated|posted|modified)(?:\s+(?:on|at))?:?\s+(.+)$",
    re.IGNORECASE,
)
_STAMP_WORD = re.compile(
    r"^(?:\S*\d\S*|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|"
    r"tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|"
    r"a\.?m\.?|p\.?m\.?|at|on|utc|gmt|[a-z]{1,2}t|[a-z]st|[a-z]dt)[,.]?$",
    re.IGNORECASE,
)
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
                label=BULLET.sub("", stripped).strip(),
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


def _is_dateline(body: str) -> bool:
    """Whether ``body`` is only a page's publication stamp: a stamp word and a date or time,
    then perhaps more parts split by ``|`` or ``·``, each a stamp or a bare date or time."""
    parts = re.split(r"\s*[|\u00b7\u2022]\s*", body)
    for index, part in enumerate(parts):
        stamp = _STAMP.match(part)
        if stamp is None and index == 0:
            return False
        when = part if stamp is None else stamp.group(1)
        if not any(char.isdigit() for char in when):
            return False
        if not all(_STAMP_WORD.match(word) for word in when.split()):
            return False
    return True


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
    if field is not None and BULLET.match(line):
        name = field.group(1).strip().lower()
        if context.in_socials or (not context.in_author_card and name in _SOCIAL_FIELDS):
            return SkipReason.SOCIAL_PROFILE, f"profile field {name!r}"
        return SkipReason.AUTHOR_CARD, f"author card field {name!r}"
    # Unlabelled lines and list items inside an author card or a social block belong to it.
    in_card = context.in_author_card or context.in_socials
    if in_card and (TERMINAL.search(body) is None or BULLET.match(line)):
        return SkipReason.AUTHOR_CARD, "author card"
    if _BYLINE.match(body) and TERMINAL.search(body) is None:
        return SkipReason.AUTHOR_CARD, "byline"
    if _is_dateline(body):
        return SkipReason.DATELINE, ""
    if _COOKIE.search(body):
        return SkipReason.COOKIE_BANNER, ""
    if body.rstrip(OPENING_MARKS + "\u201d\u2019)]").endswith("?"):
        return SkipReason.QUESTION, ""
    if _CALL_TO_ACTION.search(body):
        return SkipReason.CALL_TO_ACTION, ""
    if TERMINAL.search(body) is None:
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


def withheld_spans(skipped: Iterable[SkippedSentence]) -> list[WithheldSpan]:
    """Where the skipped sentences that are personal data or boilerplate are, in order."""
    return [
        WithheldSpan(start=item.start, end=item.end, reason=item.reason)
        for item in skipped
        if item.reason in WITHHELD_REASONS
    ]


def extraction_load() -> None:
    """Load what extraction reads once per process (the check-worthiness model, the entity
    aliases) now: a server that forks workers calls it first (config/wsgi.py), so the workers
    share it and none pays for it in a request."""
    model_load()
    entities_load()


def claims_extract(text: str, *, model: Model | None = None) -> Extraction:
    """The claims in ``text`` and every sentence that was skipped, each with its reason; each
    claim scored by the shipped check-worthiness model, or by ``model`` (a candidate being
    fitted, ``scripts/train_checkworthiness.py``)."""
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
            shown = personal_data_redact(sentence.text)
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
    bodies = [" ".join(sentence.text.split()) for sentence in kept]
    mentions = [entities_find(body) for body in bodies]
    topic_entities = article_topic_entities(
        [{entity.canonical for entity in found} for found in mentions]
    )
    claims: list[ExtractedClaim] = []
    for sentence, body, found in zip(kept, bodies, mentions, strict=True):
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
                check_worthiness=sentence_classify(
                    body, model=model, topic_entities=topic_entities, entities=found
                ).as_payload(),
                entities=known or names,
            )
        )
    return Extraction(claims=claims, skipped=skipped)
