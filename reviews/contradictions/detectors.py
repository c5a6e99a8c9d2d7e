"""Typed detectors: each compares two claims' features and returns the cues that fired.

This module holds what they share (the cue, the overlap, the kinds in words); the detectors
are in ``detect_predicates``, ``detect_values`` and ``detect_reports`` by type, and
``registry`` runs them in order.

Every detector first needs the two claims to be about the same thing (``Overlap``); then it
looks for one kind of incompatibility and explains it in words a reviewer understands. Each cue
carries a strength: the probability that a pair showing only this cue is a real contradiction
(see ``scoring``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.text import lemma

# The two claims' roles in a cue's text: rendered as "A" and "B", swapped when the pair is
# stored the other way round (``Cue.swapped``), so the text always names A's words as A's.
A, B = "\u27e8A\u27e9", "\u27e8B\u27e9"

# Every cue kind (a detector, or a detector's weaker variant), in words for editors: the type
# of a flag is its strongest cue's kind ("" for flags recorded before kinds were).
CUE_KIND_LABELS: dict[str, str] = {
    "negation": "One denies the other",
    "negation-weak": "One may deny the other",
    "negation-embedded": "One denies the other in a reported clause",
    "opposite-predicate": "Opposite actions",
    "swapped-relation": "Roles reversed",
    "antonymy": "Opposite words",
    "numeric": "Numbers differ",
    "date": "Dates differ",
    "stance": "Opposite stances",
    "refutation": "One calls the other false",
    "refutation-loose": "One may call the other false",
    "quantifier": "Opposite quantifiers (all, none)",
    "nli": "Language model: contradiction",
}
# How the type of a flag without recorded kinds is named where "" would be unclear (API, URLs).
UNKNOWN_CUE_KIND = "unknown"
UNKNOWN_CUE_KIND_LABEL = "Unknown (flagged before types were recorded)"
CUE_KIND_CHOICES: list[tuple[str, str]] = [
    *CUE_KIND_LABELS.items(),
    (UNKNOWN_CUE_KIND, UNKNOWN_CUE_KIND_LABEL),
]


def cue_kind_label(kind: str) -> str:
    """A flag type in words; an unlisted kind (a newer detector) is shown as it is."""
    if not kind:
        return UNKNOWN_CUE_KIND_LABEL
    return CUE_KIND_LABELS.get(kind, kind)


@dataclasses.dataclass(frozen=True)
class Cue:
    kind: str  # the detector: "negation", "opposite-predicate", "numeric", "date", "stance", ...
    strength: float  # 0..1
    template: str  # the reviewer's text, with the roles written ``A`` and ``B``

    @property
    def explanation(self) -> str:
        return self.template.replace(A, "A").replace(B, "B")

    def swapped(self) -> Cue:
        """The same cue for the pair stored as (B, A)."""
        return dataclasses.replace(
            self,
            template=self.template.replace(A, "\0").replace(B, A).replace("\0", B),
        )


@dataclasses.dataclass(frozen=True)
class Overlap:
    """What two claims share: the evidence that they speak about the same thing."""

    entities: frozenset[str]
    lemmas: frozenset[str]
    # How much they share: read by every detector, so computed once (not an argument).
    weight: int = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight", 2 * len(self.entities) + len(self.lemmas))


def overlap_of(a: ClaimFeatures, b: ClaimFeatures) -> Overlap:
    entities = a.sets.entities & b.sets.entities
    shared_lemmas = a.sets.lemmas & b.sets.lemmas
    if entities and shared_lemmas:
        # A shared entity's words are counted once, as the entity.
        shared_lemmas -= a.sets.entity_words & b.sets.entity_words
    return Overlap(entities=entities, lemmas=shared_lemmas)


def overlap_entity_words(overlap: Overlap) -> set[str]:
    return {lemma(word) for entity in overlap.entities for word in entity.split()}


EVALUATION_SHARED_WORDS = 2  # an evaluation is compared when the claims share this many words


def times_compatible(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims can speak of the same time: not when both date themselves and share
    no year ("grew in 2019" and "shrank in 2020" are two periods, or an update)."""
    return not (a.sets.years and b.sets.years) or bool(a.sets.years & b.sets.years)


def arguments_meet(x: str, y: str) -> bool:
    return bool(x and y and set(x.split()) & set(y.split()))


def arguments_differ(x: str, y: str) -> bool:
    """Both arguments are said and share no word: the predicates are said of different things."""
    return bool(x and y) and not arguments_meet(x, y)


def specific_on_both_sides(
    context_a: Collection[str], a: ClaimFeatures, context_b: Collection[str], b: ClaimFeatures
) -> bool:
    """Each side qualifies what it speaks of with words the other claim never uses, verbs
    aside ("the general election" against "the local elections", "a ticket" against "a monthly
    pass", "the bank" against "the insurer"): two things, not one given two values ("died"
    against "killed" is a way of saying it)."""
    own_a = set(context_a) - b.sets.lemmas - a.sets.verbs
    own_b = set(context_b) - a.sets.lemmas - b.sets.verbs
    return bool(own_a) and bool(own_b)


def quoted(words: list[str] | set[str] | frozenset[str]) -> str:
    return ", ".join(f"“{word}”" for word in sorted(words))
