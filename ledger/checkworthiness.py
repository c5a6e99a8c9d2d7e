"""Check-worthiness: does a sentence state a fact worth a fact-checker's time, and why.

``sentence_classify`` scores one sentence with a logistic regression over word n-grams (TF-IDF)
and a few named features a reviewer can read (numbers, dates, named entities, quantities,
attribution, comparatives and superlatives, hedges, evaluative and framing words, first-person
opinion, predictions, calls to action, questions). It returns a calibrated score in [0, 1], the
label (``check-worthy`` at or above the model's threshold), a class that says what kind of
sentence it is, and the reasons: the named features and words that moved the score most.

The model is data: ``ledger/data/checkworthiness.json``, a JSON of weights (no pickle: loading
it runs no code), fitted on the ClaimBuster training file and the team's news-commentary
supplement (``eval/news_commentary/``) and calibrated on ClaimBuster by
``scripts/train_checkworthiness.py``, which rebuilds it deterministically. Inference is plain
Python: this module needs only the standard library and ``ledger.entities``. The training script
feeds ``sentence_terms`` and ``sentence_features`` to scikit-learn, so training and inference
read a sentence the same way. See docs/adr/0027-check-worthiness-classifier.md.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import math
import pathlib
import re
from collections import Counter
from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from ledger.entities import Entity, entities_find

MODEL_PATH = pathlib.Path(__file__).resolve().parent / "data" / "checkworthiness.json"

LABEL_CHECK_WORTHY = "check-worthy"
LABEL_NOT_CHECK_WORTHY = "not-check-worthy"
MAX_REASONS = 6


class SentenceClass:
    """What kind of sentence it is; the values are stable and appear in events and the API."""

    CHECK_WORTHY = "check_worthy_factual"
    UNIMPORTANT = "factual_unimportant"
    OPINION = "opinion"
    PREDICTION = "prediction"
    QUESTION = "question"
    CALL_TO_ACTION = "call_to_action"


SENTENCE_CLASSES = (
    SentenceClass.CHECK_WORTHY,
    SentenceClass.UNIMPORTANT,
    SentenceClass.OPINION,
    SentenceClass.PREDICTION,
    SentenceClass.QUESTION,
    SentenceClass.CALL_TO_ACTION,
)


# Above this many alternatives a pattern groups them by their first letter: Python's regular
# expressions try every alternative at every word, and for the 150 evaluative words grouping
# took a sentence from about 67 to 12 microseconds; for the 40 attribution words it was slower.
GROUPED_ALTERNATIVES = 60


def _pattern(words: str) -> re.Pattern[str]:
    """A case-insensitive whole-word pattern for whitespace-separated alternatives ("_" = " "),
    the longest tried first."""
    alternatives = sorted((word.replace("_", r"\s+") for word in words.split()), key=len)
    alternatives.reverse()
    if len(alternatives) <= GROUPED_ALTERNATIVES or not all(a[0].isalpha() for a in alternatives):
        return re.compile(rf"\b(?:{'|'.join(alternatives)})\b", re.IGNORECASE)
    # The same matches: only the alternatives of a word's first letter can match there.
    groups: dict[str, list[str]] = {}
    for alternative in alternatives:
        groups.setdefault(alternative[0].lower(), []).append(alternative[1:])
    body = "|".join(f"{letter}(?:{'|'.join(rests)})" for letter, rests in groups.items())
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


_SCALE = r"(?:hundred|thousand|million|billion|trillion)"
_NUMBER = re.compile(
    rf"(?:[$€£¥]\s?)?\b\d[\d,]*(?:\.\d+)?\b(?:\s?(?:%|percent|per\s+cent|{_SCALE}))?"
    rf"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    rf"forty|fifty|sixty|seventy|eighty|ninety|hundred|dozens?|hundreds|thousands|millions|"
    rf"billions|half|third|quarter|twice|double|triple)\b(?:\s{_SCALE})?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[6-9]\d\d|20\d\d)s?\b")
_QUANTITY = re.compile(
    rf"[$€£¥]\s?\d[\d,.]*(?:\s?{_SCALE})?|\b\d[\d,.]*\s?%"
    rf"|\b\d[\d,.]*\s?(?:percent|per\s+cent|{_SCALE}|dollars?|jobs|people|"
    r"troops|soldiers|acres|miles|kilometres|kilometers|tons|barrels|votes|times|years|"
    r"months|days|hours|deaths|cases|members|students|workers|families)\b"
    rf"|\b(?:hundreds|thousands|millions|billions)\s+of\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:yesterday|last\s+(?:week|month|year|decade)|(?:since|in|by|until)\s+\d{4}|"
    r"decades?\s+ago|years?\s+ago|centur(?:y|ies))\b",
    re.IGNORECASE,
)
_ATTRIBUTION = _pattern(
    "said says told stated announced according_to reported reports claimed accused alleged "
    "denied confirmed insisted argued warned wrote testified estimated estimates cited quoted "
    "voted signed passed enacted vetoed proposed admitted acknowledged revealed found showed "
    "shows concluded ruled"
)
_COMPARATIVE = re.compile(
    r"\b(?:more|less|fewer|greater|higher|lower|larger|smaller|bigger|worse|better)\s+than\b"
    r"|\b(?:most|least|largest|biggest|highest|lowest|fastest|slowest|greatest|smallest|"
    r"worst|best|first|last|only|record|unprecedented|doubled|tripled|increased|decreased|"
    r"rose|fell|grew|dropped|cut|raised)\b",
    re.IGNORECASE,
)
_HEDGE = _pattern(
    "reportedly allegedly purportedly apparently supposedly perhaps maybe possibly probably "
    "seemingly rumored rumoured unconfirmed might could may likely unlikely is_said_to "
    "are_said_to believed_to appears_to seems_to sort_of kind_of"
)
# Evaluative words, and the words of interpretation and framing that news commentary is made
# of (what something reflects, underscores or symbolises; narratives, frameworks, lenses). One
# feature: debates use the evaluative words and rarely the framing ones, so a feature of its own
# would learn no weight from ClaimBuster, while sharing one carries the evaluative words' weight
# over to commentary (docs/adr/0027-check-worthiness-classifier.md).
_EVALUATIVE_OR_FRAMING = _pattern(
    "great good bad terrible horrible wonderful excellent awful important crucial essential "
    "vital serious strong weak wrong right fair unfair dangerous tragic disgrace disgraceful "
    "outrageous ridiculous shameful proud remarkable profound powerful pivotal nuanced complex "
    "genuine deeply truly undeniably irrevocably fundamentally simply clearly obviously "
    "absolutely incredible tremendous huge massive beautiful failed disastrous reckless "
    "staunch unwavering steadfast symbolic significant compelling stark "
    "critical central key broader intense valuable invaluable ideological strategic indeed "
    "merely necessarily "
    "reflects reflect reflected mirrors mirror mirrored underscores underscore underscored "
    "highlights highlight highlighted illustrates illustrate illustrated signals signaled "
    "signalled signify signifies signified symbolizes symbolises symbolized symbolised embodies "
    "embody embodied exemplifies epitomizes implies suggests suggest indicates indicate "
    "viewed_as seen_as regarded_as understood_as rooted_in stems_from "
    "testament manifestation cornerstone bedrock pillar hallmark narrative narratives framework "
    "paradigm lens notion concept perception perceptions perceived perceive ideology symbolism "
    "legacy identity ethos rationale"
)
_FIRST_PERSON_OPINION = re.compile(
    r"\b(?:I|we)\s+(?:really\s+|do\s+|also\s+|still\s+)?(?:think|believe|feel|hope|want|wish|"
    r"suppose|guess|doubt|am\s+(?:convinced|sure|confident|proud|afraid)|"
    r"are\s+(?:convinced|sure|confident|proud)|know\s+that)\b"
    r"|\b(?:in\s+my\s+(?:opinion|view|judgment)|it\s+seems\s+to\s+me|I'm\s+(?:convinced|sure|"
    r"confident|proud|afraid)|I\s+don't\s+(?:think|believe))\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|going\s+to|is\s+set\s+to|are\s+set\s+to|is\s+bound\s+to|"
    r"would\s+(?:be|have|become|lead|mean|bring|make)|in\s+the\s+(?:future|years\s+ahead))\b",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"\b(?:we|you|they|America|the\s+country|the\s+government|Congress)\s+(?:must|should|"
    r"ought\s+to|need\s+to|have\s+to|has\s+to|got\s+to)\b|\blet(?:'s|\s+us|\s+me)\b"
    r"|^(?:please\s+)?(?:imagine|consider|look|think|remember|join|vote|support|stop|give)\b",
    re.IGNORECASE,
)
_TERM = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?|\d[\d,.]*|[$%?]", re.IGNORECASE)
NUMBER_TERM = "<number>"


@dataclasses.dataclass(frozen=True)
class Feature:
    """A named feature: its value in [0, 1] and the text that made it fire (for the reasons)."""

    value: float
    matched: tuple[str, ...] = ()


def _matched(pattern: re.Pattern[str], text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(match.group().split()) for match in pattern.finditer(text)))


def _fired(matched: tuple[str, ...]) -> Feature:
    return Feature(value=1.0 if matched else 0.0, matched=matched)


def sentence_features(
    text: str,
    *,
    topic_entities: frozenset[str] = frozenset(),
    entities: Sequence[Entity] | None = None,
) -> dict[str, Feature]:
    """The named features of ``text``, in a fixed order (the model's ``feature_names``).

    ``named_entity`` leaves out the entities in ``topic_entities`` (canonical names: the
    article's subjects, ``article_topic_entities``): in an article about Iran, naming Iran
    anchors nothing a checker could check. ``entities`` is ``entities_find(text)`` when the
    caller has found them already (``claims_extract``); otherwise they are found here.
    """
    years = _matched(_YEAR, text)
    numbers = tuple(value for value in _matched(_NUMBER, text) if not _YEAR.fullmatch(value))
    if entities is None:
        entities = entities_find(text)
    named_entities = tuple(
        dict.fromkeys(entity.text for entity in entities if entity.canonical not in topic_entities)
    )
    word_count = len(text.split())
    stripped = text.rstrip(" \"'\u201d\u2019)]")
    return {
        "number": _fired(numbers),
        "quantity": _fired(_matched(_QUANTITY, text)),
        "date": _fired(years + _matched(_DATE, text)),
        "named_entity": Feature(value=min(len(named_entities), 3) / 3, matched=named_entities),
        "attribution": _fired(_matched(_ATTRIBUTION, text)),
        "comparative_or_superlative": _fired(_matched(_COMPARATIVE, text)),
        "hedge": _fired(_matched(_HEDGE, text)),
        "evaluative_or_framing": _fired(_matched(_EVALUATIVE_OR_FRAMING, text)),
        "first_person_opinion": _fired(_matched(_FIRST_PERSON_OPINION, text)),
        "prediction": _fired(_matched(_PREDICTION, text)),
        "call_to_action": _fired(_matched(_CALL_TO_ACTION, text)),
        "question": _fired(("?",) if stripped.endswith("?") else ()),
        "short_sentence": Feature(value=1.0 if word_count < 8 else 0.0),
        "long_sentence": Feature(value=min(word_count, 60) / 60),
    }


FEATURE_NAMES = tuple(sentence_features(""))
# An entity named in at least this share of an article's claims is one of its subjects; an
# article needs this many claims for the share to say anything. Chosen on the development
# articles (docs/checkworthiness.md).
TOPIC_SHARE = 0.3
TOPIC_MIN_SENTENCES = 10


def article_topic_entities(mentions: Sequence[Collection[str]]) -> frozenset[str]:
    """The canonical entities named in at least ``TOPIC_SHARE`` of an article's claims, given
    each claim's canonical entity names (``mentions``); none when there are fewer than
    ``TOPIC_MIN_SENTENCES`` claims.

    The classifier learned from debate sentences, each read alone, where naming a country or a
    person marks a factual claim; an article names its subjects in nearly every sentence, the
    commentary included, so for the article's own sentences they are no signal.
    """
    if len(mentions) < TOPIC_MIN_SENTENCES:
        return frozenset()
    claims_naming = Counter(canonical for names in mentions for canonical in set(names))
    return frozenset(
        canonical
        for canonical, count in claims_naming.items()
        if count >= TOPIC_SHARE * len(mentions)
    )


def sentence_terms(text: str) -> list[str]:
    """The n-gram terms of ``text``: lower-cased words (any number as ``<number>``), bigrams."""
    words = [
        NUMBER_TERM if match.group()[0].isdigit() else match.group().lower()
        for match in _TERM.finditer(text)
    ]
    return words + [f"{first} {second}" for first, second in itertools.pairwise(words)]


@dataclasses.dataclass(frozen=True)
class Model:
    """The fitted weights (see ``scripts/train_checkworthiness.py`` for how they are made)."""

    version: str
    idf: dict[str, float]  # the TF-IDF vocabulary: term -> inverse document frequency
    term_weights: dict[str, float]  # term -> coefficient (vocabulary terms only)
    feature_weights: dict[str, float]  # named feature -> coefficient
    intercept: float
    calibration_slope: float  # Platt scaling: score = sigmoid(slope * margin + offset)
    calibration_offset: float
    threshold: float  # check-worthy at or above this calibrated score


@functools.cache
def model_load(path: pathlib.Path = MODEL_PATH) -> Model:
    """The model stored at ``path`` (cached: it is read once per process)."""
    return model_from_data(json.loads(path.read_text(encoding="utf-8")))


def model_from_data(data: dict[str, Any]) -> Model:
    """The model held by a parsed model JSON."""
    terms = data["terms"]  # {term: [idf, weight]}
    return Model(
        version=data["version"],
        idf={term: pair[0] for term, pair in terms.items()},
        term_weights={term: pair[1] for term, pair in terms.items()},
        feature_weights=data["feature_weights"],
        intercept=data["intercept"],
        calibration_slope=data["calibration"]["slope"],
        calibration_offset=data["calibration"]["offset"],
        threshold=data["threshold"],
    )


def tfidf_vector(model: Model, text: str) -> dict[str, float]:
    """``text``'s TF-IDF vector over the model's vocabulary: sublinear tf, l2-normalised."""
    counts: dict[str, int] = {}
    for term in sentence_terms(text):
        if term in model.idf:
            counts[term] = counts.get(term, 0) + 1
    vector = {term: (1 + math.log(count)) * model.idf[term] for term, count in counts.items()}
    norm = math.sqrt(sum(value * value for value in vector.values()))
    return {term: value / norm for term, value in vector.items()} if norm else {}


def _margin_parts(
    model: Model,
    text: str,
    topic_entities: frozenset[str] = frozenset(),
    entities: Sequence[Entity] | None = None,
) -> tuple[dict[str, float], dict[str, Feature], dict[str, float]]:
    """Each term's and each named feature's contribution to the margin, and the features."""
    terms = {
        term: value * model.term_weights[term] for term, value in tfidf_vector(model, text).items()
    }
    features = sentence_features(text, topic_entities=topic_entities, entities=entities)
    named = {name: model.feature_weights[name] * features[name].value for name in FEATURE_NAMES}
    return terms, features, named


def sentence_margin(text: str, *, model: Model | None = None) -> float:
    """The uncalibrated logistic margin of ``text`` (scikit-learn's ``decision_function``)."""
    model = model or model_load()
    terms, _, named = _margin_parts(model, text)
    return _margin(model, terms, named)


def _margin(model: Model, terms: dict[str, float], named: dict[str, float]) -> float:
    return model.intercept + sum(terms.values()) + sum(named.values())


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    exponential = math.exp(value)
    return exponential / (1 + exponential)


@dataclasses.dataclass(frozen=True)
class Classification:
    label: str  # LABEL_CHECK_WORTHY or LABEL_NOT_CHECK_WORTHY
    sentence_class: str  # one of SENTENCE_CLASSES
    score: Decimal  # calibrated probability of check-worthy, 3 decimals
    reasons: list[str]  # what moved the score most, strongest first, with its sign
    version: str  # the model's version

    def as_payload(self) -> dict[str, Any]:
        """The ``check_worthiness`` payload of a ClaimRecorded event (no floats: decimals)."""
        return {
            "score": str(self.score),
            "label": self.label,
            "class": self.sentence_class,
            "reasons": list(self.reasons),
            "version": self.version,
        }


def _sentence_class(label: str, features: dict[str, Feature]) -> str:
    if label == LABEL_CHECK_WORTHY:
        return SentenceClass.CHECK_WORTHY
    if features["question"].value:
        return SentenceClass.QUESTION
    if features["call_to_action"].value:
        return SentenceClass.CALL_TO_ACTION
    basis = features["number"].value or features["date"].value or features["attribution"].value
    if features["prediction"].value and not basis:
        return SentenceClass.PREDICTION
    if features["first_person_opinion"].value or features["evaluative_or_framing"].value:
        return SentenceClass.OPINION
    return SentenceClass.UNIMPORTANT


def _reasons(
    terms: dict[str, float], features: dict[str, Feature], named: dict[str, float]
) -> list[str]:
    """The named features that fired and the words that weighed most, by |contribution|."""
    parts: list[tuple[float, str]] = []
    for name, contribution in named.items():
        matched = features[name].matched
        if contribution and (matched or name in ("short_sentence",)):
            shown = f"{name}: {', '.join(matched[:4])}" if matched else name
            parts.append((contribution, shown))
    words = sorted(terms.items(), key=lambda item: (-abs(item[1]), item[0]))[:3]
    for term, contribution in words:
        if abs(contribution) >= 0.05:
            parts.append((contribution, f"words: {term}"))
    parts.sort(key=lambda part: (-abs(part[0]), part[1]))
    return [f"{'+' if weight > 0 else '-'} {shown}" for weight, shown in parts[:MAX_REASONS]]


def sentence_classify(
    text: str,
    *,
    model: Model | None = None,
    topic_entities: frozenset[str] = frozenset(),
    entities: Sequence[Entity] | None = None,
) -> Classification:
    """Score, label, class and reasons of one sentence (whitespace is collapsed first); the
    ``topic_entities`` of its article (``article_topic_entities``) do not count as entities.
    ``entities``: the sentence's ``entities_find``, with whitespace collapsed, when the caller
    has found them already (see ``sentence_features``)."""
    model = model or model_load()
    body = " ".join(text.split())
    terms, features, named = _margin_parts(model, body, topic_entities, entities)
    margin = _margin(model, terms, named)
    probability = _sigmoid(model.calibration_slope * margin + model.calibration_offset)
    score = Decimal(repr(probability)).quantize(Decimal("0.001"))
    # The label follows the score as shown, so "0.500" and the label never disagree.
    worthy = score >= Decimal(repr(model.threshold))
    label = LABEL_CHECK_WORTHY if worthy else LABEL_NOT_CHECK_WORTHY
    return Classification(
        label=label,
        sentence_class=_sentence_class(label, features),
        score=score,
        reasons=_reasons(terms, features, named),
        version=model.version,
    )
