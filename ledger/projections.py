"""Read models derived from events, and the only code that writes their tables.

A projection is a set of handlers, one per event type it follows. A handler reads and writes rows
through a ``RowStore``: the database store (updated in the same transaction as the append) or the
in-memory store used to rebuild from the log. Both paths run the same handlers, so a rebuilt
read model equals the incrementally maintained one by construction; ``rebuild_projections
--check`` proves it on the live data.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from ledger import events as ev
from ledger.claims import STATE_FIELDS, ClaimState, evolve
from ledger.models import ClaimView, ContradictionView

if TYPE_CHECKING:
    from ledger.store import RecordedEvent

Row = dict[str, Any]


class RowStore(Protocol):
    def get(self, model: type[models.Model], key: str) -> Row | None: ...

    def put(self, model: type[models.Model], key: str, row: Row) -> None: ...


class DatabaseRows:
    """Rows read from and written to the database, inside the caller's transaction."""

    def __init__(self) -> None:
        self._rows: dict[tuple[type[models.Model], str], Row] = {}

    def get(self, model: type[models.Model], key: str) -> Row | None:
        cached = self._rows.get((model, key))
        if cached is not None:
            return cached
        row = model._default_manager.filter(pk=key).values().first()
        if row is not None:
            self._rows[(model, key)] = row
        return row

    def put(self, model: type[models.Model], key: str, row: Row) -> None:
        if (model, key) in self._rows:
            model._default_manager.filter(pk=key).update(**row)
        else:
            model._default_manager.create(**row)
        self._rows[(model, key)] = row


class MemoryRows:
    """Rows held in memory while a read model is rebuilt from the whole log."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], dict[str, Row]] = defaultdict(dict)

    def get(self, model: type[models.Model], key: str) -> Row | None:
        return self.rows[model].get(key)

    def put(self, model: type[models.Model], key: str, row: Row) -> None:
        self.rows[model][key] = row


Handler = Callable[[RowStore, "RecordedEvent"], None]


def _claim_state(row: Row) -> ClaimState:
    values = {name: row[name] for name in STATE_FIELDS}
    values["claim_id"] = str(values["claim_id"])
    if values["source_id"] is not None:
        values["source_id"] = str(values["source_id"])
    return ClaimState(**values)


def project_claim(rows: RowStore, recorded: RecordedEvent) -> None:
    """Claim list: one row per claim with its current state."""
    row = rows.get(ClaimView, recorded.stream_id)
    state = evolve(
        _claim_state(row) if row is not None else None,
        recorded.event,
        version=recorded.version,
        position=recorded.position,
        recorded_at=recorded.recorded_at,
    )
    new_row = dataclasses.asdict(state)
    new_row["open_flag_count"] = row["open_flag_count"] if row is not None else 0
    rows.put(ClaimView, recorded.stream_id, new_row)


def _adjust_open_flags(rows: RowStore, claim_ids: Iterable[str], change: int) -> None:
    for claim_id in claim_ids:
        row = rows.get(ClaimView, claim_id)
        if row is not None:
            rows.put(
                ClaimView, claim_id, {**row, "open_flag_count": row["open_flag_count"] + change}
            )


def project_contradiction(rows: RowStore, recorded: RecordedEvent) -> None:
    """Contradiction list: one row per claim pair; claims count their open flags."""
    row = rows.get(ContradictionView, recorded.stream_id)
    event = recorded.event
    common = {
        "updated_at": recorded.recorded_at,
        "version": recorded.version,
        "last_position": recorded.position,
    }
    if isinstance(event, ev.ContradictionFlagged):
        was_open = row is not None and row["status"] == "open"
        rows.put(
            ContradictionView,
            recorded.stream_id,
            {
                "pair_id": recorded.stream_id,
                "claim_a": event.claims[0],
                "claim_b": event.claims[1],
                "score": event.score,
                "cues": list(event.cues),
                "detector_version": event.detector_version,
                "status": "open",
                "note": "",
                "decided_by": "",
                "flagged_at": recorded.recorded_at,
                **common,
            },
        )
        if not was_open:
            _adjust_open_flags(rows, event.claims, +1)
    elif row is not None and isinstance(
        event, ev.ContradictionConfirmed | ev.ContradictionDismissed
    ):
        status = "confirmed" if isinstance(event, ev.ContradictionConfirmed) else "dismissed"
        if row["status"] == "open":
            _adjust_open_flags(rows, [str(row["claim_a"]), str(row["claim_b"])], -1)
        rows.put(
            ContradictionView,
            recorded.stream_id,
            {
                **row,
                "status": status,
                "note": event.note,
                "decided_by": str(recorded.metadata.get("actor", "")),
                **common,
            },
        )


# Handlers by the stream type whose events they follow.
HANDLERS: dict[str, list[Handler]] = {
    ev.StreamType.CLAIM: [project_claim],
    ev.StreamType.CONTRADICTION: [project_contradiction],
}

# Every table written by a projection, in the order a rebuild fills them.
PROJECTED_MODELS: list[type[models.Model]] = [ClaimView, ContradictionView]


def apply(rows: RowStore, recorded: Iterable[RecordedEvent]) -> None:
    for item in recorded:
        for handler in HANDLERS.get(item.stream_type, ()):
            handler(rows, item)


def apply_incrementally(recorded: Iterable[RecordedEvent]) -> None:
    """Update the read models for freshly appended events, in the append's transaction."""
    apply(DatabaseRows(), recorded)


def normalized(model: type[models.Model], row: Row) -> Row:
    """A row with every value in the Python type the database returns, for comparison."""
    return {
        field.attname: field.to_python(row[field.attname]) for field in model._meta.concrete_fields
    }
