"""Detectors of positions: stance (commitment against withdrawal or absence), refutation of a
report, opposite quantifiers."""

from __future__ import annotations

from reviews.contradictions import lexicon, quantifiers
from reviews.contradictions.clauses import StanceCue, is_time_word
from reviews.contradictions.detectors import (
    A,
    B,
    Cue,
    Overlap,
    specific_on_both_sides,
    times_compatible,
)
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.quantifiers import Quantified
from reviews.contradictions.refutation_subjects import QUALIFIER_MARK
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
        if _said_of_others(a, b, axis):
            continue  # "the transport minister backs" / "the environment minister declined"
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


def _holders_in_subject(cue: StanceCue) -> set[str]:
    """The entities holding the stance that are named before the cue ("Iran's unwavering
    support"): then the holders are compared as entities."""
    subject = set(cue.subject)
    return {
        holder for holder in cue.holders if any(lemma(word) in subject for word in holder.split())
    }


def _heads_apart(
    about_x: list[str], a: ClaimFeatures, about_y: list[str], b: ClaimFeatures
) -> bool:
    """Whether two stances are taken on things with different heads, each absent from the
    other claim ("its presenter" / "the production company"): the head is the last word of
    the noun phrase right after the cue, before any time word."""
    heads = [_head(about) for about in (about_x, about_y)]
    head_x, head_y = heads
    return bool(
        head_x
        and head_y
        and head_x != head_y
        and head_x not in b.sets.lemmas
        and head_y not in a.sets.lemmas
    )


def _head(about: list[str]) -> str:
    words = [word for word in about if not is_time_word(word)]
    return words[-1] if words else ""


def _said_of_others(a: ClaimFeatures, b: ClaimFeatures, axis: str) -> bool:
    """Whether the claims' first cues on ``axis`` are taken by different holders or on
    different things: when neither names an entity as its holder, the words before the cue in
    its clause ("the transport minister" / "the environment minister", "the football club's
    owners" / "the rugby club's owners"); and names after it ("the Wrexley plant" / "the
    Sandford plant"), each with a word the other claim never uses."""
    x = next(cue for cue in a.stances if cue.axis == axis)
    y = next(cue for cue in b.stances if cue.axis == axis)
    subject_x, subject_y = _holders_in_subject(x), _holders_in_subject(y)
    names_x = set(x.subject) & a.sets.entity_words - b.sets.lemmas
    names_y = set(y.subject) & b.sets.entity_words - a.sets.lemmas
    if names_x and names_y:
        return True  # "the Halden consortium" / "a rival consortium from Bergen"
    if _heads_apart(x.about, a, y.about, b):
        return True  # "stood by its presenter" / "cut ties with the production company"
    named = bool(subject_x or subject_y)
    if not named and specific_on_both_sides(x.subject, a, y.subject, b):
        return True
    # what it is taken on may be paraphrased ("£20 million" / "any money"); names may not
    about_x = set(x.about) & a.sets.entity_words - b.sets.lemmas
    about_y = set(y.about) & b.sets.entity_words - a.sets.lemmas
    return bool(about_x) and bool(about_y)


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
        if second.refutations or second.sets.negated & lexicon.DENIAL_LEMMAS:
            # the other claim reports a denial not made ("did not deny that ..."): it says
            # nothing a denial refutes; whether one was made is the negation detector's
            continue
        # "denied" against "confirmed" / "admitted": the curated table's detector judges
        # them, with their arguments ("Ostrava Credit denied ... job cuts")
        refutations = [
            item
            for item in first.refutations
            if not _opposite_in_table(item[0], second) and not _said_of_another(item, first, second)
        ]
        if not refutations:
            continue
        relevant = [
            (words, reason)
            for words, reason, noun, _ in refutations
            if not noun or noun in lexicon.REPORT_NOUNS or noun in second.sets.lemmas
        ]
        kind = "refutation"
        if not relevant:
            # "hoax website", "fake passports": the word may describe something else
            relevant = [(words, reason) for words, reason, _, _ in refutations]
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


def _opposite_in_table(words: str, other: ClaimFeatures) -> bool:
    """Whether refutation words are a predicate of the curated table ("denied") whose opposite
    the other claim asserts ("confirmed", "admitted")."""
    keys = lexicon.predicate_phrases().get(tuple(lemma(word) for word in words.split()), [])
    return any(lexicon.opposite_key(key) in other.sets.predicate_keys for key in keys)


def _said_of_another(
    refutation: tuple[str, str, str, str], first: ClaimFeatures, second: ClaimFeatures
) -> bool:
    """Whether a refutation word is said of a subject that is not the other claim's report
    ("Milltown, Northgate Engineering and every person named here are fictional"): a subject
    that names no report, does not refer back ("it", "this") and shares none of the other
    claim's words but names (a name says who or where, not what the other claim reports),
    unless the word is said of a report noun after it ("... was a false story")."""
    _, _, noun, subject = refutation
    if not subject or noun in lexicon.REPORT_NOUNS:
        return False  # not predicative ("Hoax!", "a fake passport": ``noun_after`` judges it)
    head, _, qualifier = subject.partition(QUALIFIER_MARK)
    words = set(head.split())
    if words & (lexicon.REPORT_NOUNS | lexicon.BACK_REFERENCES):
        return False
    names = first.sets.entity_words | second.sets.entity_words
    if not (words - names) & second.sets.lemmas:
        return True
    # "the painting in its entrance hall is a fake" / "thieves stole a painting from the
    # museum": the thing the other claim names, qualified as another one of its kind
    qualifying = set(qualifier.split()) - names
    if qualifying & lexicon.REPORT_NOUNS:
        return False  # "no painting was stolen and the theft report was false"
    return bool(qualifying) and not qualifying & second.sets.lemmas


_KIND_WORDS = {"except": "all but some", "not-all": "not all", "minority": "a minority"}
# A denied predicate turns the quantifier round (``quantifiers.DENIED_KINDS``).
_DENIED_KIND = quantifiers.DENIED_KINDS
_OPPOSED = lexicon.OPPOSED_QUANTIFIERS | quantifiers.OPPOSED_PROPORTIONS


# The kinds an opposite predicate turns round like a denial: a universal against a universal
# or an existential of the opposite ("all stayed open" / "three closed"); two "none" or two
# existentials of opposite predicates agree ("no school opened" / "no school closed").
_OPPOSITE_TURNS = frozenset(["all", "some", "except", "most"])


def _kind_said(quantified: Quantified) -> str:
    """The quantifier's kind as said of the predicate asserted (``_DENIED_KIND``)."""
    if quantified.negated:
        return _DENIED_KIND.get(quantified.kind, quantified.kind)
    return quantified.kind


def _opposite_verbs(x: Quantified, y: Quantified) -> bool:
    """Whether the two quantifiers' verbs are opposite predicates of the news table ("all
    eleven players passed" / "two players failed", "every branch stayed open" / "three
    branches closed")."""
    phrases = lexicon.predicate_phrases()
    keys_x = {key for verb in x.verbs for key in phrases.get((verb,), [])}
    keys_y = {key for verb in y.verbs for key in phrases.get((verb,), [])}
    return any(lexicon.opposite_key(key) in keys_y for key in keys_x if key[-1] in "+-")


def _said_alike(
    x: Quantified, a: ClaimFeatures, y: Quantified, b: ClaimFeatures, *, opposite: bool = False
) -> bool:
    """Whether two quantifiers are said of one group and one predicate, whatever else the
    claims add ("..., the coastguard said"): the same noun; no word narrowing the noun on one
    side that the other claim lacks ("senior nurses", "libraries in the borough" against "in
    the county": another group); the same verb ("passed" against "failed", "were charged"
    against "were released": another predicate); and no words of the predicate on each side
    that the other lacks ("approved by a director" / "by the finance committee")."""
    if not quantifiers.nouns_alike(x, y, lexicon.MEASURE_CLASSES):
        return False  # "nobody on the committee" / "most members of the committee": people
    if any(word not in b.sets.lemmas for word in quantifiers.narrowing(x)) or any(
        word not in a.sets.lemmas for word in quantifiers.narrowing(y)
    ):
        return False
    verbs_x, verbs_y = set(x.verbs), set(y.verbs)
    classes_x = {lexicon.VERB_CLASSES.get(verb, verb) for verb in verbs_x}
    classes_y = {lexicon.VERB_CLASSES.get(verb, verb) for verb in verbs_y}
    if not opposite and verbs_x and verbs_y and classes_x.isdisjoint(classes_y):
        return False
    if (
        not opposite
        and (classes_x - classes_y - b.sets.lemmas)
        and (classes_y - classes_x - a.sets.lemmas)
    ):
        return False
    return not specific_on_both_sides(set(x.predicate) - verbs_x, a, set(y.predicate) - verbs_y, b)


def _noun_said(quantified: Quantified, claim: ClaimFeatures) -> str:
    """The quantified noun as the claim words it; for the members of a body that voted
    unanimously, which the claim does not name, the body ("board")."""
    if quantified.noun in claim.sets.lemmas or not quantified.group:
        return quantified.noun
    return quantified.group[-1]


def _nouns(x: Quantified, a: ClaimFeatures, y: Quantified, b: ClaimFeatures) -> str:
    """The quantified nouns in a cue: one, or each claim's when they are of one class."""
    noun_x, noun_y = _noun_said(x, a), _noun_said(y, b)
    if noun_x == noun_y:
        return f"“{noun_x}”"
    return f"{A}'s “{noun_x}” and {B}'s “{noun_y}”"


def detect_quantifier(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """ "All X" against "no X" (or "not a single X"), "no X" against "some X" ("three of the
    X"), "all X" against "all but two X" or "only nine of the X", said of the same group and
    predicate ("all X" and "some X" agree)."""
    if overlap.weight < 2 or a.sets.quantifier_nouns.isdisjoint(b.sets.quantifier_nouns):
        return []
    if not times_compatible(a, b):
        return []  # "none had paid by 2023" against "several had paid by 2025": two times
    for x in a.quantifiers:
        for y in b.quantifiers:
            kind_a, kind_b = _kind_said(x), _kind_said(y)
            opposite = (
                kind_a in _OPPOSITE_TURNS
                and kind_b in _OPPOSITE_TURNS
                and "all" in (kind_a, kind_b)
                and _opposite_verbs(x, y)
            )
            if opposite and kind_a != "all":
                # "two failed" / "all passed" says not all passed / all passed
                kind_a = _DENIED_KIND.get(kind_a, kind_a)
            elif opposite:
                # "all passed" / "two failed" says all passed / not all passed
                kind_b = _DENIED_KIND.get(kind_b, kind_b)
            if (kind_a, kind_b) in _OPPOSED and _said_alike(x, a, y, b, opposite=opposite):
                return [
                    Cue(
                        kind="quantifier",
                        strength=0.65,
                        template=f"opposite quantifiers on {_nouns(x, a, y, b)}: "
                        f"{A} says {_KIND_WORDS.get(kind_a, kind_a)}, "
                        f"{B} says {_KIND_WORDS.get(kind_b, kind_b)}",
                    )
                ]
    return []
