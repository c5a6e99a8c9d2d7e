"""The typed detectors in the order they are run, and the cheap bound on which of them may fire."""

from __future__ import annotations

from collections.abc import Callable

from reviews.contradictions.detect_predicates import (
    detect_antonymy,
    detect_negation,
    detect_opposite_predicate,
)
from reviews.contradictions.detect_relations import detect_swapped_relation
from reviews.contradictions.detect_reports import (
    detect_answer,
    detect_quantifier,
    detect_refutation,
    detect_stance,
)
from reviews.contradictions.detect_updates import detect_update
from reviews.contradictions.detect_values import detect_date, detect_numeric
from reviews.contradictions.detectors import (
    Cue,
    Overlap,
)
from reviews.contradictions.features import ClaimFeatures

Detector = Callable[[ClaimFeatures, ClaimFeatures, Overlap], list[Cue]]

DETECTORS: tuple[Detector, ...] = (
    detect_negation,
    detect_opposite_predicate,
    detect_swapped_relation,
    detect_antonymy,
    detect_numeric,
    detect_date,
    detect_stance,
    detect_answer,
    detect_refutation,
    detect_quantifier,
    detect_update,
)


def detectors_that_may_fire(a: ClaimFeatures, b: ClaimFeatures) -> list[Detector]:
    """The detectors whose first requirement this pair meets, in ``DETECTORS`` order; empty
    when none can fire.

    A sweep compares millions of pairs; most share a subject but say nothing incompatible, and
    a few set intersections rule them out before any detector runs. Each test here is the
    guard its detector starts with (``isdisjoint`` answers without building the intersection),
    so a detector left out would have returned no cue: tests/reviews/test_contradiction_
    detectors.py checks that on the eval sets and the bench's synthetic claims.
    """
    x, y = a.sets, b.sets
    may_fire: list[Detector] = []
    if (
        not x.negated.isdisjoint(y.asserted)
        or not y.negated.isdisjoint(x.asserted)
        or not x.denied_subject.isdisjoint(y.lemmas)
        or not y.denied_subject.isdisjoint(x.lemmas)
    ):
        may_fire.append(detect_negation)
    if not x.opposite_keys.isdisjoint(y.predicate_keys):
        may_fire.append(detect_opposite_predicate)
    if not x.relation_keys.isdisjoint(y.relation_keys):
        may_fire.append(detect_swapped_relation)
    if not x.antonyms.isdisjoint(y.asserted):
        may_fire.append(detect_antonymy)
    if not x.measures.isdisjoint(y.measures):
        may_fire.append(detect_numeric)
    if a.dates and b.dates:
        may_fire.append(detect_date)
    if not x.poles.isdisjoint(y.opposite_poles):
        may_fire.append(detect_stance)
    if x.answer_polarities and y.answer_polarities - x.answer_polarities:
        may_fire.append(detect_answer)
    if a.refutations or b.refutations:
        may_fire.append(detect_refutation)
    if not x.quantifier_nouns.isdisjoint(y.quantifier_nouns):
        may_fire.append(detect_quantifier)
    if (a.dates or a.periods) and (b.dates or b.periods):
        may_fire.append(detect_update)
    return may_fire
