"""Detectors of what the claims say happened: negation, opposite predicates, WordNet antonyms
(swapped relation arguments are ``detect_relations``)."""

from __future__ import annotations

from reviews.contradictions import lexicon
from reviews.contradictions.detectors import (
    EVALUATION_SHARED_WORDS,
    A,
    B,
    Cue,
    Overlap,
    arguments_differ,
    arguments_meet,
    different_instances,
    measures_a_part,
    overlap_entity_words,
    quoted,
    times_compatible,
)
from reviews.contradictions.features import ClaimFeatures


def detect_negation(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """One claim says a thing did not happen (or is not so) that the other asserts, at a time
    the other may speak of ("struck in 2021" against "did not strike in 2024": two periods)."""
    if overlap.weight < 2 or not times_compatible(a, b):
        return []
    cues = []
    for first, second, name in ((a, b, B), (b, a, A)):
        # a word the denying claim also asserts is contrasted, not denied ("returned the
        # statues; it did not return the masks")
        denied = (second.sets.negated & first.sets.asserted) - first.sets.negated
        denied -= second.sets.asserted
        if (second.sets.negated & lexicon.DENIAL_LEMMAS) - first.sets.lemmas:
            continue  # "did not deny that she attended" against "attended": a double negation
        if not denied:
            cues.extend(_subject_denied(first, second, overlap, name))
            continue
        if any(
            p.negated
            and p.key[-1] in "+-"
            and lexicon.opposite_key(p.key) in first.sets.predicate_keys
            for p in second.predicates
        ):
            continue  # "did not convict" against "acquitted": denying the opposite agrees
        other = A if name == B else B
        strength = 0.75 if overlap.weight >= 3 else 0.6
        # "no idea", "without knowledge": a noun phrase is denied, not the shared predicate
        weak = all(cue in lexicon.DETERMINER_NEGATORS for cue in second.negation_cues)
        if (
            weak
            and (first.sets.lemmas - second.sets.lemmas)
            and (second.sets.lemmas - first.sets.lemmas)
        ):
            continue  # "every bank passed" against "no bank failed": more differs than "no"
        if weak or denied <= overlap_entity_words(overlap):
            kind = "negation-weak"
            strength -= 0.2
        elif denied <= second.sets.negated_embedded:
            # "an employee who hadn't been to work": denied in a relative or adverbial clause,
            # not as the claim's statement: less likely than not a contradiction on its own
            kind = "negation-embedded"
            strength -= 0.3
        else:
            kind = "negation"
        cues.append(
            Cue(
                kind=kind,
                strength=strength,
                template=(
                    f"{name} negates what {other} asserts ({' '.join(second.negation_cues[:1])} "
                    f"… {quoted(denied)})"
                ),
            )
        )
    return cues


def _subject_denied(
    first: ClaimFeatures, second: ClaimFeatures, overlap: Overlap, name: str
) -> list[Cue]:
    """``second`` denies its own predicate of the subject ``first`` speaks of, in other words
    than ``first`` uses ("Tiger Woods not banned" against "Tiger Woods is serving a
    suspension"): weaker than a denial of the same words. Not when ``first`` denies something
    too (two denials may agree) or the subject is only one shared common word."""
    if first.sets.negated or first.question:
        return []
    shared = second.sets.denied_subject & first.sets.lemmas
    if not shared & overlap_entity_words(overlap) and len(shared) < 2:
        return []
    other = A if name == B else B
    return [
        Cue(
            kind="negation-weak",
            strength=0.45,
            template=(
                f"{name} denies something of {quoted(shared)} "
                f"({' '.join(second.negation_cues[:1])} …), which {other} makes a claim about"
            ),
        )
    ]


def detect_opposite_predicate(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The claims say of the same argument predicates of opposite outcome or direction, from
    the curated news table (``lexicon.OPPOSITE_PREDICATES``): hired / laid off, acquitted /
    convicted, rose / fell, won / lost."""
    if overlap.weight < 2 or a.sets.opposite_keys.isdisjoint(b.sets.predicate_keys):
        return []
    if not times_compatible(a, b):
        return []  # two periods, or a later report updating an earlier one
    if measures_a_part(a, b):
        return []  # "exports fell" against "wine exports rose": a part against its whole
    if different_instances(a, b):
        return []  # "succeeded on its second attempt" against "the first attempt failed"
    entries = lexicon.opposites_by_name()
    names = a.sets.entity_words | b.sets.entity_words
    for x in a.predicates:
        if x.negated or x.key[-1] not in "+-":
            continue
        opposite = lexicon.opposite_key(x.key)
        if opposite in a.sets.predicate_keys:
            continue  # the claim says both ("some rose, others fell")
        for y in b.predicates:
            if y.key != opposite or y.negated or x.key in b.sets.predicate_keys:
                continue
            entry = entries[x.key[:-1]]
            shared = set(x.context) & set(y.context)
            if entry.frame == "evaluation" and len(overlap.lemmas) >= EVALUATION_SHARED_WORDS:
                shared = set(overlap.lemmas)
            if entry.frame == "measure":
                shared -= names  # what rose must be named the same, not only where
            if not shared:
                continue
            if entry.converse and arguments_meet(x.agent, y.patient):
                continue  # "Arsenal beat Chelsea", "Chelsea lost to Arsenal": the same result
            names_a, names_b = a.sets.entity_words, b.sets.entity_words
            if arguments_differ(x.agent, y.agent, names_a, names_b) or arguments_differ(
                x.patient, y.patient, names_a, names_b
            ):
                continue  # "the pilot survived", "two passengers died": of different things
            return [
                Cue(
                    kind="opposite-predicate",
                    strength=0.8 if overlap.weight >= 3 else 0.7,
                    template=f"opposite predicates ({entry.note}): {A} says “{x.text}”, "
                    f"{B} says “{y.text}”, both of {quoted(shared)}",
                )
            ]
    return []


def detect_antonymy(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The claims use opposite words (WordNet antonyms) about the same subject."""
    if overlap.weight < 2:
        return []
    b_asserted = b.sets.asserted
    a_asserted = a.sets.asserted
    if a.sets.antonyms.isdisjoint(b_asserted):
        return []
    table = lexicon.antonyms()
    pairs = []
    curated = lexicon.predicate_phrases()
    for word, neighbours in a.antonym_contexts.items():
        if word in b_asserted:
            continue
        for opposite in table.get(word, ()):
            if opposite not in b_asserted or opposite in a_asserted:
                continue
            if (word,) in curated and (opposite,) in curated:
                continue  # the curated table's detector judges these, with their arguments
            # Opposite words say opposite things only of the same thing: "Hefner is dead" vs
            # "Hefner is alive", not "a Western puppet" vs "Middle Eastern geopolitics".
            if set(neighbours) & set(b.antonym_contexts.get(opposite, ())):
                pairs.append((word, opposite))
    if not pairs:
        return []
    word, opposite = sorted(pairs)[0]
    strength = 0.65 if overlap.weight >= 3 else 0.55
    return [
        Cue(
            kind="antonymy",
            strength=strength,
            template=f"opposite words: {A} says “{word}…”, {B} says “{opposite}…”",
        )
    ]
