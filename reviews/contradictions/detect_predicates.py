"""Detectors of what the claims say happened: negation, opposite predicates, WordNet antonyms
(swapped relation arguments are ``detect_relations``)."""

from __future__ import annotations

from reviews.contradictions import lexicon
from reviews.contradictions.clauses import Predicate, is_time_word
from reviews.contradictions.detectors import (
    EVALUATION_SHARED_WORDS,
    A,
    B,
    Cue,
    Overlap,
    arguments_differ,
    arguments_meet,
    different_instances,
    doers_apart,
    measures_a_part,
    overlap_entity_words,
    phrases_named_apart,
    quoted,
    times_compatible,
)
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.frames import Frame, verb_key
from reviews.contradictions.text import lemma


def detect_negation(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """One claim says a thing did not happen (or is not so) that the other asserts, at a time
    the other may speak of ("struck in 2021" against "did not strike in 2024": two periods)."""
    if overlap.weight < 2 or not times_compatible(a, b):
        return []
    cues = []
    for first, second, name in ((a, b, B), (b, a, A)):
        if _denial_apart(first, second):
            continue  # "has not lifted its price freeze" against "lifted the hosepipe ban"
        # a word the denying claim also asserts is contrasted, not denied ("returned the
        # statues; it did not return the masks")
        denied = (second.sets.negated & first.sets.asserted) - first.sets.negated
        denied -= second.sets.asserted
        if (second.sets.negated & lexicon.DENIAL_LEMMAS) - first.sets.lemmas:
            continue  # "did not deny that she attended" against "attended": a double negation
        if denied and denied <= lexicon.DENIAL_LEMMAS and _denials_of_other_things(first, second):
            continue  # "denied that it would cut jobs" / "did not deny that it would close ..."
        if not denied:
            cues.extend(_subject_denied(first, second, overlap, name))
            continue
        denied_verbs = {frame.verb for frame in second.frames if frame.negated}
        places = overlap_entity_words(overlap)
        if denied <= places and not denied - (_adjunct_words(first) - denied_verbs):
            continue  # a place the other names only as where it happened ("at Corran")
        if all(is_time_word(word) for word in denied) and not _patients_meet(first, second):
            continue  # "not fined over the December strike" / "stranded by the December strike"
        if set(second.negation_cues) <= {"yet"} and not any(
            verb_key(verb) in first.sets.verb_keys for verb in denied_verbs
        ):
            continue  # "has yet to ratify" says nothing of "signed": only that verb is denied
        if (set(second.denied_subject) & lexicon.OTHER_HOLDER_LEMMAS) - first.sets.lemmas:
            continue  # "the ambassador's deputy is no longer in Moscow": another holder
        if _denied_withdrawal_agrees(first, second):
            continue  # "has not abandoned the minister" against "stood by the minister"
        if _denies_the_opposite(first, second):
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


def _patients_meet(first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """Whether a verb ``second`` denies is done to a thing a verb of ``first`` is done to
    ("the fountain is not being turned off" / "the fountain was switched off")."""
    asserted = {word for frame in first.frames if not frame.negated for word in frame.patient}
    return any(set(_named(frame.patient)) & asserted for frame in second.frames if frame.negated)


def _denied_withdrawal_agrees(first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """Whether ``second`` denies a stance cue and so takes the side ``first`` takes ("has
    not abandoned" is support, as "stood firmly behind" is): denying the opposite agrees, as
    "did not convict" agrees with "acquitted"."""
    for cue in second.stances:
        words = {lemma(word) for word in cue.cue.lower().split()}
        side = first.sets.sides.get(cue.axis)
        if words & second.sets.negated and side and side[0] == cue.pole:
            return True
    return False


def _named(words: list[str]) -> list[str]:
    return [word for word in words if word not in lexicon.POLARITY_LEMMAS]


def _apart(x: list[str], y: list[str], first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """Two arguments are said of different things: they share no word and neither has a word
    the other claim uses ("the hosepipe ban" / "its price freeze"), or each names what the
    other does not (``arguments_differ``: "Corran airport" / "Hollin airport"), or they share
    only a name that places them, not their heads, and differ in the rest ("the Selby
    footbridge" / "the Selby railway viaduct")."""
    if not (x and y):
        return False
    shared = set(x) & set(y)
    if shared:
        names_first, names_second = first.sets.entity_words, second.sets.entity_words
        if arguments_differ(" ".join(x), " ".join(y), names_first, names_second):
            return True
        if not shared <= names_first & names_second or {x[-1], y[-1]} & shared:
            return False  # a name as the head is one thing described twice ("artist Banksy")
        x = [word for word in x if word not in shared]
        y = [word for word in y if word not in shared]
    return set(x).isdisjoint(second.sets.lemmas) and set(y).isdisjoint(first.sets.lemmas)


def _arguments_apart(
    asserted: Frame, denied: Frame, first: ClaimFeatures, second: ClaimFeatures
) -> str:
    """How the denied verb's arguments differ from the asserted one's ("" when they may be
    the same): another thing done to, another doer (``detectors.doers_apart``), or the same
    preposition with another thing when nothing else of the two is shared ("arrested a man
    over the warehouse fire" / "not arrested anyone over the school break-in")."""
    patient_x, patient_y = _named(asserted.patient), _named(denied.patient)
    if _apart(patient_x, patient_y, first, second) or doers_apart(
        patient_x, patient_y, first, second
    ):
        # another thing, or one kind of thing qualified apart ("the reading test for
        # seven-year-olds" / "the spelling test for eleven-year-olds")
        return f"{A}'s “{asserted.patient_text}”, {B}'s “{denied.patient_text}”"
    x, y = asserted.agent, denied.agent
    if doers_apart(x, y, first, second):
        return f"done by {A}'s “{' '.join(x)}”, {B}'s “{' '.join(y)}”"
    shared = set(patient_x) & set(patient_y)
    for phrase_x in asserted.phrases:
        shared |= {word for phrase_y in denied.phrases for word in phrase_x[1:] if word in phrase_y}
    named = phrases_named_apart(asserted, denied, first, second)
    if named:
        return named
    for phrase_x in asserted.phrases:
        for phrase_y in denied.phrases:
            same_preposition = phrase_x[0] == phrase_y[0]
            if (
                same_preposition
                and not shared
                and _apart(phrase_x[1:], phrase_y[1:], first, second)
            ):
                return f"{A}'s “{' '.join(phrase_x)}”, {B}'s “{' '.join(phrase_y)}”"
    return ""


def _denials_of_other_things(first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """``second`` denies only a denial ``first`` makes, and what its denial was of (the words
    a denied denial sets aside: ``scopes``) shares no word with ``first``: two denials of two
    things ("denied that it would cut jobs" / "did not deny that it would close the depot")."""
    set_aside = (
        second.sets.lemmas
        - second.sets.asserted
        - second.sets.negated
        - set(second.negated_embedded)
    )
    return bool(set_aside) and not set_aside & (first.sets.lemmas - lexicon.DENIAL_LEMMAS)


def _denial_apart(first: ClaimFeatures, second: ClaimFeatures) -> str:
    """Why every verb ``second`` (role B) denies is not what ``first`` (role A) asserts, with
    the roles marked ("" when one may be):
    the same verb of other arguments (``_arguments_apart``), or a verb and what it is done to
    that ``first``, which asserts a verb of its own, never mentions ("has not fired its
    missiles during the sea trials" against "completed its sea trials")."""
    denials = [frame for frame in second.frames if frame.negated]
    reasons = []
    for denied in denials:
        same = [
            frame
            for frame in first.frames
            if not frame.negated and verb_key(frame.verb) == verb_key(denied.verb)
        ]
        if same:
            apart = [_arguments_apart(asserted, denied, first, second) for asserted in same]
            if not all(apart):
                return ""
            reasons.append(
                f"{B} denies “{denied.text}” of other arguments than {A} asserts it of ({apart[0]})"
            )
            continue
        patient = _named(denied.patient)
        if (
            verb_key(denied.verb) in first.sets.verb_keys
            or not patient
            or set(patient) & first.sets.lemmas
        ):
            return ""
        if not any(
            not frame.negated and frame.verb not in second.sets.lemmas for frame in first.frames
        ):
            return ""  # the other asserts no verb of its own ("There is a case of Ebola")
        reasons.append(
            f"{B} denies “{denied.text} {denied.patient_text}”, which {A} never mentions"
        )
    return reasons[0] if reasons else ""


def denials_apart(a: ClaimFeatures, b: ClaimFeatures) -> str:
    """Why a claim's denial does not deny what the other asserts, in words ("" when it may):
    what ``explain_pair`` prints for a negation that did not fire on this ground."""
    reason = _denial_apart(a, b)
    if reason:
        return Cue(kind="negation", strength=0, template=reason).explanation
    reason = _denial_apart(b, a)
    if reason:
        return Cue(kind="negation", strength=0, template=reason).swapped().explanation
    return ""


def _adjunct_words(claim: ClaimFeatures) -> set[str]:
    """The words a claim says only in phrases after its verbs, never as a doer or an object
    ("opened on Lowther Street", "gathered at the site", "unveiled plans for its future"):
    where or about what something was done, not what the claim is about."""
    arguments = {word for frame in claim.frames for word in (*frame.agent, *frame.patient)}
    phrases = {word for frame in claim.frames for phrase in frame.phrases for word in phrase[1:]}
    return phrases - arguments


def _subject_apart(first: ClaimFeatures, second: ClaimFeatures, shared: frozenset[str]) -> bool:
    """Whether a verb ``second`` denies is said of a thing the shared words only describe:
    its doer or object holds them, but its head (last word) is not in ``first`` ("the library
    on Lowther Street has not been repaired" against "police closed Lowther Street"), unless
    the head is a report whose content is denied ("Purdon Ebola report not true")."""
    for frame in second.frames:
        if not frame.negated:
            continue
        for argument in (frame.agent, frame.patient):
            head = argument[-1] if argument else ""
            if (
                set(argument) & shared
                and head not in first.sets.lemmas
                and head not in lexicon.RUMOR_WORDS
            ):
                return True
    return False


def _denies_the_opposite(first: ClaimFeatures, second: ClaimFeatures) -> bool:
    """``second`` denies a predicate of the curated table whose opposite ``first`` asserts
    ("was not convicted" / "was acquitted", "will not close" / "will stay open"): they agree."""
    return any(
        p.negated and p.key[-1] in "+-" and lexicon.opposite_key(p.key) in first.sets.predicate_keys
        for p in second.predicates
    )


def _subject_denied(
    first: ClaimFeatures, second: ClaimFeatures, overlap: Overlap, name: str
) -> list[Cue]:
    """``second`` denies its own predicate of the subject ``first`` speaks of, in other words
    than ``first`` uses ("Tiger Woods not banned" against "Tiger Woods is serving a
    suspension"): weaker than a denial of the same words. Not when ``first`` denies something
    too (two denials may agree), the subject is only one shared common word, or the shared
    words only qualify the denied thing (``_subject_apart``) or place what the other claim
    says happened (``_adjunct_words``)."""
    if first.sets.negated or first.question or _denies_the_opposite(first, second):
        return []  # "will not close" against "will stay open": denying the opposite agrees
    shared = second.sets.denied_subject & first.sets.lemmas
    if _subject_apart(first, second, shared):
        return []
    shared -= _adjunct_words(first)
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
            if len(shared) < (1 if _said_of_something(x) and _said_of_something(y) else 2):
                continue  # "buried alive": said of nothing named, one shared word is not enough
            if entry.converse and arguments_meet(x.agent, y.patient):
                continue  # "Arsenal beat Chelsea", "Chelsea lost to Arsenal": the same result
            if _of_different_things(x, y, a, b):
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


def _of_different_things(x: Predicate, y: Predicate, a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Whether two opposite predicates are said of different doers, things done to, or named
    places ("at its Wrexley plant" / "at its Sandford plant", ``phrases_named_apart``; the
    verb frames' doers: "two primary schools in the district stayed closed" / "the district's
    secondary schools reopened"). A
    predicate said of one argument only ("the festival went ahead", "Rehana is alive") is
    said of the other's argument it names, in whichever role ("the festival was cancelled",
    "Rehana was killed by ISIS")."""
    met = _one_argument_met(y, x)
    same = _one_argument_met(x, y) or (met and (met[1], met[0]))
    if same:
        if doers_apart(_lemmas(same[0]), _lemmas(same[1]), a, b):
            return True  # "the folk festival went ahead" / "the food fair was cancelled"
    else:
        names_a, names_b = a.sets.entity_words, b.sets.entity_words
        if arguments_differ(x.agent, y.agent, names_a, names_b) or arguments_differ(
            x.patient, y.patient, names_a, names_b
        ):
            return True
    if doers_apart(_lemmas(x.agent_text), _lemmas(y.agent_text), a, b):
        return True
    frames_x = [frame for frame in a.frames if frame.text == x.text.split()[0]]
    frames_y = [frame for frame in b.frames if frame.text == y.text.split()[0]]
    return any(
        phrases_named_apart(fx, fy, a, b) or doers_apart(fx.agent, fy.agent, a, b)
        for fx in frames_x
        for fy in frames_y
    )


def _one_argument_met(x: Predicate, y: Predicate) -> tuple[str, str] | None:
    """When ``y`` is said of one argument only and ``x`` names it in either role: the two
    texts of that argument (``x``'s, ``y``'s)."""
    if bool(y.agent) == bool(y.patient):
        return None
    single, single_text = (y.agent, y.agent_text) if y.agent else (y.patient, y.patient_text)
    for argument, text in ((x.agent, x.agent_text), (x.patient, x.patient_text)):
        if arguments_meet(argument, single):
            return text, single_text
    return None


def _said_of_something(predicate: Predicate) -> bool:
    return bool(predicate.agent or predicate.patient)


def _lemmas(text: str) -> list[str]:
    return [lemma(word) for word in text.split()]


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
