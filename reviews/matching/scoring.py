"""Whether two claims state the same thing, with the reasons, on the shared analysis layer.

A pair is compared on the features the contradiction detector extracts (``features_extract``:
entities resolved by ``ledger.entities``, content lemmas, stance cues, dates), never on a copy:

- **shared entities**: the words of each claim's named things found in the other (a name is
  matched by its words, so "Judd Nelson" meets a title-case headline that did not read it as a
  name; Tehran and Iran meet through the alias table);
- **aligned predicate**: what the claims say of those things, their other content words, shared
  as lemmas, as paraphrases (``PARAPHRASES``: "backing" for "support") or as the same side of a
  stance axis ("unwavering" and "steadfast" both say the support is firm);
- **vetoes**: a claim and its contradiction are related, not the same claim, so a pair the
  contradiction scorer flags is no match; nor are claims each naming something the other does
  not ("Iran backs Hamas", "Iran backs Hezbollah"), nor claims dated at times that
  cannot meet (years, months, days of the week);
- **aligned arguments** (``reviews.matching.arguments``): the subjects and the objects of the
  two claims' verbs must agree ("approved a new budget" / "approved a new parking plan" do
  not), and so must the numbers they state ("killed 12 people" / "destroyed 300 homes").

The weights and the threshold were chosen on one half of the Emergent claims (split by claim
id) and are reported on the other half (docs/matching.md); no pair was tuned for.
"""

from __future__ import annotations

import dataclasses
import functools
from decimal import ROUND_HALF_EVEN, Decimal

from ledger.entities import entity_canonical
from reviews.contradictions.detectors import times_compatible
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.scoring import pair_score
from reviews.contradictions.text import lemma
from reviews.matching.arguments import Arguments, arguments_read

SCORER_VERSION = "lexical-3"
MATCH_THRESHOLD = 0.5  # a pair at or above this is suggested as a match
ENTITY_WEIGHT = 0.35  # the share of the score the named things carry; the rest is the predicate
COVERAGE_SHARE = 0.5  # of the predicate's part: shared over the shorter claim's (the rest: Dice)
NO_ENTITIES = 0.5  # entity agreement when neither claim names anything: neither for nor against
NO_PREDICATE_FACTOR = 0.1  # the same things, nothing said of them in common: not the same claim
OTHER_THINGS_FACTOR = 0.5  # each claim names something the other does not
OTHER_DATES_FACTOR = 0.5  # both date themselves, at times that cannot meet
CONTRADICTION_FACTOR = 0.3  # the contradiction scorer flags the pair
OTHER_OBJECTS_FACTOR = 0.5  # each claim's object has words the other claim lacks
OTHER_NUMBERS_FACTOR = 0.5  # both state numbers, and none of one's is any of the other's

# Words news text uses for one another: each line is one meaning. Kept to general news verbs
# and nouns (no names, nothing from an evaluation item); compared as lemmas.
PARAPHRASES_TEXT = """
support back backing endorse
kill slay
die dead death
injure wound hurt
arrest detain
say state claim tell
announce unveil
buy acquire purchase
sell sold
ban prohibit outlaw
rise increase grow climb
fall drop decline decrease
plan intend
start begin launch
end finish conclude
attack strike assault
cost price
reveal disclose
sue lawsuit
leave quit resign
hire employ
cancel scrap
fire sack dismiss
win victory
lose defeat
build construct
meet talk
"""


@functools.cache
def _paraphrase_groups() -> dict[str, str]:
    """Lemma -> the first lemma of its line (one meaning, one name)."""
    groups: dict[str, str] = {}
    for line in PARAPHRASES_TEXT.strip().splitlines():
        words = [lemma(word) for word in line.split()]
        for word in words:
            groups.setdefault(word, words[0])
    return groups


@dataclasses.dataclass(frozen=True)
class MatchClaim:
    """What the scorer compares of one claim: its shared features and its object (read from
    its text only when a pair comes to the vetoes)."""

    features: ClaimFeatures
    text: str

    @functools.cached_property
    def arguments(self) -> Arguments:
        return arguments_read(self.text)


def match_claim(*, text: str, features: ClaimFeatures | None = None) -> MatchClaim:
    """A claim as the scorer reads it; ``features`` when stored already (else extracted)."""
    return MatchClaim(
        features=features if features is not None else features_extract(text=text), text=text
    )


@dataclasses.dataclass(frozen=True)
class MatchScore:
    score: float
    reasons: list[str]
    threshold: float = MATCH_THRESHOLD

    @property
    def match(self) -> bool:
        return self.score >= self.threshold

    @property
    def score_decimal(self) -> str:
        """The score as the decimal string events carry (no floats in payloads)."""
        return str(Decimal(repr(self.score)).quantize(Decimal("0.001"), ROUND_HALF_EVEN))


def _entity_words(features: ClaimFeatures) -> set[str]:
    return {lemma(word) for name in features.entities for word in name.split()}


def _is_entity_word(word: str, entities: frozenset[str]) -> bool:
    """A lemma that is one of the claim's entities under another name ("tehran" for Iran)."""
    return _canonical_lower(word) in entities


@functools.lru_cache(maxsize=100_000)
def _canonical_lower(word: str) -> str:
    """A word's canonical entity name, lower-cased: asked for every word of every pair scored,
    of a fixed alias table."""
    return entity_canonical(word).lower()


def _predicate_units(features: ClaimFeatures, names: set[str]) -> dict[str, str]:
    """What a claim says of its named things: unit -> the words shown in a reason. A content
    lemma stands for its paraphrase line; a stance cue for its axis and side."""
    units: dict[str, str] = {}
    groups = _paraphrase_groups()
    for word in features.lemmas:
        if word in names or _is_entity_word(word, features.sets.entities):
            continue
        units.setdefault(f"w:{groups.get(word, word)}", word)
    for axis, (pole, cue, _, _) in features.sets.sides.items():
        units[f"s:{axis}{'+' if pole > 0 else '-'}"] = cue
    for quantity in features.quantities:
        units.setdefault(f"q:{quantity.low:g}-{quantity.high:g}", quantity.text)
    return units


def match_score(a: MatchClaim, b: MatchClaim) -> MatchScore:
    """How surely claims ``a`` and ``b`` state the same thing (0..1), and why."""
    return _vetoed(_alike(a, b), a, b)


@dataclasses.dataclass(frozen=True)
class _Alike:
    """A pair's score before the vetoes: an upper bound of its score (each veto lowers it)."""

    score: float
    reasons: list[str]
    vetoable: bool  # False: nothing said in common, the score is final
    words_a: set[str]
    words_b: set[str]


def _alike(a: MatchClaim, b: MatchClaim) -> _Alike:
    features_a, features_b = a.features, b.features
    names_a, names_b = _entity_words(features_a), _entity_words(features_b)
    words_a, words_b = set(features_a.lemmas) | names_a, set(features_b.lemmas) | names_b
    found_a, found_b = names_a & words_b, names_b & words_a
    named = len(names_a) + len(names_b)
    entity_agreement = (len(found_a) + len(found_b)) / named if named else NO_ENTITIES
    reasons: list[str] = []
    shared_entities = sorted(features_a.sets.entities & features_b.sets.entities)
    if shared_entities:
        reasons.append(f"shared entities: {', '.join(shared_entities)}")
    elif found_a | found_b:
        reasons.append(f"shared name words: {', '.join(sorted(found_a | found_b))}")

    names = names_a | names_b
    units_a, units_b = _predicate_units(features_a, names), _predicate_units(features_b, names)
    shared = sorted(units_a.keys() & units_b.keys())
    if not shared:
        reasons.append("nothing said of them in common")
        score = round(NO_PREDICATE_FACTOR * entity_agreement, 6)
        return _Alike(score, reasons, vetoable=False, words_a=words_a, words_b=words_b)
    coverage = len(shared) / min(len(units_a), len(units_b))
    dice = 2 * len(shared) / (len(units_a) + len(units_b))
    said_alike = COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * dice
    score = ENTITY_WEIGHT * entity_agreement + (1 - ENTITY_WEIGHT) * said_alike
    same_words = [units_a[unit] for unit in shared if units_a[unit] == units_b[unit]]
    if same_words:
        reasons.append(f"aligned predicate: {', '.join(same_words)}")
    paraphrased = [
        f"{units_a[unit]} ~ {units_b[unit]}" for unit in shared if units_a[unit] != units_b[unit]
    ]
    if paraphrased:
        reasons.append(f"paraphrase: {', '.join(paraphrased)}")
    return _Alike(score, reasons, vetoable=True, words_a=words_a, words_b=words_b)


def _vetoed(alike: _Alike, a: MatchClaim, b: MatchClaim) -> MatchScore:
    """The pair's score once its vetoes have lowered it."""
    score, reasons = alike.score, list(alike.reasons)
    if alike.vetoable:
        for factor, reason in _vetoes(a, b, words_a=alike.words_a, words_b=alike.words_b):
            score *= factor
            reasons.append(reason)
    return MatchScore(score=round(score, 6), reasons=reasons)


def _vetoes(
    a: MatchClaim, b: MatchClaim, *, words_a: set[str], words_b: set[str]
) -> list[tuple[float, str]]:
    """What keeps two claims saying much alike from being one claim: (factor, reason) each."""
    features_a, features_b = a.features, b.features
    vetoes: list[tuple[float, str]] = []
    only_a = sorted(features_a.sets.entities - features_b.sets.entities)
    only_b = sorted(features_b.sets.entities - features_a.sets.entities)
    unmatched_a = [name for name in only_a if not set(map(lemma, name.split())) <= words_b]
    unmatched_b = [name for name in only_b if not set(map(lemma, name.split())) <= words_a]
    if unmatched_a and unmatched_b:
        vetoes.append(
            (
                OTHER_THINGS_FACTOR,
                f"each names something the other does not: {', '.join(unmatched_a)} / "
                f"{', '.join(unmatched_b)}",
            )
        )
    missing_a = sorted(word for word in a.arguments.object if not _word_in(word, features_b))
    missing_b = sorted(word for word in b.arguments.object if not _word_in(word, features_a))
    if missing_a and missing_b:
        vetoes.append(
            (
                OTHER_OBJECTS_FACTOR,
                f"the objects differ: {', '.join(missing_a)} / {', '.join(missing_b)}",
            )
        )
    numbers_a, numbers_b = a.arguments.object_numbers, b.arguments.object_numbers
    if numbers_a and numbers_b and numbers_a.isdisjoint(numbers_b):
        vetoes.append(
            (
                OTHER_NUMBERS_FACTOR,
                f"the numbers of the objects differ: {_numbers_text(numbers_a)} / "
                f"{_numbers_text(numbers_b)}",
            )
        )
    if _months_apart(features_a, features_b):
        vetoes.append((OTHER_DATES_FACTOR, "the claims date different months"))
    elif not times_compatible(features_a, features_b):
        # other years, or periods or reports that cannot meet ("on Monday" / "by Friday")
        vetoes.append((OTHER_DATES_FACTOR, "the claims date different times"))
    contradiction = pair_score(features_a, features_b)
    if contradiction.contradiction:
        vetoes.append(
            (
                CONTRADICTION_FACTOR,
                "related, not the same claim: the contradiction detector flags it "
                f"({'; '.join(contradiction.explanations)})",
            )
        )
    return vetoes


def _unit(word: str) -> str:
    """A lemma as the meaning it shares with its paraphrases (``PARAPHRASES_TEXT``)."""
    return _paraphrase_groups().get(word, word)


def _word_in(word: str, features: ClaimFeatures) -> bool:
    """Whether an argument's word is in the other claim: as a lemma, as a paraphrase of one,
    as a word of one of its names or as another name of one of its entities."""
    if word in features.sets.lemmas or word in features.sets.entity_words:
        return True
    return any(_unit(other) == _unit(word) for other in features.lemmas) or _is_entity_word(
        word, features.sets.entities
    )


def _numbers_text(numbers: frozenset[float]) -> str:
    return ", ".join(f"{number:g}" for number in sorted(numbers))


def _months_apart(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Both claims date themselves to a month and share none (a missing year matches any)."""
    months_a = {(date.year, date.month) for date in a.dates if date.month}
    months_b = {(date.year, date.month) for date in b.dates if date.month}
    if not months_a or not months_b:
        return False
    return not any(
        month_a == month_b and (year_a == year_b or not year_a or not year_b)
        for year_a, month_a in months_a
        for year_b, month_b in months_b
    )


def match_score_texts(*, a: str, b: str) -> MatchScore:
    """``match_score`` of two texts: what ``match_pairs`` prints for one input line."""
    return match_score(match_claim(text=a), match_claim(text=b))


SUGGESTIONS_PER_CLAIM = 1  # the best candidate only: a second is in its group, or a near miss
# The candidates a claim is scored against: the best-overlapping of the shared index's (the
# contradiction check takes 200). Each costs its feature row read and decoded, most of the
# time of a claim matched (bench/matching.py). On Emergent's development half 30 and 50 give
# the figures of 200, 20 one false suggestion fewer, 10 a lower recall@5 (docs/matching.md).
MATCH_CANDIDATES = 30


def match_rank(
    claim: MatchClaim, candidates: list[tuple[str, MatchClaim]], *, top: int
) -> list[tuple[str, MatchScore]]:
    """The ``top`` best of the candidates (id, claim) scored against a claim, best first (ties
    by id): exactly the first ``top`` of all of them scored, sorted.

    A veto only lowers a score, so the score before the vetoes bounds it: candidates are taken
    in the order of their bounds, and none is scored in full (the contradiction scorer, the
    objects) once the bound falls below the ``top``-th best full score found.
    """
    bounds = sorted(
        ((_alike(claim, other), other_id, other) for other_id, other in candidates),
        key=lambda item: (-item[0].score, item[1]),
    )
    ranked: list[tuple[str, MatchScore]] = []
    for alike, other_id, other in bounds:
        if len(ranked) >= top and round(alike.score, 6) < ranked[top - 1][1].score:
            break
        ranked.append((other_id, _vetoed(alike, claim, other)))
        ranked.sort(key=lambda item: (-item[1].score, item[0]))
    return ranked[:top]


def match_suggestions(ranked: list[tuple[str, MatchScore]]) -> list[tuple[str, MatchScore]]:
    """What is suggested from ranked candidates: the best, when it reaches the threshold."""
    return [(other_id, score) for other_id, score in ranked[:SUGGESTIONS_PER_CLAIM] if score.match]
