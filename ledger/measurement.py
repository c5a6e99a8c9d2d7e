"""Measurement of extraction and check-worthiness against labelled text (``extraction_eval``).

Pure functions: they call what ingestion calls (``claims_extract``, ``sentence_classify``) and
compare with gold claims or labelled sentences; nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from ledger.checkworthiness import LABEL_CHECK_WORTHY, Model, SentenceClass, sentence_classify
from ledger.extraction import claims_extract

_PLACES = Decimal("0.001")
# Each labelled article: its text, its gold claims, and its claims' check-worthiness classes
# (with their role: development or held out, docs/checkworthiness.md).
LABELLED_ARTICLES = (
    (
        "fixtures/iran-palestine-article.txt",
        "fixtures/iran-palestine-article.gold.json",
        "fixtures/iran-palestine-article.checkworthiness.json",
    ),
    (
        "fixtures/meridian-rail-analysis.txt",
        "fixtures/meridian-rail-analysis.gold.json",
        "fixtures/meridian-rail-analysis.checkworthiness.json",
    ),
    (
        "fixtures/harbor-city-water-report.txt",
        "fixtures/harbor-city-water-report.gold.json",
        "fixtures/harbor-city-water-report.checkworthiness.json",
    ),
)


def labelled_classes(labels: dict[str, Any]) -> dict[str, str]:
    """The class of each sentence of an article's labels file (``LABELLED_ARTICLES``' third
    part), by its text with whitespace collapsed, as extraction records a claim's text."""
    return {" ".join(item["text"].split()): item["class"] for item in labels["sentences"]}


def _ratio(numerator: int | Decimal, denominator: int | Decimal, *, empty: str) -> Decimal:
    """``numerator / denominator`` to 3 places; ``empty`` when there is nothing to divide by."""
    if not denominator:
        return Decimal(empty)
    return (Decimal(numerator) / Decimal(denominator)).quantize(_PLACES)


@dataclasses.dataclass(frozen=True)
class ExtractionMeasurement:
    """Extraction against a gold list of claim sentences (compared with whitespace collapsed)."""

    precision: Decimal
    recall: Decimal
    true_positives: int
    false_positives: list[str]  # extracted, not in the gold claims
    false_negatives: list[str]  # gold claims not extracted


def extraction_measure(*, text: str, gold_claims: list[str]) -> ExtractionMeasurement:
    """Precision and recall of ``claims_extract(text)`` against ``gold_claims`` (1.000 when
    there is nothing to find and nothing was found)."""
    extracted = [claim.text for claim in claims_extract(text).claims]
    gold = {" ".join(claim.split()) for claim in gold_claims}
    found = set(extracted)
    true_positives = len(found & gold)
    return ExtractionMeasurement(
        precision=_ratio(true_positives, len(found), empty="1.000"),
        recall=_ratio(true_positives, len(gold), empty="1.000"),
        true_positives=true_positives,
        false_positives=[claim for claim in extracted if claim not in gold],
        false_negatives=sorted(gold - found),
    )


def roc_auc(scores: list[Decimal], positives: list[bool]) -> Decimal:
    """The ROC AUC of ``scores`` for the ``positives`` (Mann-Whitney: ties count half), 3 places.

    0.5 when either class is empty (nothing to rank).
    """
    positive = [score for score, wanted in zip(scores, positives, strict=True) if wanted]
    negative = [score for score, wanted in zip(scores, positives, strict=True) if not wanted]
    if not positive or not negative:
        return Decimal("0.500")
    wins = sum(
        (
            Decimal(1) if high > low else Decimal("0.5") if high == low else Decimal(0)
            for high in positive
            for low in negative
        ),
        Decimal(0),
    )
    return (wins / (len(positive) * len(negative))).quantize(_PLACES)


@dataclasses.dataclass(frozen=True)
class LabelledMeasurement:
    """The classifier against sentences labelled check-worthy or not."""

    sentences: int
    check_worthy: int
    precision: Decimal
    recall: Decimal
    f1: Decimal
    auc: Decimal


def checkworthiness_measure(*, labelled: list[tuple[str, bool]]) -> LabelledMeasurement:
    """Precision, recall and F1 of the check-worthy label, and the score's AUC, over
    ``labelled`` (sentence, is it check-worthy) pairs (0.000 where a ratio has no denominator)."""
    results = [sentence_classify(text) for text, _ in labelled]
    wanted = [worthy for _, worthy in labelled]
    found = [result.label == LABEL_CHECK_WORTHY for result in results]
    hits = sum(1 for worthy, taken in zip(wanted, found, strict=True) if worthy and taken)
    precision = _ratio(hits, sum(found), empty="0.000")
    recall = _ratio(hits, sum(wanted), empty="0.000")
    return LabelledMeasurement(
        sentences=len(labelled),
        check_worthy=sum(wanted),
        precision=precision,
        recall=recall,
        f1=_ratio(2 * precision * recall, precision + recall, empty="0.000"),
        auc=roc_auc([result.score for result in results], wanted),
    )


@dataclasses.dataclass(frozen=True)
class QueueMeasurement:
    """An article's default queue (the claims ingestion labels check-worthy) against labels."""

    claims: int  # extracted
    labelled_worthy: int  # extracted claims labelled check-worthy
    queue: int
    queue_worthy: int  # in the queue and labelled check-worthy
    share: Decimal  # queue_worthy / queue
    recall: Decimal  # queue_worthy / labelled_worthy
    auc: Decimal  # of the recorded scores over the extracted claims
    scored: list[tuple[Decimal, bool]]  # each claim's recorded score, labelled check-worthy?


def article_queue_measure(
    *, text: str, classes: dict[str, str], model: Model | None = None
) -> QueueMeasurement:
    """The claims of ``text`` scored as ingestion scores them (with ``model`` if given), against
    ``classes`` (claim text -> class); an extracted claim without a class counts as not
    check-worthy."""
    claims = claims_extract(text, model=model).claims
    worthy = [classes.get(claim.text) == SentenceClass.CHECK_WORTHY for claim in claims]
    queued = [claim.check_worthiness["label"] == LABEL_CHECK_WORTHY for claim in claims]
    hits = sum(1 for wanted, taken in zip(worthy, queued, strict=True) if wanted and taken)
    scores = [Decimal(claim.check_worthiness["score"]) for claim in claims]
    return QueueMeasurement(
        claims=len(claims),
        labelled_worthy=sum(worthy),
        queue=sum(queued),
        queue_worthy=hits,
        share=_ratio(hits, sum(queued), empty="0.000"),
        recall=_ratio(hits, sum(worthy), empty="0.000"),
        auc=roc_auc(scores, worthy),
        scored=list(zip(scores, worthy, strict=True)),
    )
