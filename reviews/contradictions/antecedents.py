"""Antecedents from the source: a claim opening with "It", "The company", "The group" or "The
minister" speaks of the subject named earlier in the same source, and is aligned on it.

Ingestion records each claim with its source and its position there (``ClaimView.source_id``,
``selector["start"]``); the index reads the earlier claims of the source once, when it indexes
a claim that opens with such words (``indexing``), and the claim's features are extracted with
the subject put in their place (``features_extract(antecedent=...)``), so every detector
compares "Acme" with "Acme" and no pair ever reads a source. Pure functions: texts in, names out.
"""

from __future__ import annotations

import re

from ledger.entities import KIND_NAME, entities_find
from reviews.contradictions.text import STOPWORDS

# Opening words that point back to a subject named before: pronouns, and "the" with a noun
# naming what kind of thing the subject is.
THING_NOUNS = [
    "company",
    "firm",
    "group",
    "bank",
    "business",
    "carmaker",
    "airline",
    "retailer",
    "insurer",
    "lender",
    "operator",
    "manufacturer",
    "utility",
    "chain",
    "startup",
    "club",
    "team",
    "union",
    "party",
    "council",
    "government",
    "ministry",
    "agency",
    "authority",
    "department",
    "board",
    "organisation",
    "organization",
    "charity",
    "university",
    "hospital",
    "school",
    "city",
    "country",
    "state",
    "region",
    "province",
]
PERSON_NOUNS = [
    "minister",
    "president",
    "mayor",
    "chairman",
    "chairwoman",
    "chair",
    "chief",
    "executive",
    "governor",
    "senator",
    "premier",
    "prime",
    "ceo",
    "spokesman",
    "spokeswoman",
    "spokesperson",
]
PERSON_PRONOUNS = ("he", "she")
PERSON_TITLES = frozenset(PERSON_NOUNS) | frozenset(["mr", "mrs", "ms", "dr", "sir", "dame"])
_OPENING = re.compile(
    r"^\s*(?:(?P<pronoun>it|he|she)|the\s+(?P<noun>[a-z]+(?:\s+executive)?))\b", re.I
)
# Capitalised words opening a claim, before a word in lower case ("Bellway said", "Tern Air
# cancelled"); one that opens with a word of ``NOT_SUBJECTS`` names no subject.
_LEADING_NAME = re.compile(r"^\s*((?:[A-Z][\w'-]*)(?:\s+[A-Z][\w'-]*)*)\s+[a-z]")
NOT_SUBJECTS = STOPWORDS | PERSON_TITLES | {"it", "he", "she", "they", "in", "on", "as", "after"}
# "It is unclear whether", "It was expected that": an empty subject, pointing back to nothing.
_EXPLETIVE = re.compile(
    r"^\s*it\s+(?:is|was|'s|seems|seemed|appears|appeared|remains)\s+(?:\w+\s+){0,2}?"
    r"(?:that|whether|if|to|how|why)\b",
    re.I,
)


def anaphor_at_start(text: str) -> tuple[str, str]:
    """(the opening words, "person" or "thing") when a claim opens with words that point back
    to a subject named before ("It", "He", "The company", "The minister"); ("", "") otherwise."""
    match = _OPENING.match(text)
    if match is None or _EXPLETIVE.match(text):
        return "", ""
    if match.group("pronoun"):
        kind = "person" if match.group("pronoun").lower() in PERSON_PRONOUNS else "thing"
        return match.group(0).strip(), kind
    noun = match.group("noun").lower()
    head = noun.split()[0]
    if head in PERSON_NOUNS:
        return match.group(0).strip(), "person"
    if noun in THING_NOUNS:
        return match.group(0).strip(), "thing"
    return "", ""


def subject_named(text: str, kind: str) -> str:
    """The subject a claim names, as written: for a thing the capitalised words it opens with
    (the entity finder passes over one word at a sentence's start: "Bellway said ..."), else
    its first entity that no person's title opens; for a person its first name of two words
    or more that the alias table does not know (a country is not "he")."""
    opening = _LEADING_NAME.match(text)
    if kind == "thing" and opening and opening.group(1).split()[0].lower() not in NOT_SUBJECTS:
        return opening.group(1)  # "Bellway said ...": a name at the start of a sentence
    for entity in sorted(entities_find(text), key=lambda item: item.start):
        titled = entity.text.split()[0].lower() in PERSON_TITLES
        if kind == "person" and (entity.kind != KIND_NAME or " " not in entity.text):
            continue
        if kind == "thing" and titled:
            continue  # "Minister Ana Ruiz" is not "it"
        return entity.text.removesuffix("'s").removesuffix("\u2019s")
    return ""


def antecedent_from(earlier: list[str], text: str) -> str:
    """The name a claim's opening words stand for: the subject of the nearest earlier claim of
    its source that names one of the right kind (``earlier`` in source order, the nearest
    last), an earlier claim that opens with such words standing for its own antecedent; "" when
    the claim opens otherwise or nothing earlier names a subject."""
    words, kind = anaphor_at_start(text)
    if not words:
        return ""
    for position in range(len(earlier) - 1, -1, -1):
        found = subject_named(earlier[position], kind)
        if found:
            return found
        if anaphor_at_start(earlier[position])[0]:
            return antecedent_from(earlier[:position], earlier[position])
    return ""


def text_resolved(text: str, antecedent: str) -> str:
    """The claim's text with its opening words replaced by the name they stand for ("It
    hired 200 workers" -> "Acme hired 200 workers"; "The company's profit" -> "Acme's
    profit")."""
    words, _kind = anaphor_at_start(text)
    if not (words and antecedent):
        return text
    start = len(text) - len(text.lstrip())
    rest = text[start + len(words) :]
    if antecedent.endswith("s") and rest[:2] in ("'s", "\u2019s"):
        rest = rest[0] + rest[2:]  # "Kestrel Motors' profit"
    return text[:start] + antecedent + rest
