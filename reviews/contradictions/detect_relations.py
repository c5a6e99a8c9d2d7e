"""The detector of one-way relations whose arguments swap: "Acme acquired Beta" against "Beta
acquired Acme", "Beta is a subsidiary of Acme" against "Acme is a subsidiary of Beta", "Croatia
lost to Portugal" against "Portugal lost to Croatia". The relations and their argument frames
are read by ``relations``; a passive, a converse or a nominal ("Beta was acquired by Acme",
"Acme, the parent company of Beta", "Acme's takeover of Beta") gives the same arguments, so it
agrees."""

from __future__ import annotations

from reviews.contradictions.detectors import (
    A,
    B,
    Cue,
    Overlap,
    different_instances,
    times_compatible,
)
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.relations import Relation
from reviews.contradictions.text import STOPWORDS, lemma


def _named(argument: str, claim: ClaimFeatures) -> set[str]:
    """An argument's lemmas with the words of each entity of its claim it names part of
    ("the University" of "the University of Leeds" is Leeds too)."""
    words = set(argument.split())
    for name in claim.entities:
        name_words = {lemma(word) for word in name.split() if word not in STOPWORDS}
        if words & name_words:
            words |= name_words
    return words


def _swapped(x: Relation, a: ClaimFeatures, y: Relation, b: ClaimFeatures) -> bool:
    """What tells each one's doer from the other's is the other's patient ("Germany's
    economy" against "France's economy": Germany and France; "Kestrel sued Vossberg" against
    "Kestrel sued its insurer": one doer)."""
    agent_x, patient_x = _named(x.agent, a), _named(x.patient, a)
    agent_y, patient_y = _named(y.agent, b), _named(y.patient, b)
    return bool((agent_x - agent_y) & patient_y and (agent_y - agent_x) & patient_x)


def _other_times(x: Relation, y: Relation) -> bool:
    """A state said in the past against one said in the present ("Okafor led Ferrante before
    the summer break" / "Ferrante leads Okafor"): two times, the standing may have changed."""
    return bool(x.tense and y.tense and x.tense != y.tense)


def _said(relation: Relation) -> str:
    return f"“{relation.agent_text}” → “{relation.patient_text}” (“{relation.text}”)"


def relations_swapped(a: ClaimFeatures, b: ClaimFeatures) -> tuple[Relation, Relation] | None:
    """The first relation of ``a`` that ``b`` states with its arguments swapped, with b's."""
    if a.sets.relation_keys.isdisjoint(b.sets.relation_keys):
        return None
    for x in a.relations:
        if x.negated or x.name not in b.sets.relation_keys:
            continue
        for y in b.relations:
            if y.name != x.name or y.negated or _other_times(x, y):
                continue
            if _swapped(x, a, y, b):
                return x, y
    return None


def detect_swapped_relation(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The same one-way relation with its arguments swapped, at times the claims may share
    ("beat Ostrava in 2016" against "lost to Ostrava in 2022", "in the first leg" against "in
    the second leg": two matches)."""
    if overlap.weight < 2 or not times_compatible(a, b) or different_instances(a, b):
        return []
    swapped = relations_swapped(a, b)
    if swapped is None:
        return []
    x, y = swapped
    return [
        Cue(
            kind="swapped-relation",
            strength=0.75,
            template=f"the relation “{x.name}” runs the other way: {A} says {_said(x)}, "
            f"{B} says {_said(y)}",
        )
    ]
