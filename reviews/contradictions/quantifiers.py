"""Quantifier phrases in a claim ("all", "none of the", "not a single", "all but two of the",
"only nine of the eleven") with the noun each quantifies and what the claim says of it: the
group the noun is narrowed to and the predicate, so that two quantifiers are compared only on
the same group and the same predicate, whatever else the sentences say ("..., officials said")."""

from __future__ import annotations

import dataclasses

from reviews.contradictions import lexicon
from reviews.contradictions.scopes import is_negator, quantifier_negation
from reviews.contradictions.text import CLAUSE_BREAKS, STOPWORDS, is_past_form, lemma

# Words that end what a claim says of a quantified noun: a clause break, a subordinate or
# adverbial clause ("closed on Tuesday as staff walked out"), an attribution ("according to").
PREDICATE_BREAKS = (
    CLAUSE_BREAKS
    | lexicon.SUBORDINATORS
    | frozenset(["as", "despite", "according", "amid", "with", "and", "or"])
)
# After one of these the next content word is a verb ("have passed", "will keep", "to cap").
VERB_OPENERS = lexicon.AUXILIARIES | frozenset(
    ["will", "would", "can", "could", "may", "might", "must", "did", "do", "does", "to"]
)

# Proportions: "most", "the majority of", "almost all" say more than half (so some, and
# not none); "a minority of" says fewer than half (so not all). "Most" and "a minority" of one
# group and predicate exclude each other; a universal excludes a minority, "none" excludes most.
MAJORITY = frozenset(["most", "majority"])
MINORITY = frozenset(["minority"])
# Proportions said in words, each with its kind: more than half, or fewer than half.
PROPORTIONS: dict[tuple[str, ...], str] = {
    ("two", "thirds"): "most",
    ("three", "quarters"): "most",
    ("more", "than", "half"): "most",
    ("over", "half"): "most",
    ("fewer", "than", "half"): "minority",
    ("less", "than", "half"): "minority",
    ("under", "half"): "minority",
    ("a", "third"): "minority",
    ("one", "third"): "minority",
    ("a", "quarter"): "minority",
    ("one", "quarter"): "minority",
}
# "Both" is all of two ("both candidates"), not "both Acme and Beta" (a conjunction of names).
BOTH = frozenset(["both"])
# Before "all" or "every" these make it "most" ("almost all of the care homes"): no universal.
NEARLY = frozenset(["almost", "nearly", "virtually", "practically"])
# The kinds, besides ``lexicon.OPPOSED_QUANTIFIERS``, that exclude each other.
OPPOSED_PROPORTIONS = frozenset(
    [
        ("most", "none"),
        ("none", "most"),
        ("most", "minority"),
        ("minority", "most"),
        ("all", "minority"),
        ("minority", "all"),
    ]
)
# A denied predicate turns the quantifier round: "none of them were not evacuated" says all
# were, "two of the contracts went through no tender" says not all did, "most did not vote"
# says a minority did.
DENIED_KINDS = {
    "all": "none",
    "none": "all",
    "some": "not-all",
    "not-all": "some",
    "most": "minority",
    "minority": "most",
}
# An exception inside the quantified phrase ("all of the hospitals except St Mary's", "every
# member state bar Hungary") or opening its clause ("With the exception of the Dunmore mine,
# all of the pits ...", "Apart from Hungary, every member state ..."): the universal has an
# exception, so it says all but some.
INLINE_EXCEPTIONS = frozenset(["except", "excluding", "barring"])  # not "bar": a noun too
EXCEPTION_PHRASES = (
    ("with", "the", "exception", "of"),
    ("except", "for"),
    ("apart", "from"),
    ("aside", "from"),
    ("other", "than"),
    ("except",),
    ("excluding",),
    ("barring",),
)
# Nouns of a whole that restate the quantified group rather than narrow it ("all of the
# airline's 40 aircraft" / "every aircraft in the airline's fleet"; "the starting line-up").
WHOLE_NOUNS = frozenset(lemma(word) for word in ["fleet", "workforce", "line", "lineup", "roster"])
# Nouns that name the people of whatever group follows them ("every member of the squad"):
# they quantify the same people as a noun of that group's people ("all 23 players in the
# squad").
GENERIC_PEOPLE = frozenset(["member", "person"])
# A vote or decision "unanimously" taken is said of every member of the body that took it
# ("The cabinet unanimously approved", "the board of governors voted unanimously to").
UNANIMOUS = frozenset(["unanimously"])

# After two singular nouns these end the compound they make ("every member state in the bloc").
COMPOUND_ENDS = frozenset(["in", "of", "on", "at"])

# Quantifiers that are their own noun: people ("nobody", "everyone" against "several people").
PERSON_QUANTIFIERS = frozenset(["nobody", "everyone", "everybody"])
# Before a count, these make it the size of a whole group, not "at least this many".
BARE_COUNT_BLOCKERS = (
    lexicon.UNIVERSAL
    | lexicon.UNIVERSAL_NEGATIVE
    | lexicon.ARTICLES
    | lexicon.EXCEPTION_MARKERS
    | frozenset(
        ["of", "than", "about", "some", "only", "just", "nearly", "almost", "over", "under"]
    )
)


@dataclasses.dataclass(frozen=True)
class Quantified:
    """A quantifier phrase and what it is said of: "none of the 60 care homes inspected in the
    county was rated inadequate" is kind "none", noun "care", group ["home", "inspect",
    "county"] (the words narrowing the noun, up to the predicate's verb), verbs ["rat"] and
    predicate ["rat", "inadequate"] (the verb and its words, to the end of the clause)."""

    kind: str  # "all", "none", "some", "except" (all but some), "not-all", "most", "minority"
    noun: str
    group: list[str] = dataclasses.field(default_factory=list)
    verbs: list[str] = dataclasses.field(default_factory=list)
    predicate: list[str] = dataclasses.field(default_factory=list)
    negated: bool = False  # the predicate is denied ("hundreds of residents were not evacuated")


def _bare_count(lowered: list[str], position: int) -> bool:
    """Whether the count at ``position`` says "at least this many" of a noun right after it
    ("two people were hurt", "3 schools stayed shut"), not the size of a whole group ("all 14
    branches", "the 12 bridges", "none of the 9 members") or a year, an amount or a rate."""
    word = lowered[position]
    following = lowered[position + 1] if position + 1 < len(lowered) else ""
    previous = lowered[position - 1] if position else ""
    if not word.isdigit() and word not in lexicon.NUMBER_WORDS:
        return False
    if word.isdigit() and (len(word) == 4 or previous in lexicon.CURRENCY_WORDS):
        return False
    if previous in BARE_COUNT_BLOCKERS or previous.endswith("'s"):
        return False
    return (
        following[:1].isalpha()
        and following not in STOPWORDS
        and following not in lexicon.SCALES
        and following not in {"percent", "per", "of"}
    )


def quantifier_kind(lowered: list[str], position: int) -> tuple[str, int]:
    """The kind of a quantifier phrase starting at ``position`` and where its noun may start
    ("three of the members" is "some", "all but two of the members" and "only nine of the
    eleven players" an exception, "not a single member" none), else ("", 0)."""
    word = lowered[position]
    previous = lowered[position - 1] if position else ""
    following = lowered[position + 1] if position + 1 < len(lowered) else ""
    negation = quantifier_negation(lowered, position)
    if negation:
        return lexicon.QUANTIFIER_NEGATIONS[negation], position + 1 + len(negation)
    if previous == "not" or previous in lexicon.UNIVERSAL | lexicon.EXCEPTION_MARKERS:
        # "not one of", "every one of", "all but two of": the phrase began before
        return "", 0
    for phrase, proportion in PROPORTIONS.items():
        if tuple(lowered[position : position + len(phrase)]) == phrase:
            return proportion, position + len(phrase)  # "two thirds of the nurses"
    if any(
        tuple(lowered[begin:position]) == phrase[:-1]
        for phrase in PROPORTIONS
        for begin in [position - len(phrase) + 1]
        if begin >= 0 and phrase[-1] == word
    ):
        return "", 0  # "half" of "fewer than half": the phrase began before
    if word in BOTH and following[:1].isalpha() and following not in STOPWORDS:
        return "all", position + 1
    if word in MAJORITY and not (word == "most" and previous == "the"):  # not "the most votes"
        return "most", position + 1
    if word in MINORITY:
        return "minority", position + 1
    if word in lexicon.UNIVERSAL and previous in NEARLY:
        return "most", position + 1  # "almost all", "nearly every"
    if word in lexicon.UNIVERSAL:
        if following in lexicon.EXCEPTION_MARKERS:
            return "except", position + 2
        return "all", position + 1
    if word in lexicon.UNIVERSAL_NEGATIVE:
        return "none", position + 1
    counted = word[0].isdigit() or word in lexicon.NUMBER_WORDS
    some = (
        word in lexicon.EXISTENTIAL
        or (word == "few" and previous == "a")
        or (word == "number" and previous == "a" and following == "of")  # "a number of"
        or (counted and _bare_count(lowered, position))  # "two people were hurt"
    )
    if word == "few" and previous != "a":
        return "not-all", position + 1  # "few of the schools met it": not all did
    if counted and previous == "only" and following[:1].isalpha() and following != "of":
        return "except", position + 1  # "only two wards reopened": some, not all
    if not (some or (counted and following == "of")):
        return "", 0
    # "only some of", "only a few of", "only nine of the eleven": some, and not all
    only = previous == "only" or (
        previous == "a" and lowered[position - 2 : position - 1] == ["only"]
    )
    return ("except" if only else "some"), position + 1


def _exception_at(lowered: list[str], position: int) -> int:
    """The length of an exception phrase at ``position`` (``EXCEPTION_PHRASES``), else 0."""
    for phrase in EXCEPTION_PHRASES:
        if tuple(lowered[position : position + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _exception_opens_clause(lowered: list[str], position: int) -> bool:
    """Whether the clause before the quantifier at ``position`` is an exception ("With the
    exception of the Dunmore mine, all of the company's pits ...")."""
    cursor = position - 1
    while cursor >= 0 and lowered[cursor] not in CLAUSE_BREAKS:
        cursor -= 1
    if cursor < 0 or lowered[cursor] != ",":
        return False
    begin = cursor - 1
    while begin >= 0 and lowered[begin] not in CLAUSE_BREAKS:
        begin -= 1
    return bool(_exception_at(lowered, begin + 1))


def _what_is_said(
    lowered: list[str], start: int
) -> tuple[list[str], list[str], list[str], bool, bool]:
    """From the quantified noun at ``start`` to the end of its clause: the group words before
    the predicate's verb, the verbs, the predicate words, whether a negator denies them and
    whether the group names an exception ("except St Mary's": its words are no group)."""
    group: list[str] = []
    verbs: list[str] = []
    predicate: list[str] = []
    negated = False
    opener = False
    excepted = False
    skipping = False
    for cursor in range(start + 1, len(lowered)):
        word = lowered[cursor]
        following = lowered[cursor + 1] if cursor + 1 < len(lowered) else ""
        counted = following[:1].isdigit() or following in lexicon.NUMBER_WORDS
        if not verbs and word in lexicon.EXCEPTION_MARKERS and counted:
            excepted = skipping = True  # "all of the locks on the canal but one"
            continue
        if word in PREDICATE_BREAKS and (verbs or word in CLAUSE_BREAKS):
            break
        if not verbs and (word in INLINE_EXCEPTIONS or _exception_at(lowered, cursor) > 1):
            excepted = skipping = True  # "except St Mary's", "other than Hungary"
            continue
        if skipping and not (word in VERB_OPENERS or is_past_form(word) or is_negator(word)):
            continue
        skipping = False
        if is_negator(word):
            negated = negated or bool(verbs) or opener
            opener = True
            continue
        if word in VERB_OPENERS:
            opener = True
            continue
        if not word[0].isalpha() or word in STOPWORDS or word in lexicon.NUMBER_WORDS:
            continue
        value = lemma(word)
        if opener or is_past_form(word):
            if value not in verbs:
                verbs.append(value)
            opener = False
        (predicate if verbs else group).append(value)
    return group, verbs, predicate, negated, excepted


def _compound_head(lowered: list[str], position: int) -> bool:
    """Whether the content word at ``position`` modifies the next, the head of a compound
    ("committee members", "primary schools", "every council member voted"): the next is a
    plural noun after a singular word, or a word right before a verb or an auxiliary."""
    word = lowered[position]
    following = lowered[position + 1] if position + 1 < len(lowered) else ""
    after = lowered[position + 2] if position + 2 < len(lowered) else ""
    if not following[:1].isalpha() or following in STOPWORDS or is_past_form(following):
        return False
    if following in PREDICATE_BREAKS or following in VERB_OPENERS:
        return False
    if following.endswith("s") and not word.endswith("s"):
        return True
    if not word.endswith("s") and (after in INLINE_EXCEPTIONS or after in COMPOUND_ENDS):
        return True  # "every member state except Hungary", "each school district in"
    return is_past_form(after) or after in VERB_OPENERS


def _in_noun_run(lowered: list[str], position: int) -> bool:
    """Whether the word at ``position`` may continue a noun run ("lifeboat crews")."""
    if position >= len(lowered):
        return False
    word = lowered[position]
    return (
        word[0].isalpha()
        and word not in STOPWORDS
        and word not in PREDICATE_BREAKS
        and word not in VERB_OPENERS
        and word not in INLINE_EXCEPTIONS
        and not is_past_form(word)
    )


def _possessor(lowered: list[str], position: int) -> bool:
    """Whether the word at ``position`` is a possessor or opens one ("the board's directors",
    "the ferry company's 12 vessels": "ferry" and "company's" own the noun after them)."""
    for cursor in range(position, min(position + 3, len(lowered))):
        word = lowered[cursor]
        if word.endswith(("'s", "s'")):
            return True
        if cursor > position and not _in_noun_run(lowered, cursor):
            return False
    return False


def _verb_before(lowered: list[str], position: int) -> str:
    """The lemma of the verb of the quantifier's clause before ``position`` ("confirmed", "will
    close"), else ""."""
    for cursor in range(position - 1, -1, -1):
        word = lowered[cursor]
        if word in CLAUSE_BREAKS:
            return ""
        if not word[0].isalpha() or word in STOPWORDS:
            continue
        if is_past_form(word) or (cursor and lowered[cursor - 1] in VERB_OPENERS):
            return lemma(word)
    return ""


def quantifiers_read(lowered: list[str], undenied: list[bool] | None = None) -> list[Quantified]:
    """Each quantifier and the noun it quantifies: the first content word after it, numbers
    and possessors aside ("none of the 12 council members" -> "council"; "three of the
    board's directors" -> "director"), with what the claim says of it (``Quantified``).
    A quantifier of what a denial not made was of (``undenied``: "did not deny that several
    people were hurt") is not said."""
    found: list[Quantified] = []
    for position in range(len(lowered) - 1):
        if undenied and undenied[position]:
            continue
        kind, start = quantifier_kind(lowered, position)
        if not kind:
            continue
        no_one = lowered[position : position + 2] == ["no", "one"] and (
            lowered[position + 2 : position + 3] != ["of"]
        )
        if lowered[position] in PERSON_QUANTIFIERS or no_one:
            # "nobody in the department knew" is said of people, like "several people in it"
            group, verbs, predicate, negated, excepted = _what_is_said(lowered, position + no_one)
            kind = _with_exception(kind, excepted or _exception_opens_clause(lowered, position))
            found.append(Quantified(kind, "person", group, verbs, predicate, negated))
            continue
        for cursor in range(start, min(start + lexicon.QUANTIFIER_REACH, len(lowered))):
            following = lowered[cursor]
            if following in CLAUSE_BREAKS:
                break
            if (
                following[0].isalpha()
                and following not in STOPWORDS
                and following not in lexicon.NUMBER_WORDS
                and following not in lexicon.EXCEPTION_MARKERS
                and not _possessor(lowered, cursor)
            ):
                modifiers = []
                while _in_noun_run(lowered, cursor + 1) and (
                    _compound_head(lowered, cursor) or _compound_head(lowered, cursor + 1)
                ):
                    # "committee members", "Pentire lifeboat crews": the noun is the last
                    modifiers.append(lemma(lowered[cursor]))
                    cursor += 1
                group, verbs, predicate, negated, excepted = _what_is_said(lowered, cursor)
                excepted = excepted or _exception_opens_clause(lowered, position)
                kind = _with_exception(kind, excepted)
                group = [*modifiers, *group]  # the modifiers narrow the group
                verb = "" if verbs else _verb_before(lowered, position)
                if verb:
                    # the quantified noun is an object ("officials confirmed 14 cases of the
                    # virus in the region"): the verb before it is the predicate, the words
                    # after it the predicate's
                    group, verbs, predicate = [], [verb], [verb, *group]
                noun = lemma(lowered[cursor])
                found.append(Quantified(kind, noun, group, verbs, predicate, negated))
                break
    found.extend(
        unanimous
        for position, word in enumerate(lowered)
        if word in UNANIMOUS and (unanimous := _unanimous(lowered, position)) is not None
    )
    return found


def _with_exception(kind: str, excepted: bool) -> str:
    """A universal with an exception is "all but some"; "no one except the driver" is some."""
    if not excepted:
        return kind
    return {"all": "except", "none": "some"}.get(kind, kind)


def _unanimous(lowered: list[str], position: int) -> Quantified | None:
    """ "The council's cabinet unanimously approved the budget", "the board of governors voted
    unanimously to dismiss ...": every member of the body that voted, so kind "all" with the
    noun after the body's "of" ("governors") or "member" of the body's words ("council",
    "cabinet"); "did not unanimously back" says not all did."""
    begin = position
    while begin > 0 and lowered[begin - 1] not in CLAUSE_BREAKS:
        begin -= 1
    previous = lowered[position - 1] if position else ""
    verb_first = is_past_form(previous) or previous in {"vote", "votes"}
    subject_end = position - 1 if verb_first else position
    subject = [
        word
        for word in lowered[begin:subject_end]
        if word[0].isalpha() and word not in VERB_OPENERS and not is_negator(word)
    ]
    negated = any(is_negator(word) for word in lowered[max(begin, position - 3) : position])
    if "of" in subject:
        split = subject.index("of")
        owners, members = subject[:split], subject[split + 1 :]
    else:
        owners, members = subject, []
    group = [lemma(word.removesuffix("'s")) for word in owners if word not in STOPWORDS]
    heads = [lemma(word) for word in members if word not in STOPWORDS]
    if not group and not heads:
        return None
    noun = heads[-1] if heads else "member"
    _group, verbs, predicate, _negated, _excepted = _what_is_said(
        lowered, position - 2 if verb_first else position
    )
    predicate = [word for word in predicate if word not in UNANIMOUS]
    if not verbs:
        return None
    return Quantified("not-all" if negated else "all", noun, group, verbs, predicate)


def _people_of(generic: Quantified, other: Quantified) -> bool:
    """Whether a generic noun of people ("every member of the squad") names the people the
    other quantifies: the other's group names the same group ("all 23 players in the squad")."""
    if generic.noun not in GENERIC_PEOPLE or not generic.group:
        return False
    return bool(set(generic.group) & set(other.group))


def nouns_alike(x: Quantified, y: Quantified, classes: dict[str, str]) -> bool:
    """Whether two quantifiers quantify the same things: one noun (or one class of ``classes``:
    "nobody" / "members"), or a generic noun of people and the people it names
    (``_people_of``)."""
    if classes.get(x.noun, x.noun) == classes.get(y.noun, y.noun):
        return True
    return _people_of(x, y) or _people_of(y, x)


def quantified_keys(quantified: Quantified, classes: dict[str, str]) -> set[str]:
    """What a quantifier may be compared on (``features``' quick bound): its noun's class, and
    for a generic noun of people the groups it names ("group:squad"), which any quantifier of
    a noun with that group shares."""
    keys = {classes.get(quantified.noun, quantified.noun)}
    keys.update(f"group:{word}" for word in quantified.group)
    return keys


def narrowing(quantified: Quantified) -> list[str]:
    """The words that narrow a quantifier's group: not a noun of the whole that restates it
    ("every aircraft in the airline's fleet", "the starting line-up")."""
    return [word for word in quantified.group if word not in WHOLE_NOUNS]
