"""Detectors of positions: stance (commitment against withdrawal or absence), refutation of a
report, opposite quantifiers."""

from __future__ import annotations

from reviews.contradictions import lexicon
from reviews.contradictions.detectors import (
    A,
    B,
    Cue,
    Overlap,
    times_compatible,
)
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.text import lemma


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


ANSWER_WORDS = {
    "yes": "answers a plain yes",
    "no": "answers a plain no",
    "mixed": "says there is no simple yes or no",
}


def detect_answer(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The claims answer the same yes-or-no question differently: a plain yes against a plain
    no, or a plain answer against a claim that the answer is not a simple yes or no ("a
    resounding yes" against "an answer that transcends simple yes or no")."""
    polarities_a, polarities_b = a.sets.answer_polarities, b.sets.answer_polarities
    if len(polarities_a) != 1 or len(polarities_b) != 1 or polarities_a == polarities_b:
        return []  # no answer, or mixed signals in one claim, or the same answer
    question_a, question_b = set(a.question_words), set(b.question_words)
    if question_a and question_b:
        if not question_a & question_b or len(question_a ^ question_b) > 1:
            return []  # answers to different questions ("the east beach" / "the west beach")
    elif len(overlap.lemmas - lexicon.ANSWER_TOPIC_WORDS) + 2 * len(overlap.entities) < 3:
        return []  # nothing says they answer the same question
    months_a = {(date.year, date.month) for date in a.dates}
    months_b = {(date.year, date.month) for date in b.dates}
    if months_a and months_b and months_a.isdisjoint(months_b):
        return []  # answers given at two times: an update, not a conflict
    (polarity_a,), (polarity_b,) = polarities_a, polarities_b
    return [
        Cue(
            kind="stance",
            strength=0.75,
            template=(
                f"opposite answers: {A} {ANSWER_WORDS[polarity_a]} (“{a.answers[0][1]}”), "
                f"{B} {ANSWER_WORDS[polarity_b]} (“{b.answers[0][1]}”)"
            ),
        )
    ]


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


_KIND_WORDS = {"except": "all but some", "not-all": "not all"}
_QUANTIFIER_LEMMAS = frozenset(lemma(word) for word in lexicon.QUANTIFIER_WORDS)


def _says_more(first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """Whether ``first`` has a word ``second`` lacks beyond its quantifier phrase ("all but
    two of the 27", "not a single"); a year is a word ("had ... in 1990": another time)."""
    return any(
        not (word.isdigit() and len(word) != 4)
        for word in first.sets.lemmas - second.sets.lemmas - _QUANTIFIER_LEMMAS
    )


def detect_quantifier(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """ "All X" against "no X" (or "never"), or "no X" against "some X" ("three of the X"),
    about the same thing ("all X" and "some X" agree)."""
    if overlap.weight < 2 or a.sets.quantifier_nouns.isdisjoint(b.sets.quantifier_nouns):
        return []
    if not times_compatible(a, b):
        return []  # "none had paid by 2023" against "several had paid by 2025": two times
    if _says_more(a, b) or _says_more(b, a):
        return []  # "every bank passed" against "no bank failed": more than the quantifier differs
    for kind_a, noun_a in a.quantifiers:
        for kind_b, noun_b in b.quantifiers:
            if noun_a == noun_b and (kind_a, kind_b) in lexicon.OPPOSED_QUANTIFIERS:
                return [
                    Cue(
                        kind="quantifier",
                        strength=0.65,
                        template=f"opposite quantifiers on “{noun_a}”: "
                        f"{A} says {_KIND_WORDS.get(kind_a, kind_a)}, "
                        f"{B} says {_KIND_WORDS.get(kind_b, kind_b)}",
                    )
                ]
    return []
