"""One calibrated score from the cues that fired, and the verdict for a pair.

The detectors (``registry.DETECTORS``) produce cues; ``calibration`` turns them into one probability
with a logistic model fitted by ``scripts/fit_contradiction_weights.py`` on all the development
sets pooled, with k-fold cross-validation (the only numbers reported are out-of-fold). The pair
is a contradiction when the score reaches the fitted threshold.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_EVEN, Decimal

from reviews.contradictions.calibration import calibrated
from reviews.contradictions.clauses import Predicate
from reviews.contradictions.detect_predicates import (
    denials_apart,
    detect_negation,
    detect_opposite_predicate,
)
from reviews.contradictions.detect_relations import detect_swapped_relation
from reviews.contradictions.detect_updates import UPDATE_KIND, detect_update
from reviews.contradictions.detect_values import detect_numeric
from reviews.contradictions.detectors import Cue, Overlap, overlap_of
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.registry import DETECTORS, Detector, detectors_that_may_fire
from reviews.contradictions.relations import Relation
from reviews.contradictions.updates import periods_in_words

DETECTOR_VERSION = "lexical-19"


@dataclasses.dataclass(frozen=True)
class PairScore:
    score: float
    cues: list[Cue]
    threshold: float = 0.5

    @property
    def contradiction(self) -> bool:
        return bool(self.cues) and self.score >= self.threshold

    @property
    def score_decimal(self) -> str:
        """The score as the decimal string events carry (no floats in payloads)."""
        return str(Decimal(repr(self.score)).quantize(Decimal("0.001"), ROUND_HALF_EVEN))

    @property
    def explanations(self) -> list[str]:
        return [cue.explanation for cue in self.cues]

    def swapped(self) -> PairScore:
        """The same score for the pair stored as (B, A): each cue names the roles swapped."""
        return dataclasses.replace(self, cues=[cue.swapped() for cue in self.cues])


def pair_cues(a: ClaimFeatures, b: ClaimFeatures) -> tuple[list[Cue], Overlap | None]:
    """Every detector's cues for a pair, strongest first (none when the bound rules it out).

    Only the detectors whose first requirement the pair meets run: the others would return no
    cue (``detectors_that_may_fire``).
    """
    detectors = detectors_that_may_fire(a, b)
    if not detectors:
        return [], None
    overlap = overlap_of(a, b)
    if overlap.weight == 0:
        return [], overlap
    cues: list[Cue] = []
    for detector in detectors:
        cues.extend(detector(a, b, overlap))
    if len(cues) > 1:
        cues.sort(key=lambda cue: -cue.strength)
    return typed_as_update(cues), overlap


def typed_as_update(cues: list[Cue]) -> list[Cue]:
    """The cues of a pair typed as an update: the update cue alone (a later value is a change,
    never a conflict), unless the date detector found one event given two dates; without an
    update, the cues as they are."""
    if all(cue.kind != UPDATE_KIND for cue in cues):
        return cues
    if any(cue.kind == "date" for cue in cues):
        return [cue for cue in cues if cue.kind != UPDATE_KIND]
    return [cue for cue in cues if cue.kind == UPDATE_KIND]


def is_update(cues: list[Cue]) -> bool:
    """Whether ``pair_cues`` typed the pair as an update (nothing to score)."""
    return bool(cues) and cues[0].kind == UPDATE_KIND


def pair_score(a: ClaimFeatures, b: ClaimFeatures) -> PairScore:
    """Run every detector on a pair of claims' features and combine what fired."""
    cues, overlap = pair_cues(a, b)
    if not cues or overlap is None:
        return PairScore(score=0.0, cues=[])
    if is_update(cues):
        return PairScore(score=0.0, cues=cues)
    score, threshold = calibrated(a, b, cues, overlap)
    return PairScore(score=round(score, 6), cues=cues, threshold=threshold)


def detector_version() -> str:
    """The version flags record: the lexical detectors, plus the NLI model when one is set."""
    from reviews.contradictions.nli import nli_backend

    model = nli_backend()
    if model is None:
        return DETECTOR_VERSION
    return f"{DETECTOR_VERSION}+nli:{model.name}"[:50]  # ContradictionView.detector_version


def pair_score_texts(a: ClaimFeatures, b: ClaimFeatures, *, text_a: str, text_b: str) -> PairScore:
    """``pair_score``, plus the optional NLI model's reading of the two texts (``nli.py``)."""
    from reviews.contradictions.nli import NLI_THRESHOLD, nli_backend

    lexical = pair_score(a, b)
    model = nli_backend()
    if model is None:
        return lexical
    probability = model.pair_probability(text_a, text_b)
    if probability < NLI_THRESHOLD:
        return lexical
    cue = Cue(
        kind="nli",
        strength=round(probability, 6),
        template=(
            f"the NLI model “{model.name}” reads the two as contradictory "
            f"(probability {probability:.2f})"
        ),
    )
    cues = sorted([*lexical.cues, cue], key=lambda item: -item.strength)
    return PairScore(
        score=round(max(lexical.score, probability), 6), cues=cues, threshold=NLI_THRESHOLD
    )


# Explanations: each type detector's verdict on a pair, and why -------------------------------

# What each detector needs before it can fire (the test ``detectors_that_may_fire`` makes), and
# what it checks once it runs, in words a reviewer reads.
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "detect_negation": (
        "one claim to negate a word the other asserts",
        "the denial is of the other claim's statement, not of something else it adds",
    ),
    "detect_opposite_predicate": (
        "opposite predicates from the news table (hired / laid off, rose / fell, ...)",
        "both are said of the same argument, by the same doer, at a compatible time",
    ),
    "detect_swapped_relation": (
        "the same one-way relation (acquired, beat, sued, ...) in both claims",
        "the doer of one is what the other's is done to, and the reverse",
    ),
    "detect_antonymy": (
        "a WordNet antonym of one claim's word in the other",
        "the opposite words are said of the same words",
    ),
    "detect_numeric": (
        "numbers for the same kind of quantity in both claims",
        "the values cannot both hold (beyond rounding, approximation, ranges and bounds), "
        "for the same thing and the same time",
    ),
    "detect_date": (
        "a date in each claim",
        "the dates differ for the same event of the same subject",
    ),
    "detect_stance": (
        "opposite sides of a stance (commitment against withdrawal or absence)",
        "the same holder, at a comparable time, committed (not a possibility or a concession)",
    ),
    "detect_answer": (
        "an answer to a yes-or-no question in each claim (a clear yes or no, or not a simple one)",
        "the answers differ and the claims share the question's words",
    ),
    "detect_refutation": (
        "a claim calling a report false or reporting a denial",
        "the other claim shares its subject and does not refute too, and the word is said of "
        "its report (a report noun, “it”, its words), not of names (“every person named here "
        "are fictional”)",
    ),
    "detect_update": (
        "explicit times in both claims (dates, days of the week, quarters, last or this year)",
        "the times cannot meet and the claims give one measure, predicate or stance that may "
        "differ: a later report of a change",
    ),
    "detect_quantifier": (
        "opposed quantifiers (all / none, none / some, all / all but some, all / not all) "
        "on the same noun",
        "nothing but the quantifier phrase or a count differs, at times the claims may share",
    ),
}


# The detectors that compare nothing at times that cannot meet (``detectors.times_compatible``).
TIME_GATED = (detect_numeric, detect_opposite_predicate, detect_negation, detect_swapped_relation)


@dataclasses.dataclass(frozen=True)
class DetectorVerdict:
    detector: str  # the type: "negation", "opposite-predicate", ...
    fired: bool
    reason: str  # the cue text when it fired; otherwise why not

    @property
    def text(self) -> str:
        return f"{'FIRED' if self.fired else 'no'} — {self.reason}"


@dataclasses.dataclass(frozen=True)
class PairExplanation:
    """Everything a reviewer needs to see why a pair was (or was not) flagged."""

    score: PairScore
    shared_entities: list[str]
    shared_words: list[str]
    predicates: tuple[list[str], list[str]]  # per claim: "hired (Volta Motors → workers)"
    times: tuple[list[str], list[str]]  # per claim: the dates as written
    verdicts: list[DetectorVerdict]
    detector_version: str  # the detectors that computed it (``detector_version()``)
    # Per claim, its opening words and the name of its source they stand for (empty if none).
    antecedents: tuple[list[str], list[str]] = ([], [])

    def summary(self) -> list[tuple[str, str]]:
        """The verdict, the subject and each claim's predicates and times, as (label, text)."""
        verdict = "contradiction" if self.score.contradiction else "no contradiction"
        rows = [
            (
                "verdict",
                f"{verdict} (score {self.score.score_decimal}, threshold {self.score.threshold})",
            ),
            (
                "subject",
                f"entities {_listed(self.shared_entities)}; "
                f"shared words {_listed(self.shared_words)}",
            ),
        ]
        for role, predicates, times in zip(("A", "B"), self.predicates, self.times, strict=True):
            rows.append((role, f"predicates {_listed(predicates)}; times {_listed(times)}"))
        for role, antecedent in zip(("A", "B"), self.antecedents, strict=True):
            if antecedent:
                rows.append((f"{role}'s antecedent", f"“{antecedent[0]}” is “{antecedent[1]}”"))
        return rows

    def lines(self) -> list[str]:
        """What ``explain_pair`` prints: the summary, then each type detector's verdict."""
        rows = [*self.summary(), *((item.detector, item.text) for item in self.verdicts)]
        return [f"{label}: {text}" for label, text in rows]


def _listed(values: list[str]) -> str:
    return ", ".join(values) if values else "none"


def _predicate_text(predicate: Predicate | Relation) -> str:
    if not predicate.agent_text and not predicate.patient_text:
        return predicate.text
    negation = "not " if predicate.negated else ""
    agent, patient = predicate.agent_text or "?", predicate.patient_text or "?"
    return f"{negation}{predicate.text} ({agent} → {patient})"


def _predicates_said(claim: ClaimFeatures) -> list[str]:
    """A claim's predicates of the curated table and its one-way relations, with arguments."""
    said: list[Predicate | Relation] = [*claim.predicates, *claim.relations]
    return list(dict.fromkeys(_predicate_text(item) for item in said))


def _times_said(claim: ClaimFeatures) -> list[str]:
    return [*(date.text for date in claim.dates), *periods_in_words(claim)]


def _detector_name(detector: Detector) -> str:
    return detector.__name__.removeprefix("detect_").replace("_", "-")


def pair_explain(
    *, a: str, b: str, antecedent_a: str = "", antecedent_b: str = ""
) -> PairExplanation:
    """Each type detector's verdict on claims ``a`` and ``b``, with the subject, predicates and
    times they were aligned on, and why a detector did not fire: what ``explain_pair`` prints,
    and, through ``reviews.selectors.flag_explain``, what the flag page and the API show. A
    claim's antecedent (the name its opening words stand for in its source, as the index read
    it) is read in their place, and the summary says so."""
    first = features_extract(text=a, antecedent=antecedent_a)
    second = features_extract(text=b, antecedent=antecedent_b)
    score = pair_score_texts(first, second, text_a=a, text_b=b)
    overlap = overlap_of(first, second)
    may_fire = detectors_that_may_fire(first, second)
    # the pair typed as an update: the update detector's words say why the others do not count
    update = score.explanations[0] if is_update(score.cues) else ""
    verdicts = []
    for detector in DETECTORS:
        needs, checks = REQUIREMENTS[detector.__name__]
        cues = detector(first, second, overlap) if detector in may_fire else []
        if cues and update and detector is not detect_update:
            reason = f"set aside, the pair is an update: {'; '.join(c.explanation for c in cues)}"
            verdicts.append(
                DetectorVerdict(detector=_detector_name(detector), fired=False, reason=reason)
            )
            continue
        if cues:
            verdicts.append(
                DetectorVerdict(
                    detector=_detector_name(detector),
                    fired=True,
                    reason="; ".join(cue.explanation for cue in cues),
                )
            )
            continue
        if detector not in may_fire:
            reason = f"needs {needs}: not found"
        elif overlap.weight < 2:
            reason = (
                f"the claims share too little to be about one subject (weight {overlap.weight})"
            )
        elif update and detector in TIME_GATED:
            reason = update
        elif detector is detect_negation and denials_apart(first, second):
            reason = denials_apart(first, second)
        else:
            reason = f"found {needs}, but not {checks}"
        verdicts.append(
            DetectorVerdict(detector=_detector_name(detector), fired=False, reason=reason)
        )
    return PairExplanation(
        score=score,
        shared_entities=sorted(overlap.entities),
        shared_words=sorted(overlap.lemmas),
        predicates=(_predicates_said(first), _predicates_said(second)),
        times=(_times_said(first), _times_said(second)),
        verdicts=verdicts,
        detector_version=detector_version(),
        antecedents=(first.antecedent, second.antecedent),
    )
