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

from reviews.contradictions import lexicon
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.frames import Frame
from reviews.contradictions.quantities import DateMention
from reviews.contradictions.text import lemma
from reviews.contradictions.updates import times_apart

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


def _same_time(x: DateMention, y: DateMention) -> bool:
    """The same year (or both unsaid: "As of March" / "As of June") and month, when both say it."""
    return x.year == y.year and (not x.month or not y.month or x.month == y.month)


def reported_apart(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims open with the times they report on, and those differ ("As of January
    2024, ..." against "As of June 2024, ..."): a later report, an update of the earlier one."""
    if not (a.sets.framed and b.sets.framed):
        return False
    frames_a = [date for date in a.dates if date.framing and (date.year or date.month)]
    frames_b = [date for date in b.dates if date.framing and (date.year or date.month)]
    return not any(_same_time(x, y) for x in frames_a for y in frames_b)


def times_compatible(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims can speak of the same time: not when both date themselves and share
    no year ("grew in 2019" and "shrank in 2020" are two periods, or an update), nor when they
    report on two times (``reported_apart``), nor when their dates or periods of one kind
    cannot meet ("in June" / "in November", "on Monday" / "by Friday": ``updates.times_apart``)."""
    if a.sets.years and b.sets.years and a.sets.years.isdisjoint(b.sets.years):
        return False
    return not (reported_apart(a, b) or times_apart(a, b))


def arguments_meet(x: str, y: str) -> bool:
    return bool(x and y and set(x.split()) & set(y.split()))


def arguments_differ(x: str, y: str, names_x: frozenset[str], names_y: frozenset[str]) -> bool:
    """Both arguments are said and share no word, or each names what the other does not
    ("Harlow Hospital Trust" against "Denton Hospital Trust": two trusts): the predicates are
    said of different things. ``names_x`` and ``names_y`` are the words of each claim's
    canonical entity names (so "Tehran" against "Iran" is not two names)."""
    if not (x and y):
        return False
    if not arguments_meet(x, y):
        return True
    words_x, words_y = set(x.split()), set(y.split())
    own_x = (words_x - words_y) & (names_x - names_y)
    own_y = (words_y - words_x) & (names_y - names_x)
    return bool(own_x) and bool(own_y)


def doers_apart(x: list[str], y: list[str], first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """Two doers are different: their heads (last words) differ, each absent from the other
    claim ("the chief executive" / "the chairman"), or one common head is qualified on each
    side by words the other claim never uses ("bus drivers" / "train drivers"; not a name
    described two ways: "street artist Banksy" / "Banksy"), or on one side by a word that
    makes another holder of the role (``lexicon.OTHER_HOLDER_LEMMAS``: "the deputy mayor").
    Heads of one body class (``lexicon.BODY_CLASSES``: "the government" / "ministers") are one
    head."""
    if not (x and y):
        return False
    body_x, body_y = lexicon.BODY_CLASSES.get(x[-1]), lexicon.BODY_CLASSES.get(y[-1])
    if x[-1] != y[-1] and body_x and body_x == body_y:
        # "the government" / "ministers": one body in other words, told apart only by what
        # qualifies it ("the education ministry" / "the health department")
        x, y = [*x[:-1], body_x], [*y[:-1], body_y]
    if x[-1] != y[-1]:
        return x[-1] not in second.sets.lemmas and y[-1] not in first.sets.lemmas
    if x[-1] in first.sets.entity_words | second.sets.entity_words:
        return False
    own_x, own_y = set(x) - set(y), set(y) - set(x)
    if (own_x ^ own_y) & lexicon.OTHER_HOLDER_LEMMAS:
        return True  # "the mayor" / "the deputy mayor": another office holder
    return (
        bool(own_x and own_y)
        and own_x.isdisjoint(second.sets.lemmas)
        and own_y.isdisjoint(first.sets.lemmas)
    )


def phrases_named_apart(x: Frame, y: Frame, a: ClaimFeatures, b: ClaimFeatures) -> str:
    """The phrases of one preposition after two verbs, sharing a word, each naming what the
    other does not ("from Corran airport" / "from Hollin airport", "at its Wrexley plant" /
    "at its Sandford plant"), in words with the roles marked ("" when there are none)."""
    for phrase_x in x.phrases:
        for phrase_y in y.phrases:
            words_x, words_y = phrase_x[1:], phrase_y[1:]
            if phrase_x[0] != phrase_y[0] or not set(words_x) & set(words_y):
                continue
            if arguments_differ(
                " ".join(words_x), " ".join(words_y), a.sets.entity_words, b.sets.entity_words
            ):
                return f"{A}'s “{' '.join(phrase_x)}”, {B}'s “{' '.join(phrase_y)}”"
    return ""


def qualifies_further(argument_text: str, other: ClaimFeatures) -> bool:
    """Whether a measured argument carries a qualifier the other claim never uses ("the
    region's electric car sales" against "the region's car sales", "revenue at its printing
    division" against "its revenue"): it measures a part, which may move against the whole. A
    possessor says whose, not which part ("the company's sales" against "sales")."""
    return any(
        not word.endswith("'s") and word[0].isalpha() and lemma(word) not in other.sets.lemmas
        for word in argument_text.lower().split()
    )


def measures_a_part(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims move quantities of one kind (rose / fell) whose arguments are a part
    and its whole: one of them names the measured thing more narrowly (``qualifies_further``)."""
    shared = a.sets.movements & b.sets.movements
    if not shared:
        return False
    for x in a.predicates:
        if x.key[:-1] not in shared:
            continue
        for y in b.predicates:
            if y.key[:-1] != x.key[:-1]:
                continue
            if qualifies_further(x.agent_text, b) or qualifies_further(y.agent_text, a):
                return True
    return False


def different_instances(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether the claims name different instances by their ordinals ("succeeded on its second
    attempt" against "the first attempt failed")."""
    ordinals_a = a.sets.lemmas & lexicon.ORDINALS
    ordinals_b = b.sets.lemmas & lexicon.ORDINALS
    return bool(ordinals_a) and bool(ordinals_b) and ordinals_a.isdisjoint(ordinals_b)


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
