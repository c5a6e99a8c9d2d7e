"""The matching evaluation: retrieval and suggestions on Emergent, pairs on the team's set.

Emergent (Ferreira & Vlachos 2016) groups news headlines under one rumoured claim. It is read
as the product would meet it (docs/matching.md):

- the rumoured claims (``a``, one per ``claim_id``) are the stored claims, indexed by the
  contradiction detector's blocking keys (``candidates.MemoryIndex``, the database index's
  ranking in memory);
- each headline with stance ``for`` or ``observing`` is a new claim: its candidates come from
  the index, are ranked by ``match_rank`` and suggested by ``match_suggestions``, exactly as a
  recorded claim's are; its own rumoured claim is the one right answer, every other is not;
- ``against`` headlines deny the claim: related, not the same claim. They are not counted in
  precision or recall; how many of them are suggested their claim is reported beside.

The claims are split in two halves by a hash of ``claim_id``: ``development`` (where the weights
and threshold were chosen) and ``held-out`` (reported). Recall@5 is the share of headlines whose
claim is among their five best-ranked candidates.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path
from typing import Any

from ledger.exceptions import InvalidCommand
from reviews.contradictions.candidates import MemoryIndex, blocking_keys
from reviews.contradictions.pairs import Evaluation, pairs_read
from reviews.matching.scoring import (
    MATCH_CANDIDATES,
    MatchClaim,
    match_claim,
    match_rank,
    match_score,
    match_suggestions,
)

HALVES = ("development", "held-out")
MATCHING_STANCES = frozenset({"for", "observing"})
RECALL_AT = 5


def emergent_half(claim_id: str) -> str:
    """The half a rumoured claim belongs to: fixed by its id, never by its text or score."""
    digest = int(hashlib.sha256(claim_id.encode("utf-8")).hexdigest(), 16)
    return HALVES[digest % 2]


@dataclasses.dataclass(frozen=True)
class Measurement(Evaluation):
    """Precision and recall (``Evaluation``'s, whose ``pairs`` are here the headlines asked
    about, or the labelled pairs), with Emergent's retrieval and denials beside."""

    found_at_5: int = 0  # Emergent only: headlines whose claim ranks in the top five
    against_suggested: int = 0  # Emergent only: denials suggested as their own claim
    against: int = 0

    @property
    def recall_at_5(self) -> float:
        return self.found_at_5 / self.pairs if self.pairs else 0.0


def _emergent_rows(path: Path) -> list[dict[str, Any]]:
    rows = list(pairs_read(path))
    for row in rows:
        if "claim_id" not in row or "stance" not in row:
            raise InvalidCommand(f"{path.name}: row {row['id']} has no 'claim_id' or 'stance'")
    return rows


def emergent_evaluate(path: Path, *, half: str) -> Measurement:
    """Retrieval and suggestions over one half of Emergent (``HALVES``)."""
    if half not in HALVES:
        raise InvalidCommand(f"half must be one of {', '.join(HALVES)}")
    rows = [row for row in _emergent_rows(path) if emergent_half(row["claim_id"]) == half]
    claims: dict[str, MatchClaim] = {}
    index = MemoryIndex()
    for row in rows:
        if row["claim_id"] not in claims:
            claims[row["claim_id"]] = match_claim(text=row["a"])
            index.add(row["claim_id"], blocking_keys(claims[row["claim_id"]].features))
    queries = true_positives = false_positives = found_at_5 = 0
    against = against_suggested = 0
    started = time.perf_counter()
    for row in rows:
        claim = match_claim(text=row["b"])
        candidates = index.candidates_of_keys(blocking_keys(claim.features), limit=MATCH_CANDIDATES)
        ranked = match_rank(claim, [(other, claims[other]) for other in candidates], top=RECALL_AT)
        suggested = [other for other, _ in match_suggestions(ranked)]
        if row["stance"] not in MATCHING_STANCES:
            against += 1
            against_suggested += row["claim_id"] in suggested
            continue
        queries += 1
        found_at_5 += any(other == row["claim_id"] for other, _ in ranked[:RECALL_AT])
        true_positives += suggested.count(row["claim_id"])
        false_positives += sum(other != row["claim_id"] for other in suggested)
    return Measurement(
        name=f"{path.name} ({half})",
        pairs=queries,
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=queries - true_positives,
        seconds=time.perf_counter() - started,
        found_at_5=found_at_5,
        against=against,
        against_suggested=against_suggested,
    )


def pairs_evaluate(path: Path) -> Measurement:
    """Precision and recall of ``match`` on a labelled pair file (``label``: match or none)."""
    true_positives = false_positives = false_negatives = pairs = 0
    started = time.perf_counter()
    for item in pairs_read(path):
        if item.get("label") not in ("match", "none"):
            raise InvalidCommand(f"{path.name}: pair {item['id']} needs 'label' match or none")
        pairs += 1
        predicted = match_score(match_claim(text=item["a"]), match_claim(text=item["b"])).match
        actual = item["label"] == "match"
        true_positives += predicted and actual
        false_positives += predicted and not actual
        false_negatives += actual and not predicted
    return Measurement(
        name=path.name,
        pairs=pairs,
        true_positives=true_positives,
        false_positives=false_positives,
        false_negatives=false_negatives,
        seconds=time.perf_counter() - started,
    )


def measurement_json(measurement: Measurement) -> str:
    """One measurement as a JSON line (``eval_matching --json``)."""
    return json.dumps(
        {
            **dataclasses.asdict(measurement),
            "precision": round(measurement.precision, 3),
            "recall": round(measurement.recall, 3),
            "recall_at_5": round(measurement.recall_at_5, 3),
        }
    )
