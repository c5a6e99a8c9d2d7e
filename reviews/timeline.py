"""A claim's timeline on its admin page: its events and its flags' events, in words."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from ledger import events as ev
from ledger.reading import RecordedEvent, read_stream
from reviews.matching.selectors import match_pair_list
from reviews.selectors import claim_flag_list
from reviews.wording import opening_words


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """One event of a claim's history: who did what, when.

    ``flag_pair_id`` is set for the events of a contradiction flag naming the claim (flagged,
    confirmed, dismissed), which the timeline shows among the claim's own events.
    """

    position: int
    version: int
    type: str
    actor: str
    via: str
    recorded_at: datetime.datetime
    summary: str
    details: dict[str, Any]
    flag_pair_id: str = ""


def _summary(event: ev.DomainEvent) -> str:
    match event:
        case ev.ClaimRecorded(publisher=publisher):
            return f"recorded for {publisher}" if publisher else "recorded"
        case ev.ClaimRevised(text=text, reason=reason):
            return f"text revised to “{text}”" + (f" — {reason}" if reason else "")
        case ev.ClaimAssigned(assignee=assignee, note=note):
            return f"assigned to {assignee}" + (f" — {note}" if note else "")
        case ev.ClaimReviewStarted():
            return "review started"
        case ev.ClaimCommented(body=body):
            return f"comment: {body}"
        case ev.ClaimEvidenceAttached(url=url, note=note):
            return f"evidence {url} — {note}"
        case ev.ClaimChangesRequested(reason=reason):
            return f"changes requested: {reason}"
        case ev.ClaimVerdictSet(rating=rating, rating_name=name, explanation=explanation):
            scale = f" ({rating}/5)" if rating else ""
            return f"verdict set: {name}{scale} — {explanation}"
        case ev.ClaimApproved(note=note):
            return "approved" + (f" — {note}" if note else "")
        case ev.ClaimSignedOff(note=note):
            return "signed off" + (f" — {note}" if note else "")
        case ev.ClaimRejected(reason=reason):
            return f"rejected: {reason}"
        case ev.ClaimPublished(url=url, overridden_flags=overridden, override_reason=reason):
            published = "published" + (f" at {url}" if url else "")
            if overridden:
                count = len(overridden)
                published += f" over {count} open contradiction flag{'s' if count != 1 else ''}"
                published += f" — override reason: {reason}"
            return published
        case ev.ClaimRetracted(reason=reason):
            return f"retracted: {reason}"
        case ev.ContradictionConfirmed(note=note):
            return f"contradiction flag confirmed — {note}"
        case ev.ContradictionDismissed(note=note):
            return f"contradiction flag dismissed — {note}"
        case ev.ClaimMatched(note=note):
            return f"matched — {note}"
        case ev.ClaimMatchRejected(note=note):
            return f"match rejected — {note}"
        case ev.ClaimUnmatched(note=note):
            return f"unmatched — {note}"
    return event.event_type.value


def _flag_summary(event: ev.DomainEvent, *, other_text: str) -> str:
    if isinstance(event, ev.ContradictionFlagged):
        return (
            f"flagged as contradicting “{opening_words(other_text)}” (score {event.score}): "
            + "; ".join(event.cues)
        )
    return _summary(event)


def _match_summary(event: ev.DomainEvent, *, other_text: str) -> str:
    other = f"“{opening_words(other_text)}”"
    if isinstance(event, ev.ClaimMatchSuggested):
        return f"suggested as the same claim as {other} (score {event.score}): " + "; ".join(
            event.reasons
        )
    return f"{_summary(event)} (with {other})"


def _entry(item: RecordedEvent, summary: str, flag_pair_id: str = "") -> TimelineEntry:
    return TimelineEntry(
        position=item.position,
        version=item.version,
        type=item.type,
        actor=str(item.metadata.get("actor", "")),
        via=str(item.metadata.get("via", "")),
        recorded_at=item.recorded_at,
        summary=summary,
        details=item.event.to_data(),
        flag_pair_id=flag_pair_id,
    )


def claim_timeline(*, claim_id: str) -> list[TimelineEntry]:
    """Every event of the claim's stream and of the flags and match pairs naming it, in ledger
    order."""
    entries = [_entry(item, _summary(item.event)) for item in read_stream(claim_id)]
    for flag in claim_flag_list(claim_id=claim_id):
        for item in read_stream(flag.pair_id):
            summary = _flag_summary(item.event, other_text=flag.other_claim_text)
            entries.append(_entry(item, summary, flag_pair_id=flag.pair_id))
    for pair in match_pair_list(claim_id=claim_id):
        for item in read_stream(pair.pair_id):
            summary = _match_summary(item.event, other_text=pair.other_claim_text)
            entries.append(_entry(item, summary))
    return sorted(entries, key=lambda entry: entry.position)
