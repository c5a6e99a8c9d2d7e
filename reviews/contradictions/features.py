"""Claim features: everything the detectors compare, extracted once per claim text.

``features_extract`` is pure (text in, ``ClaimFeatures`` out) and fast enough to run on every
claim of a sweep; the result is stored as JSON so a check never parses a stored claim again.
The entity function is injected (``entities.EntityResolver``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from reviews.contradictions import lexicon
from reviews.contradictions.answers import answer_polarities, question_words
from reviews.contradictions.antecedents import anaphor_at_start, text_resolved
from reviews.contradictions.clauses import (
    Holders,
    Predicate,
    StanceCue,
    antonym_contexts,
    clause_numbers,
    clause_words_around,
    committed,
    denied_subject,
    predicates_read,
    said_of_past,
    split_trailing_commas,
    verbs_by_form,
)
from reviews.contradictions.date_leads import rescheduled
from reviews.contradictions.entities import EntityResolver, default_resolver
from reviews.contradictions.frames import Frame, frames_read, verb_key
from reviews.contradictions.quantifiers import Quantified, quantified_keys, quantifiers_read
from reviews.contradictions.quantities import (
    RANGE_DASH,
    DateMention,
    Quantity,
    measure_keys,
    month_dates,
    numbers_as_digits,
    quantity_at,
    range_extend,
)
from reviews.contradictions.refutation_subjects import (
    in_a_name,
    names_a_genre,
    noun_after,
    predicative_subject,
    undecided,
)
from reviews.contradictions.relations import Relation, relations_read
from reviews.contradictions.scopes import is_negator, negation_scopes
from reviews.contradictions.text import (
    STOPWORDS,
    lemma,
    tokenize,
)
from reviews.contradictions.updates import periods_read

WITHDRAWAL_REACH = 3  # a withdrawal verb governs a commitment word this many tokens after it


@dataclasses.dataclass(frozen=True)
class FeatureSets:
    """Set views of one claim's features, built once per claim and reused for every pair."""

    lemmas: frozenset[str]
    asserted: frozenset[str]
    negated: frozenset[str]  # all denied words, in main or embedded clauses
    negated_embedded: frozenset[str]  # denied inside a relative or adverbial clause only
    entities: frozenset[str]
    entity_words: frozenset[str]  # the words of the canonical entity names
    measures: frozenset[str]  # quantity kinds a number could clash on ("count:body", "percent")
    # Each stance axis taken a clear side on (mixed signals count as no side): the pole, the
    # first cue's words, whose stance it is (the cues' holders), and whether every cue is said
    # of the past.
    sides: dict[str, tuple[int, str, frozenset[str], bool]]
    poles: frozenset[tuple[str, int]]  # (stance axis, pole) for axes taken a clear side on
    opposite_poles: frozenset[tuple[str, int]]
    quantifier_nouns: frozenset[str]
    antonyms: frozenset[str]  # WordNet opposites of the asserted words (weak ones left out)
    predicate_keys: frozenset[str]  # keys of the asserted predicates
    relation_keys: frozenset[str]  # names of the asserted one-way relations ("acquire")
    opposite_keys: frozenset[str]  # the opposite side of each asserted opposite predicate
    years: frozenset[int]  # the years the claim's dates name
    framed: bool  # a date opens the claim ("As of June 2024, ...", "As of March, ...": framing)
    verbs: frozenset[str]  # lemmas of the claim's words that are verbs by their form
    # The measure-frame predicates it asserts, by entry name ("rise" for rose or fell).
    movements: frozenset[str]
    # Its content lemmas without month names and the verbs of its dates' events: what its
    # dates are dates of.
    undated: frozenset[str]
    answer_polarities: frozenset[str]  # "yes", "no", "mixed": the answers it gives
    denied_subject: frozenset[str]
    verb_keys: frozenset[str]  # ``frames.verb_key`` of every lemma: the verbs it may use


@dataclasses.dataclass(frozen=True)
class ClaimFeatures:
    lemmas: list[str]  # content lemmas, in order of first appearance
    asserted: list[str]  # content lemmas outside any negation
    negated: list[str]  # content lemmas inside a negation's scope
    negation_cues: list[str]
    entities: list[str]
    hedges: list[str]
    quantities: list[Quantity]
    dates: list[DateMention]
    stances: list[StanceCue]
    # (words as written, what it means, noun after, its subject when predicative)
    refutations: list[tuple[str, str, str, str]]
    quantifiers: list[Quantified]
    question: bool
    # Denied words whose negation sits in a relative or adverbial clause ("an employee who
    # hadn't been to work"): the claim does not deny them as its main statement.
    negated_embedded: list[str] = dataclasses.field(default_factory=list)
    # Asserted words with a WordNet antonym -> the content words next to them (what they say
    # something about): "dead" in "Hugh Hefner is dead" -> ["hugh", "hefner"].
    antonym_contexts: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    predicates: list[Predicate] = dataclasses.field(default_factory=list)
    # Lemmas of words that are verbs by their form (past tense, or after "will", "to", a
    # modal): what a claim says happened, not what it is about.
    verbs: list[str] = dataclasses.field(default_factory=list)
    # Answers it gives to a yes-or-no question: ("yes" | "no" | "mixed", the words).
    answers: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    question_words: list[str] = dataclasses.field(default_factory=list)  # of the question answered
    # The subject of the claim's main denial, when it denies its own predicate ("Tiger Woods
    # not banned" -> ["tiger", "wood"]): the content lemmas before the negator in its clause.
    denied_subject: list[str] = dataclasses.field(default_factory=list)
    # Its one-way relations with their arguments ("acquire", Acme -> Beta): ``relations``.
    relations: list[Relation] = dataclasses.field(default_factory=list)
    # The periods it names besides its dates ("weekday:monday", "quarter:1", "year:last"):
    # ``updates.periods_read``.
    periods: list[str] = dataclasses.field(default_factory=list)
    # The words it opens with and the name of its source they stand for ("It", "Kestrel
    # Motors"), when read with that name in their place (``antecedents``); empty otherwise.
    antecedent: list[str] = dataclasses.field(default_factory=list)
    # Its verbs with their arguments (``frames``): what a denial denies, of what.
    frames: list[Frame] = dataclasses.field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    if TYPE_CHECKING:
        # Set views of these features: a plain attribute, not a field (not in ``to_json`` or
        # comparisons), declared only for type checkers so that dataclasses do not see it.
        sets: FeatureSets = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Built once per claim, eagerly, as a plain attribute: a sweep reads them about 20
        # times per pair for millions of pairs, and a property costs a call on every read
        # (``functools.cached_property`` also takes a lock on every read in Python 3.11).
        object.__setattr__(self, "sets", self._make_sets())

    def _make_sets(self) -> FeatureSets:
        sides = self._sides()
        poles = frozenset((axis, side[0]) for axis, side in sides.items())
        return FeatureSets(
            lemmas=frozenset(self.lemmas),
            asserted=frozenset(self.asserted),
            negated=frozenset(self.negated) | frozenset(self.negated_embedded),
            negated_embedded=frozenset(self.negated_embedded) - frozenset(self.negated),
            entities=frozenset(self.entities),
            entity_words=frozenset(lemma(word) for name in self.entities for word in name.split()),
            measures=frozenset(key for q in self.quantities for key in measure_keys(q)),
            sides=sides,
            poles=poles,
            opposite_poles=frozenset((axis, -pole) for axis, pole in poles),
            quantifier_nouns=frozenset(
                key
                for quantified in self.quantifiers
                for key in quantified_keys(quantified, lexicon.MEASURE_CLASSES)
            ),
            antonyms=frozenset(
                opposite
                for word in self.antonym_contexts
                for opposite in lexicon.antonyms().get(word, ())
            ),
            predicate_keys=frozenset(p.key for p in self.predicates if not p.negated),
            relation_keys=frozenset(r.name for r in self.relations if not r.negated),
            opposite_keys=frozenset(
                lexicon.opposite_key(p.key)
                for p in self.predicates
                if not p.negated and p.key[-1] in "+-"
            ),
            years=frozenset(date.year for date in self.dates if date.year),
            framed=any(date.framing and (date.year or date.month) for date in self.dates),
            verbs=frozenset(self.verbs),
            movements=self._movements(),
            undated=self._undated(),
            answer_polarities=frozenset(polarity for polarity, _ in self.answers),
            denied_subject=frozenset(self.denied_subject),
            verb_keys=frozenset(verb_key(value) for value in self.lemmas),
        )

    def _movements(self) -> frozenset[str]:
        entries = lexicon.opposites_by_name()
        return frozenset(
            p.key[:-1]
            for p in self.predicates
            if not p.negated and p.key[-1] in "+-" and entries[p.key[:-1]].frame == "measure"
        )

    def _undated(self) -> frozenset[str]:
        events = {event for date in self.dates for event in date.events}
        schedule = lexicon.schedule_lemmas() if "schedule" in events else frozenset()
        return frozenset(self.lemmas) - lexicon.MONTHS.keys() - events - schedule

    def _sides(self) -> dict[str, tuple[int, str, frozenset[str], bool]]:
        seen: dict[str, set[int]] = {}
        cue_words: dict[str, str] = {}
        holders: dict[str, set[str]] = {}
        past: dict[str, bool] = {}
        for cue in self.stances:
            seen.setdefault(cue.axis, set()).add(cue.pole)
            cue_words.setdefault(cue.axis, cue.cue)
            holders.setdefault(cue.axis, set()).update(cue.holders)
            past[cue.axis] = past.get(cue.axis, True) and cue.past
        return {
            axis: (poles.pop(), cue_words[axis], frozenset(holders[axis]), past[axis])
            for axis, poles in seen.items()
            if len(poles) == 1
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClaimFeatures:
        return cls(
            lemmas=data["lemmas"],
            asserted=data["asserted"],
            negated=data["negated"],
            negation_cues=data["negation_cues"],
            entities=data["entities"],
            hedges=data["hedges"],
            quantities=[Quantity(**item) for item in data["quantities"]],
            dates=[DateMention(**item) for item in data["dates"]],
            stances=[StanceCue(**item) for item in data["stances"]],
            # rows stored before the subject was read hold three items, until a rescan
            refutations=[
                (item[0], item[1], item[2], item[3] if len(item) > 3 else "")
                for item in data["refutations"]
            ],
            # rows stored before ``lexical-8`` hold [kind, noun] only, until a rescan
            quantifiers=[
                Quantified(**item) if isinstance(item, dict) else Quantified(item[0], item[1])
                for item in data["quantifiers"]
            ],
            question=data["question"],
            negated_embedded=data.get("negated_embedded", []),
            antonym_contexts=data.get("antonym_contexts", {}),
            predicates=[Predicate(**item) for item in data.get("predicates", [])],
            verbs=data.get("verbs", []),
            answers=[(item[0], item[1]) for item in data.get("answers", [])],
            question_words=data.get("question_words", []),
            denied_subject=data.get("denied_subject", []),
            relations=[Relation(**item) for item in data.get("relations", [])],
            periods=data.get("periods", []),
            antecedent=data.get("antecedent", []),
            frames=[Frame(**item) for item in data.get("frames", [])],
        )


def features_extract(
    *, text: str, resolver: EntityResolver | None = None, antecedent: str = ""
) -> ClaimFeatures:
    """The features of one claim's text. ``resolver`` finds its entities (default: see
    ``entities.default_resolver``); ``antecedent`` is the name its opening words ("It", "The
    company") stand for in its source (``antecedents.antecedent_from``), read in their place."""
    opening, _kind = anaphor_at_start(text) if antecedent else ("", "")
    if opening:
        text = text_resolved(text, antecedent)
    resolve = resolver or default_resolver()
    tokens = split_trailing_commas(tokenize(RANGE_DASH.sub(" to ", text)))
    lowered = [token.lower() for token in tokens]
    scopes = negation_scopes(lowered)
    lemmas_all = [lemma(word) if word[0].isalpha() else word for word in lowered]

    lemmas: list[str] = []
    asserted: list[str] = []
    negated: list[str] = []
    negated_embedded: list[str] = []
    hedges: list[str] = []
    content: list[tuple[int, str]] = []  # (token position, lemma) of every content word
    for position, word in enumerate(lowered):
        if word in lexicon.HEDGES:
            hedges.append(word)
        if not word[0].isalpha() or word in STOPWORDS or is_negator(word):
            continue
        value = lemmas_all[position]
        if value in STOPWORDS or len(value) < 2:
            continue
        content.append((position, value))
        if value not in lemmas:
            lemmas.append(value)
        if scopes.demoted[position]:
            continue  # "not merely X but Y", "tickets, not arrests": X is neither said nor denied
        if scopes.negated[position]:
            target = negated
        elif scopes.embedded[position]:
            target = negated_embedded
        else:
            target = asserted
        if value not in target:
            target.append(value)

    quantities: list[Quantity] = []
    dates: list[DateMention] = []
    numbered, shown = numbers_as_digits(tokens)
    numbered_lowered = [token.lower() for token in numbered]
    position = 0
    while position < len(numbered):
        if numbered[position][0].isdigit() or (
            numbered[position][0] in "$€£" and len(numbered[position]) > 1
        ):
            quantity, date, used = quantity_at(numbered, numbered_lowered, position, shown)
            if quantity is not None:
                quantity, used = range_extend(
                    numbered, numbered_lowered, position, quantity, used, shown
                )
                quantities.append(quantity)
            if date is not None:
                dates.append(date)
            position += used
        else:
            position += 1
    dates = rescheduled(dates + month_dates(tokens, lowered))

    clauses = clause_numbers(lowered)
    holders = Holders(tokens, lowered, clauses, resolve)
    # Phrases are matched with "n't" read as "not" ("isn't real" is "not real").
    phrase_words = lemmas_all
    if "n't" in text.replace("\u2019", "'"):
        phrase_words = [
            "not" if word.endswith("n't") else value
            for word, value in zip(lowered, lemmas_all, strict=True)
        ]
    stances: list[StanceCue] = []
    phrases = lexicon.stance_phrases()
    refutation_words = lexicon.refutation_lemmas()
    refutation_phrases = lexicon.refutation_phrase_lemmas()
    refutations: list[tuple[str, str, str, str]] = []
    withdrawals = lexicon.withdrawal_phrases()
    withdrawn_until = -WITHDRAWAL_REACH - 1  # where the last withdrawal verb ended
    broken_until, broken_denied = withdrawn_until, False  # the last breach verb ("broke")
    position = 0
    while position < len(tokens):
        matched = False
        for length in (4, 3, 2):
            key = tuple(phrase_words[position : position + length])
            if len(key) == length and key in refutation_phrases:
                refutations.append(
                    (
                        " ".join(tokens[position : position + length]),
                        refutation_phrases[key],
                        "",
                        predicative_subject(tokens, position, refutation_phrases[key]),
                    )
                )
                position += length
                matched = True
                break
        if matched:
            continue
        for length in (3, 2, 1):
            key = tuple(lemmas_all[position : position + length])
            if len(key) == length and key in phrases:
                axis, pole = phrases[key]
                # "does not necessarily signify a weakening" leans against weakening
                set_aside = scopes.demoted[position] and not scopes.qualified[position]
                if not set_aside and committed(lowered, clauses, position):
                    if (
                        scopes.negated[position]
                        or scopes.embedded[position]
                        or scopes.qualified[position]
                    ):
                        pole = -pole
                    if pole > 0 and 0 <= position - withdrawn_until <= WITHDRAWAL_REACH:
                        pole = -1  # "has withdrawn its pledge": the commitment is withdrawn
                    if phrases[key][1] > 0 and 0 <= position - broken_until <= WITHDRAWAL_REACH:
                        # "has broken its promise" withdraws it; "has not broken its promise"
                        # keeps it (the promise is in the negation's scope, not denied)
                        pole = 1 if broken_denied else -1
                    if key in withdrawals:
                        withdrawn_until = position + length
                    subject, about = clause_words_around(
                        lowered, lemmas_all, clauses, position, position + length
                    )
                    stances.append(
                        StanceCue(
                            axis=axis,
                            pole=pole,
                            cue=" ".join(tokens[position : position + length]),
                            holders=holders.of_cue(position),
                            past=said_of_past(lowered, clauses, position)
                            and key[0] not in lexicon.pledge_lemmas(),
                            subject=subject,
                            about=about,
                        )
                    )
                position += length
                matched = True
                break
        if matched:
            continue
        if lemmas_all[position] in lexicon.breach_lemmas():
            broken_until, broken_denied = position + 1, scopes.negated[position]
        if lowered[position] in lexicon.RUMOR_KILLERS and not scopes.negated[position]:
            ahead = lowered[position + 1 : position + 5]
            if lexicon.RUMOR_WORDS & set(ahead):
                end = (
                    position
                    + 1
                    + next(
                        offset for offset, word in enumerate(ahead) if word in lexicon.RUMOR_WORDS
                    )
                )
                refutations.append(
                    (" ".join(tokens[position : end + 1]), "dismisses the rumour", "", "")
                )
                position = end + 1
                continue
        reason = refutation_words.get(lemmas_all[position])
        previous = lowered[position - 1] if position else ""
        if (
            reason is not None
            and not scopes.negated[position]
            and not scopes.embedded[position]  # "the mayor, who has not denied meeting ..."
            and previous not in {"no", "without", "little"}
            and not undecided(lowered, position)
            and not in_a_name(tokens, position)
            and not names_a_genre(lowered, position, noun_after(lowered, position))
        ):
            refutations.append(
                (
                    tokens[position],
                    reason,
                    noun_after(lowered, position),
                    predicative_subject(tokens, position, reason),
                )
            )
        position += 1

    quantifiers = quantifiers_read(lowered, scopes.undenied)

    answers = answer_polarities(lowered)
    entities = resolve(text)
    return ClaimFeatures(
        lemmas=lemmas,
        asserted=asserted,
        negated=negated,
        negation_cues=scopes.cues,
        entities=entities,
        hedges=hedges,
        quantities=quantities,
        dates=dates,
        stances=stances,
        refutations=refutations,
        quantifiers=quantifiers,
        question=text.rstrip().endswith("?"),
        negated_embedded=negated_embedded,
        antonym_contexts=antonym_contexts(content, clauses, set(asserted)),
        predicates=predicates_read(tokens, lowered, lemmas_all, scopes, clauses, content),
        verbs=verbs_by_form(lowered, content),
        answers=answers,
        question_words=question_words(lowered) if answers else [],
        denied_subject=denied_subject(lowered, lemmas_all, scopes, clauses),
        relations=relations_read(tokens, lemmas_all, scopes, clauses, content),
        periods=periods_read(lowered, tokens),
        antecedent=[opening, antecedent] if opening else [],
        frames=frames_read(tokens, lowered, lemmas_all, scopes, clauses, entities),
    )
