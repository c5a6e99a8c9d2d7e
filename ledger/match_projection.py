"""The match projection: each pair's decision (``MatchView``) and the groups (``MatchMember``).

Run by ``ledger.projections`` for every event of a ``match`` stream, through a ``RowStore``, so
the live tables and a rebuild from the log are written by the same code. A ClaimMatched links
the two claims, a ClaimUnmatched unlinks them; after either, every claim of the groups touched
gets the canonical claim of its group again: the member recorded first (ties by claim id), so
the canonical claim does not depend on the order the pairs were decided in.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from ledger import events as ev
from ledger.models import ClaimView, MatchMember, MatchView

if TYPE_CHECKING:
    from ledger.projections import Row, RowStore
    from ledger.reading import RecordedEvent

_NEVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)  # a claim not (yet) projected

STATUS_BY_EVENT: dict[type[ev.DomainEvent], str] = {
    ev.ClaimMatchSuggested: "suggested",
    ev.ClaimMatched: "matched",
    ev.ClaimMatchRejected: "rejected",
    ev.ClaimUnmatched: "unmatched",
}


def project_match(rows: RowStore, recorded: RecordedEvent) -> None:
    """One pair's decision, and the groups its claims are in."""
    event = recorded.event
    status = STATUS_BY_EVENT.get(type(event))
    if status is None or not isinstance(
        event, ev.ClaimMatchSuggested | ev.ClaimMatched | ev.ClaimMatchRejected | ev.ClaimUnmatched
    ):
        return
    row = rows.get(MatchView, recorded.stream_id)
    claim_a, claim_b = event.claims
    new_row: Row = {
        "pair_id": recorded.stream_id,
        "claim_a": claim_a,
        "claim_b": claim_b,
        "status": status,
        "score": row["score"] if row is not None else None,
        "reasons": list(row["reasons"]) if row is not None else [],
        "scorer_version": row["scorer_version"] if row is not None else "",
        "note": "",
        "decided_by": "",
        "created_at": row["created_at"] if row is not None else recorded.recorded_at,
        "updated_at": recorded.recorded_at,
        "version": recorded.version,
        "last_position": recorded.position,
    }
    if isinstance(event, ev.ClaimMatchSuggested):
        new_row.update(
            score=event.score, reasons=list(event.reasons), scorer_version=event.scorer_version
        )
    else:
        new_row.update(note=event.note, decided_by=str(recorded.metadata.get("actor", "")))
    rows.put(MatchView, recorded.stream_id, new_row)
    if isinstance(event, ev.ClaimMatched):
        _link(rows, claim_a, claim_b, position=recorded.position, linked=True)
    elif isinstance(event, ev.ClaimUnmatched):
        _link(rows, claim_a, claim_b, position=recorded.position, linked=False)


def _member(rows: RowStore, claim_id: str) -> Row:
    row = rows.get(MatchMember, claim_id)
    if row is not None:
        return row
    return {"claim_id": claim_id, "canonical_id": claim_id, "partners": [], "last_position": 0}


def _link(rows: RowStore, claim_a: str, claim_b: str, *, position: int, linked: bool) -> None:
    for claim_id, other in ((claim_a, claim_b), (claim_b, claim_a)):
        row = _member(rows, claim_id)
        partners = {str(partner) for partner in row["partners"]}
        if linked:
            partners.add(other)
        else:
            partners.discard(other)
        rows.put(
            MatchMember,
            claim_id,
            {**row, "partners": sorted(partners), "last_position": position},
        )
    for start in (claim_a, claim_b):
        _regroup(rows, start, position=position)


def _regroup(rows: RowStore, start: str, *, position: int) -> None:
    """Give every claim of ``start``'s group the group's canonical claim."""
    group = {start}
    frontier = [start]
    while frontier:
        for partner in _member(rows, frontier.pop())["partners"]:
            if str(partner) not in group:
                group.add(str(partner))
                frontier.append(str(partner))
    canonical = min(group, key=lambda claim_id: _recorded_order(rows, claim_id))
    for claim_id in group:
        row = _member(rows, claim_id)
        if str(row["canonical_id"]) != canonical:
            rows.put(
                MatchMember,
                claim_id,
                {**row, "canonical_id": canonical, "last_position": position},
            )


def _recorded_order(rows: RowStore, claim_id: str) -> tuple[datetime.datetime, str]:
    claim = rows.get(ClaimView, claim_id)
    recorded_at = claim["recorded_at"] if claim is not None else _NEVER
    return recorded_at, claim_id
