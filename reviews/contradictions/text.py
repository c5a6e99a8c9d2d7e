"""Tokens and lemmas: the cheap, deterministic text normalisation every feature is built on.

No tagger or model: a regular-expression tokenizer, a table of irregular forms and suffix rules.
Both claims of a pair go through the same function, so consistency matters more than
linguistic perfection ("shutting" and "shut" must meet; whether the lemma is a real word does not).
"""

from __future__ import annotations

import functools
import re

TOKEN = re.compile(
    r"(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?%?"  # numbers, money and percentages
    r"|[A-Za-z](?:[A-Za-z'\u2019.]*[A-Za-z])?"  # words, including U.S. and don't; hyphens split
    r"|[.,;:!?()\"]"
)
CLAUSE_BREAKS = frozenset({".", ",", ";", ":", "!", "?", "(", ")", '"', "but", "while", "although"})
# Words that end a negation's reach: "don't shoot from Ferguson" negates shooting, not Ferguson.
SCOPE_BREAKS = CLAUSE_BREAKS | frozenset(
    [
        "from",
        "because",
        "that",
        "who",
        "which",
        "when",
        "where",
        "after",
        "before",
        "since",
        "despite",
        "as",
        "if",
        "how",
        "why",
        "whether",
        "what",
        "unless",
    ]
)

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "myself",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "also",
        "into",
        "onto",
        "per",
        "via",
        "yet",
        "still",
        "even",
        "s",
        "says",
        "say",
        "said",
        "according",
        "would",
        "could",
        "may",
        "one",
        "two",
        "three",
        "new",
        "now",
        "since",
        "year",
        "years",
        "time",
        "like",
        "get",
        "got",
        "make",
        "made",
        "many",
        "much",
        "well",
    ]
)

IRREGULAR = {
    "was": "be",
    "were": "be",
    "is": "be",
    "are": "be",
    "been": "be",
    "being": "be",
    "am": "be",
    "has": "have",
    "had": "have",
    "did": "do",
    "does": "do",
    "done": "do",
    "died": "die",
    "dies": "die",
    "dying": "die",
    "won": "win",
    "lost": "lose",
    "sold": "sell",
    "bought": "buy",
    "left": "leave",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "made": "make",
    "found": "find",
    "held": "hold",
    "led": "lead",
    "met": "meet",
    "paid": "pay",
    "ran": "run",
    "saw": "see",
    "seen": "see",
    "sent": "send",
    "spent": "spend",
    "stood": "stand",
    "told": "tell",
    "thought": "think",
    "went": "go",
    "gone": "go",
    "came": "come",
    "became": "become",
    "began": "begin",
    "begun": "begin",
    "brought": "bring",
    "built": "build",
    "caught": "catch",
    "chose": "choose",
    "chosen": "choose",
    "fell": "fall",
    "fallen": "fall",
    "fought": "fight",
    "flew": "fly",
    "forgot": "forget",
    "grew": "grow",
    "hit": "hit",
    "kept": "keep",
    "knew": "know",
    "known": "know",
    "laid": "lay",
    "lay": "lie",
    "meant": "mean",
    "rose": "rise",
    "risen": "rise",
    "said": "say",
    "shot": "shoot",
    "shut": "shut",
    "stole": "steal",
    "stolen": "steal",
    "struck": "strike",
    "swore": "swear",
    "sworn": "swear",
    "taught": "teach",
    "threw": "throw",
    "thrown": "throw",
    "wrote": "write",
    "written": "write",
    "broke": "break",
    "broken": "break",
    "drove": "drive",
    "driven": "drive",
    "ate": "eat",
    "eaten": "eat",
    "children": "child",
    "men": "man",
    "women": "woman",
    "people": "person",
    "feet": "foot",
    "better": "good",
    "best": "good",
    "worse": "bad",
    "worst": "bad",
    "news": "news",
    "us": "us",
    "this": "this",
    "his": "his",
    "its": "its",
    "series": "series",
}
# Irregular past tenses and participles (regular ones end in "-ed"): the verbs that name an
# event next to a date.
PAST_FORMS = frozenset(
    [
        "died",
        "sank",
        "sunk",
        "beaten",
        "won",
        "lost",
        "sold",
        "bought",
        "left",
        "took",
        "taken",
        "gave",
        "given",
        "made",
        "found",
        "held",
        "led",
        "met",
        "paid",
        "ran",
        "saw",
        "seen",
        "sent",
        "spent",
        "stood",
        "told",
        "thought",
        "went",
        "gone",
        "came",
        "became",
        "began",
        "begun",
        "brought",
        "built",
        "caught",
        "chose",
        "chosen",
        "fell",
        "fallen",
        "fought",
        "flew",
        "forgot",
        "grew",
        "kept",
        "knew",
        "known",
        "laid",
        "meant",
        "rose",
        "risen",
        "said",
        "shot",
        "shut",
        "stole",
        "stolen",
        "struck",
        "swore",
        "sworn",
        "taught",
        "threw",
        "thrown",
        "wrote",
        "written",
        "broke",
        "broken",
        "drove",
        "driven",
        "ate",
        "eaten",
    ]
)
NEGATION_CONTRACTIONS = {
    "isn't": "be",
    "aren't": "be",
    "wasn't": "be",
    "weren't": "be",
    "don't": "do",
    "doesn't": "do",
    "didn't": "do",
    "won't": "will",
    "wouldn't": "would",
    "can't": "can",
    "cannot": "can",
    "couldn't": "could",
    "shouldn't": "should",
    "hasn't": "have",
    "haven't": "have",
    "hadn't": "have",
    "mustn't": "must",
}
VOWELS = frozenset("aeiou")


def is_past_form(word: str) -> bool:
    """Whether a lower-cased word has the form of a past tense or participle: an irregular one
    ("won", "shut") or a regular "-ed" ("approved"; not a short word such as "red")."""
    return word in PAST_FORMS or (len(word) > 4 and word.endswith("ed"))


def tokenize(text: str) -> list[str]:
    """Surface tokens in order, curly apostrophes straightened."""
    return TOKEN.findall(text.replace("\u2019", "'"))


def _undouble(stem: str) -> str:
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """A normalised stem of one word: ``"Shutting"``, ``"shut"`` -> ``"shut"``;
    ``"approved"``, ``"approves"``, ``"approve"`` -> ``"approv"``."""
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    elif word.endswith("'"):
        word = word[:-1]
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    return _drop_final_e(_strip_suffix(word))


def _drop_final_e(stem: str) -> str:
    return stem[:-1] if len(stem) > 3 and stem.endswith("e") and not stem.endswith("ee") else stem


def _strip_suffix(word: str) -> str:
    if word.endswith(("ies", "ied")) and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        stem = word[:-3]
        return _undouble(stem) if any(letter in VOWELS for letter in stem) else word
    if word.endswith("ed") and len(word) > 4 and not word.endswith("eed"):
        return _undouble(word[:-2])
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_lemmas(tokens: list[str]) -> list[str]:
    """Lemmas of the words that carry meaning (no stopwords, numbers or punctuation)."""
    result = []
    for token in tokens:
        if not token[0].isalpha():
            continue
        lowered = token.lower()
        if lowered in STOPWORDS or lowered in NEGATION_CONTRACTIONS:
            continue
        value = lemma(lowered)
        if value in STOPWORDS or len(value) < 2:
            continue
        result.append(value)
    return result
