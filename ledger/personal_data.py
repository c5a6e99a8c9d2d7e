"""Personal data in text: email addresses, phone numbers, street addresses, postal codes,
social profile links and handles, date-of-birth fields.

Pure functions over a string. Phone numbers are found by libphonenumber (``phonenumbers``), the
rest by patterns (docs/adr/0031-personal-data-and-context-boundaries.md). Extraction never keeps
a sentence holding any of them as a claim, and reports name their kind instead of their value.
"""

from __future__ import annotations

import dataclasses
import functools
import re

import phonenumbers
from phonenumbers import NumberParseException


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


def personal_data_redact(text: str) -> str:
    """``text`` with each piece of personal data replaced by its kind in brackets."""
    parts: list[str] = []
    last = 0
    for item in personal_data_find(text):
        parts += [text[last : item.start], f"[{item.label}]"]
        last = item.end
    return "".join([*parts, text[last:]])
