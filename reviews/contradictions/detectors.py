"""Typed detectors: each compares two claims' features and returns the cues that fired.

Every detector first needs the two claims to be about the same thing (``Overlap``); then it
looks for one kind of incompatibility and explains it in words a reviewer understands. Each cue
carries a strength: the probability that a pair showing only this cue is a real contradiction
(see ``scoring``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection

from reviews.contradictions import lexicon
from reviews.contradictions.features import ClaimFeatures, DateMention, Quantity
from reviews.contradictions.text import lemma

WEAK_ANTONYM_LEMMAS = lexicon.WEAK_ANTONYM_LEMMAS


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


def _opposite(key: str) -> str:
    """The other side of an opposite-predicate key ("hire+" -> "hire-"); a relation's key
    ("rel:acquir") has none and maps to itself."""
    if key[-1:] not in ("+", "-"):
        return key
    return key[:-1] + ("-" if key[-1] == "+" else "+")


def times_compatible(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims can speak of the same time: not when both date themselves and share
    no year ("grew in 2019" and "shrank in 2020" are two periods, or an update)."""
    return not (a.sets.years and b.sets.years) or bool(a.sets.years & b.sets.years)


def _arguments_meet(x: str, y: str) -> bool:
    return bool(x and y and set(x.split()) & set(y.split()))


def _arguments_differ(x: str, y: str) -> bool:
    """Both arguments are said and share no word: the predicates are said of different things."""
    return bool(x and y) and not _arguments_meet(x, y)


def _specific_on_both_sides(
    context_a: Collection[str], a: ClaimFeatures, context_b: Collection[str], b: ClaimFeatures
) -> bool:
    """Each side qualifies what it speaks of with words the other claim never uses, verbs
    aside ("the general election" against "the local elections", "a ticket" against "a monthly
    pass", "the bank" against "the insurer"): two things, not one given two values ("died"
    against "killed" is a way of saying it)."""
    own_a = set(context_a) - b.sets.lemmas - a.sets.verbs
    own_b = set(context_b) - a.sets.lemmas - b.sets.verbs
    return bool(own_a) and bool(own_b)


def _quote(words: list[str] | set[str] | frozenset[str]) -> str:
    return ", ".join(f"“{word}”" for word in sorted(words))


def detect_negation(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """One claim says a thing did not happen (or is not so) that the other asserts."""
    if overlap.weight < 2:
        return []
    cues = []
    for first, second, name in ((a, b, B), (b, a, A)):
        # a word the denying claim also asserts is contrasted, not denied ("returned the
        # statues; it did not return the masks")
        denied = (second.sets.negated & first.sets.asserted) - first.sets.negated
        denied -= second.sets.asserted
        if not denied:
            continue
        if any(
            p.negated and p.key[-1] in "+-" and _opposite(p.key) in first.sets.predicate_keys
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
                    f"… {_quote(denied)})"
                ),
            )
        )
    return cues


def detect_opposite_predicate(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The claims say of the same argument predicates of opposite outcome or direction, from
    the curated news table (``lexicon.OPPOSITE_PREDICATES``): hired / laid off, acquitted /
    convicted, rose / fell, won / lost."""
    if overlap.weight < 2 or a.sets.opposite_keys.isdisjoint(b.sets.predicate_keys):
        return []
    if not times_compatible(a, b):
        return []  # two periods, or a later report updating an earlier one
    entries = lexicon.opposites_by_name()
    names = a.sets.entity_words | b.sets.entity_words
    for x in a.predicates:
        if x.negated or x.key[-1] not in "+-":
            continue
        opposite = _opposite(x.key)
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
            if entry.converse and _arguments_meet(x.agent, y.patient):
                continue  # "Arsenal beat Chelsea", "Chelsea lost to Arsenal": the same result
            if _arguments_differ(x.agent, y.agent) or _arguments_differ(x.patient, y.patient):
                continue  # "the pilot survived", "two passengers died": of different things
            return [
                Cue(
                    kind="opposite-predicate",
                    strength=0.8 if overlap.weight >= 3 else 0.7,
                    template=f"opposite predicates ({entry.note}): {A} says “{x.text}”, "
                    f"{B} says “{y.text}”, both of {_quote(shared)}",
                )
            ]
    return []


def detect_swapped_relation(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The same one-way relation with its arguments swapped: "Acme acquired Beta" against
    "Beta acquired Acme" (a passive is read agent first: "Beta was acquired by Acme" agrees)."""
    if overlap.weight < 2 or a.sets.relation_keys.isdisjoint(b.sets.relation_keys):
        return []
    for x in a.predicates:
        if x.key not in b.sets.relation_keys or x.negated:
            continue
        for y in b.predicates:
            if y.key != x.key or y.negated:
                continue
            swapped = _arguments_meet(x.agent, y.patient) and _arguments_meet(x.patient, y.agent)
            if swapped and not _arguments_meet(x.agent, y.agent):
                return [
                    Cue(
                        kind="swapped-relation",
                        strength=0.75,
                        template=f"the relation “{x.text}” runs the other way: {A} says "
                        f"“{x.agent_text}” → “{x.patient_text}”, {B} says “{y.agent_text}” → "
                        f"“{y.patient_text}”",
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


def _same_measure(x: Quantity, y: Quantity) -> bool:
    return x.unit == y.unit and (x.unit != "count" or (x.measure != "" and x.measure == y.measure))


def _names_unknown_to(x: Quantity, own: ClaimFeatures, other: ClaimFeatures) -> bool:
    """Whether the words around ``x`` name an entity the other claim never mentions: then the
    number is about a part ("$100 million to Hezbollah" against "$700 million to its proxies")."""
    named = set(x.context) & own.sets.entity_words
    return bool(named - other.sets.entity_words - other.sets.lemmas)


def detect_numeric(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """Different values for the same quantity, beyond rounding and stated approximation."""
    if overlap.weight < 2 or a.sets.measures.isdisjoint(b.sets.measures):
        return []
    if not times_compatible(a, b):
        return []  # an explicit later date changing a value is an update, not a conflict
    for x in a.quantities:
        if _names_unknown_to(x, a, b):
            continue
        matches = [
            y for y in b.quantities if _same_measure(x, y) and not _names_unknown_to(y, b, a)
        ]
        if not matches:
            continue
        # Claims can agree when any value one gives for this quantity fits any value the
        # other gives ("4GB or 8GB" against "4GB"); only a quantity with no such reading clashes.
        same_a = [z for z in a.quantities if _same_measure(x, z)]
        if any(z.low <= y.high and y.low <= z.high for z in same_a for y in matches):
            continue
        y = matches[0]
        if _specific_on_both_sides(x.context, a, y.context, b):
            continue
        what = x.measure or x.unit.replace("money:", "money in ")
        return [
            Cue(
                kind="numeric",
                strength=0.7,
                template=f"different numbers for {what}: {A} “{x.text}”, {B} “{y.text}”",
            )
        ]
    return []


def _same_event(x: DateMention, y: DateMention, names: frozenset[str]) -> bool:
    """Dates of one event: their contexts share a word that is not a name (every date of an
    article about Iran is near "Iran"), and their verbs, when both have one, agree
    ("signed in 1994" and "ratified in 1996" date two events)."""
    if x.events and y.events and not set(x.events) & set(y.events):
        return False
    return bool((set(x.context) & set(y.context)) - names)


def _dates_differ(x: DateMention, y: DateMention) -> bool:
    """Whether two dates exclude each other; a month of an unsaid year (0) fits any year."""
    if x.year and y.year and x.year != y.year:
        return True
    if x.month and y.month and x.month != y.month:
        return True
    return bool(x.day and y.day and x.month == y.month and x.day != y.day)


def detect_date(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """Different dates for the same event (signed in 1994 vs ratified in 1996 is two events)."""
    if overlap.weight < 2 or not a.dates or not b.dates:
        return []
    if not a.sets.measures.isdisjoint(b.sets.measures) or not a.sets.movements.isdisjoint(
        b.sets.movements
    ):
        # a value or a movement dated twice: two periods, or an update ("grew in 2022",
        # "shrank in 2023"); the numeric and predicate detectors judge those
        return []
    names = a.sets.entity_words | b.sets.entity_words
    for x in a.dates:
        for y in b.dates:
            if not _same_event(x, y, names) or not _dates_differ(x, y):
                continue
            if any(not _dates_differ(x, other) for other in b.dates):
                continue
            if any(not _dates_differ(other, y) for other in a.dates):
                continue  # "built in 1870 and expanded in 1960" against "built in 1870"
            if _specific_on_both_sides(a.sets.undated, a, b.sets.undated, b):
                continue  # "the general election" against "the local elections"
            event = _quote((set(x.context) & set(y.context)) - names)
            return [
                Cue(
                    kind="date",
                    strength=0.6,
                    template=f"different dates for the same event ({event}): "
                    f"{A} “{x.text}”, {B} “{y.text}”",
                )
            ]
    return []


def detect_stance(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """Opposite commitments on one stance axis by the same holder: "the unwavering support
    from Tehran" vs "Iran's allies ... have been largely silent"."""
    if not overlap.entities and len(overlap.lemmas) < 2:
        return []
    if a.sets.poles.isdisjoint(b.sets.opposite_poles):
        return []
    a_poles, b_poles = a.sets.sides, b.sets.sides
    cues = []
    for axis in sorted(a_poles.keys() & b_poles.keys()):
        a_pole, a_cue, a_holders, a_past = a_poles[axis]
        b_pole, b_cue, b_holders, b_past = b_poles[axis]
        positive_past, negative_past = (a_past, b_past) if a_pole > 0 else (b_past, a_past)
        if a_pole == b_pole or (positive_past and not negative_past):
            # agreeing, or a commitment of the past that has since faded ("positioned Iran as
            # a staunch supporter" against "have been largely silent"); a withdrawal in the
            # past against a commitment now ("abandoned" against "stands by") still clashes
            continue
        if a_holders and b_holders:
            if not a_holders & b_holders:
                continue  # US backing of Israel vs Iran's defence against Israel
        elif len(overlap.lemmas) < 2:
            continue  # a holder is not named: only claims sharing their words are comparable
        descriptions: tuple[str, str] = lexicon.STANCE_AXES[axis]["description"]  # type: ignore[assignment]
        positive, negative = descriptions
        a_says = positive if a_pole > 0 else negative
        b_says = positive if b_pole > 0 else negative
        cues.append(
            Cue(
                kind="stance",
                strength=0.7 if overlap.weight >= 3 else 0.55,
                template=f"opposite stances: {A} {a_says} (“{a_cue}”), {B} {b_says} (“{b_cue}”)",
            )
        )
    return cues


def detect_refutation(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """One claim calls the other's report false, a hoax, or reports a denial of it."""
    if overlap.weight < 1 or not (a.refutations or b.refutations):
        return []
    cues = []
    for first, second, name in ((a, b, A), (b, a, B)):
        if second.refutations:
            continue
        relevant = [
            (words, reason)
            for words, reason, noun in first.refutations
            if not noun or noun in lexicon.REPORT_NOUNS or noun in second.sets.lemmas
        ]
        kind = "refutation"
        if not relevant:
            # "hoax website", "fake passports": the word may describe something else
            relevant = [(words, reason) for words, reason, _ in first.refutations]
            kind = "refutation-loose"
        words, reason = relevant[0]
        strength = 0.8 if overlap.weight >= 2 else 0.6
        if kind == "refutation-loose":
            strength -= 0.3
        if first.question:
            strength -= 0.1
        cues.append(
            Cue(
                kind=kind,
                strength=strength,
                template=f"{name} {reason} (“{words}”) about what the other claim says",
            )
        )
    return cues


def detect_quantifier(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """ "All X" against "no X" (or "never") about the same thing."""
    if overlap.weight < 2 or a.sets.quantifier_nouns.isdisjoint(b.sets.quantifier_nouns):
        return []
    if (a.sets.lemmas - b.sets.lemmas) and (b.sets.lemmas - a.sets.lemmas):
        return []  # "every bank passed" against "no bank failed": more than the quantifier differs
    a_kinds = {noun: kind for kind, noun in a.quantifiers}
    for kind, noun in b.quantifiers:
        if noun in a_kinds and a_kinds[noun] != kind:
            return [
                Cue(
                    kind="quantifier",
                    strength=0.65,
                    template=f"opposite quantifiers on “{noun}”: {A} says {a_kinds[noun]}, "
                    f"{B} says {kind}",
                )
            ]
    return []


Detector = Callable[[ClaimFeatures, ClaimFeatures, Overlap], list[Cue]]

DETECTORS: tuple[Detector, ...] = (
    detect_negation,
    detect_opposite_predicate,
    detect_swapped_relation,
    detect_antonymy,
    detect_numeric,
    detect_date,
    detect_stance,
    detect_refutation,
    detect_quantifier,
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
    if not x.negated.isdisjoint(y.asserted) or not y.negated.isdisjoint(x.asserted):
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
    if a.refutations or b.refutations:
        may_fire.append(detect_refutation)
    if not x.quantifier_nouns.isdisjoint(y.quantifier_nouns):
        may_fire.append(detect_quantifier)
    return may_fire
