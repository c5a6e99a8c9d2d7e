"""Claims brought to any workflow state through the services, for the test folders' fixtures."""

from __future__ import annotations

from ledger import events as ev
from ledger.claims import ClaimState, ClaimStatus
from ledger.models import ContradictionView
from ledger.services import claim_command, claim_record
from reviews.actors import Actor
from reviews.contradictions.services import contradictions_consume
from reviews.roles import Role
from reviews.services import FlagDecision, contradiction_decide, review_command
from reviews.workflow.commands import Command

SYSTEM = ev.Metadata(actor="system:test", via="test")
# An editor of the desk, who may decide any contradiction flag (tests need no user row for it).
DESK_EDITOR = Actor(username="desk-editor", roles=frozenset({Role.EDITOR}))


def run_command(
    actor: Actor, command: Command, claim_id: str, version: int, **arguments: object
) -> ClaimState:
    """``review_command`` as the admin and the API call it, with the arguments as keywords."""
    return review_command(
        actor=actor,
        command=command,
        claim_id=claim_id,
        expected_version=version,
        arguments=arguments,
    )


def decide_flag(
    pair_id: str, version: int, decision: FlagDecision, note: str, metadata: ev.Metadata = SYSTEM
) -> int:
    """``contradiction_decide`` by the desk's editor."""
    return contradiction_decide(
        actor=DESK_EDITOR,
        pair_id=pair_id,
        expected_version=version,
        decision=decision,
        note=note,
        metadata=metadata,
    )


# The seed article's canonical contradiction: Iran's support against its allies' silence.
SUPPORT = (
    "The unwavering support from Tehran, rooted in ideological convergence and strategic "
    "necessity, is unlikely to diminish."
)
SILENT = (
    "Iran's allies, including Hezbollah, the Houthi movement, Hamas, and Palestinian Islamic "
    "Jihad, have been largely silent since Israel launched a series of attacks in response to "
    "recent escalations."
)

# The events that bring a freshly recorded claim (assigned to a reviewer) to each state.
_REVIEWED = [
    ev.ClaimReviewStarted(),
    ev.ClaimVerdictSet(rating=1, rating_name="False", explanation="the record shows otherwise"),
]
_SIGNED_OFF = [*_REVIEWED, ev.ClaimApproved(), ev.ClaimSignedOff()]
PATH_TO: dict[ClaimStatus, list[ev.DomainEvent]] = {
    ClaimStatus.PENDING: [],
    ClaimStatus.IN_REVIEW: _REVIEWED,
    ClaimStatus.CHANGES_REQUESTED: [*_REVIEWED, ev.ClaimChangesRequested(reason="cite it")],
    ClaimStatus.APPROVED: [*_REVIEWED, ev.ClaimApproved()],
    ClaimStatus.SIGNED_OFF: _SIGNED_OFF,
    ClaimStatus.REJECTED: [ev.ClaimRejected(reason="opinion")],
    ClaimStatus.PUBLISHED: [*_SIGNED_OFF, ev.ClaimPublished(url="https://checks.example/1")],
    ClaimStatus.RETRACTED: [*_SIGNED_OFF, ev.ClaimPublished(), ev.ClaimRetracted(reason="wrong")],
}


# What the classifier records for a sentence it finds not check-worthy.
NOT_CHECK_WORTHY: dict[str, object] = {
    "score": "0.120",
    "label": "not-check-worthy",
    "class": "opinion",
    "reasons": ["- evaluative_adjective: unwavering"],
    "version": "test",
}


def claim_brought_to(
    status: ClaimStatus,
    *,
    text: str,
    publisher: str,
    assignee: str | None,
    check_worthy: bool = True,
) -> ClaimState:
    """Record a claim of ``publisher``, assign it to ``assignee`` if any, bring it to ``status``;
    with ``check_worthy=False`` the classifier found it not check-worthy."""
    state = claim_record(
        text=text,
        metadata=SYSTEM,
        publisher=publisher,
        check_worthiness=None if check_worthy else NOT_CHECK_WORTHY,
    )
    path = [ev.ClaimAssigned(assignee=assignee)] if assignee else []
    for event in [*path, *PATH_TO[status]]:
        state = claim_command(
            claim_id=state.claim_id, expected_version=state.version, event=event, metadata=SYSTEM
        )
    assert state.status == status
    return state


def claim_quoted(
    *, source_id: str, source_text: str, quote: str, publisher: str, metadata: ev.Metadata = SYSTEM
) -> ClaimState:
    """Record ``quote`` as a claim anchored where it first occurs in the source's text."""
    start = source_text.index(quote)
    return claim_record(
        text=quote,
        metadata=metadata,
        source_id=source_id,
        selector={
            "exact": quote,
            "prefix": source_text[:start][-32:],
            "suffix": source_text[start + len(quote) :][:32],
            "start": start,
            "end": start + len(quote),
        },
        publisher=publisher,
    )


# Claim ids that fix which claim of a pair a flag stores first (A is the id sorted first).
FIRST_CLAIM_ID = "00000000-0000-4000-8000-000000000001"
SECOND_CLAIM_ID = "00000000-0000-4000-8000-000000000002"

# "a series of attacks" is a noun, not the relation "attack" (reviews/contradictions/relations.py)
# "diminish" shares its first sense with "decrease" in WordNet (wordnet_words), so it reads as a
# fall; the claims share no measure, so no opposite predicate fires.
SEED_PREDICATES = {SUPPORT: ["support (unwavering → Tehran)", "diminish"], SILENT: []}
SEED_STANCES = {
    SUPPORT: "the support is firm (“unwavering”)",
    SILENT: "the support is absent or fading (“silent”)",
}


def seed_pair_flagged(*, first: str, publisher: str) -> ContradictionView:
    """The seed pair recorded with ``first`` (SUPPORT or SILENT) as the flag's claim A, and
    flagged by the contradiction worker."""
    second = SILENT if first == SUPPORT else SUPPORT
    for claim_id, text in ((FIRST_CLAIM_ID, first), (SECOND_CLAIM_ID, second)):
        claim_record(text=text, metadata=SYSTEM, publisher=publisher, claim_id=claim_id)
    contradictions_consume()
    return ContradictionView.objects.get()


def seed_pair_explanation(*, first: str) -> list[str]:
    """What ``explain_pair`` prints for the seed pair with ``first`` (SUPPORT or SILENT) as A."""
    second = SILENT if first == SUPPORT else SUPPORT
    return [
        "verdict: contradiction (score 0.614, threshold 0.5254)",
        "subject: entities iran; shared words none",
        f"A: predicates {', '.join(SEED_PREDICATES[first]) or 'none'}; times none",
        f"B: predicates {', '.join(SEED_PREDICATES[second]) or 'none'}; times none",
        "negation: no — needs one claim to negate a word the other asserts: not found",
        "opposite-predicate: no — needs opposite predicates from the news table (hired / laid "
        "off, rose / fell, ...): not found",
        "swapped-relation: no — needs the same one-way relation (acquired, beat, sued, ...) in "
        "both claims: not found",
        "antonymy: no — needs a WordNet antonym of one claim's word in the other: not found",
        "numeric: no — needs numbers for the same kind of quantity in both claims: not found",
        "date: no — needs a date in each claim: not found",
        f"stance: FIRED — opposite stances: A says {SEED_STANCES[first]}, "
        f"B says {SEED_STANCES[second]}",
        "answer: no — needs an answer to a yes-or-no question in each claim (a clear yes or no, "
        "or not a simple one): not found",
        "refutation: no — needs a claim calling a report false or reporting a denial: not found",
        "quantifier: no — needs opposed quantifiers (all / none, none / some, all / all but "
        "some, all / not all) on the same noun: not found",
        "update: no — needs explicit times in both claims (dates, days of the week, quarters, "
        "last or this year): not found",
    ]
