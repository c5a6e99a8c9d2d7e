"""Scoring pairs of texts read from JSON Lines files: shared by ``score_pairs`` and the eval."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ledger.exceptions import InvalidCommand
from ledger.jsonl import jsonl_objects_read
from reviews.contradictions.antecedents import antecedent_from
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.scoring import PairScore, pair_score_texts


def pairs_read(path: Path) -> Iterator[dict[str, Any]]:
    """Each line's ``{"id", "a", "b"}``; a clear InvalidCommand naming the line otherwise."""
    return jsonl_objects_read(path, text_fields=("a", "b"))


def pair_topic(path: Path, item: dict[str, Any]) -> str:
    """The topic a labelled pair belongs to, for folds that hold a whole topic out: its
    ``topic`` or Emergent ``claim_id`` when given; each RTE-3 pair is its own topic; any other
    file (the seed article) is one topic."""
    if "topic" in item:
        return f"{path.name}:{item['topic']}"
    if "claim_id" in item:
        return f"{path.name}:{item['claim_id']}"
    if path.name.startswith("rte3"):
        return f"{path.name}:{item['id']}"
    return path.name


def claim_features_in_source(text: str, earlier: Sequence[str] = ()) -> ClaimFeatures:
    """A claim's features read with the subject its source named before it (``earlier``: the
    source's earlier claims in order), as the index reads them."""
    return features_extract(text=text, antecedent=antecedent_from(list(earlier), text))


def pair_text_score(
    *, a: str, b: str, a_earlier: Sequence[str] = (), b_earlier: Sequence[str] = ()
) -> PairScore:
    return pair_score_texts(
        claim_features_in_source(a, a_earlier),
        claim_features_in_source(b, b_earlier),
        text_a=a,
        text_b=b,
    )


def pair_item_features(item: dict[str, Any]) -> tuple[ClaimFeatures, ClaimFeatures]:
    """The features of a labelled pair's claims, with their sources' earlier claims when the
    pair gives them (``a_earlier``, ``b_earlier``: lists of texts in source order)."""
    return (
        claim_features_in_source(item["a"], item.get("a_earlier", [])),
        claim_features_in_source(item["b"], item.get("b_earlier", [])),
    )


def pair_item_score(item: dict[str, Any]) -> PairScore:
    """``pair_text_score`` of a pair read from a file, with its sources' earlier claims."""
    return pair_text_score(
        a=item["a"],
        b=item["b"],
        a_earlier=item.get("a_earlier", []),
        b_earlier=item.get("b_earlier", []),
    )


def pair_output(item: dict[str, Any], score: PairScore) -> dict[str, Any]:
    """The score_pairs contract: ``{"id", "contradiction", "score", "cues"}``."""
    return {
        "id": item["id"],
        "contradiction": score.contradiction,
        "score": float(score.score_decimal),
        "cues": score.explanations,
    }


@dataclasses.dataclass(frozen=True)
class Evaluation:
    name: str
    pairs: int
    true_positives: int
    false_positives: int
    false_negatives: int
    seconds: float
    # Per kind of pair (its ``type``, else its ``kind``: "date", "paraphrase", "hard-negative"):
    # (pairs flagged, pairs). Empty when the file names no kinds.
    flagged_by_kind: dict[str, tuple[int, int]] = dataclasses.field(default_factory=dict)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def pairs_per_second(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0


def pairs_evaluate(path: Path) -> Evaluation:
    """Precision, recall and F1 on the class ``contradiction`` of one labelled file."""
    items = list(pairs_read(path))
    started = time.perf_counter()
    scores = [pair_item_score(item) for item in items]
    seconds = time.perf_counter() - started
    true_positives = false_positives = false_negatives = 0
    flagged_by_kind: dict[str, tuple[int, int]] = {}
    for item, score in zip(items, scores, strict=True):
        if "label" not in item:
            raise InvalidCommand(f"{path.name}: pair {item['id']} has no 'label'")
        kind = str(item.get("type") or item.get("kind") or "")
        if kind:
            flagged, pairs = flagged_by_kind.get(kind, (0, 0))
            flagged_by_kind[kind] = (flagged + score.contradiction, pairs + 1)
        actual = item["label"] == "contradiction"
        if score.contradiction and actual:
            true_positives += 1
        elif score.contradiction:
            false_positives += 1
        elif actual:
            false_negatives += 1
    return Evaluation(
        name=path.name,
        pairs=len(items),
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=false_negatives,
        seconds=seconds,
        flagged_by_kind=dict(sorted(flagged_by_kind.items())),
    )
