"""Claims brought to any workflow state through the services, for the test folders' fixtures."""

from __future__ import annotations

from ledger import events as ev
from ledger.claims import ClaimState, ClaimStatus
from ledger.services import claim_command, claim_record

SYSTEM = ev.Metadata(actor="system:test", via="test")

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


def claim_brought_to(
    status: ClaimStatus, *, text: str, publisher: str, assignee: str | None
) -> ClaimState:
    """Record a claim of ``publisher``, assign it to ``assignee`` if any, bring it to ``status``."""
    state = claim_record(text=text, metadata=SYSTEM, publisher=publisher)
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
