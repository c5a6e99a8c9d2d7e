"""Checking the stored ledger: every hash recomputed, every link and position in order."""

from __future__ import annotations

import dataclasses

from ledger.models import Event
from ledger.store import format_timestamp
from ledger.verify_export import GENESIS_HASH, data_digest, event_hash

VERIFY_BATCH_SIZE = 5000


@dataclasses.dataclass(frozen=True)
class LedgerBreak:
    """The first place where the stored ledger does not verify."""

    position: int
    reason: str


@dataclasses.dataclass(frozen=True)
class LedgerVerification:
    events: int
    head_hash: str
    first_break: LedgerBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def ledger_verify() -> LedgerVerification:
    """Recompute the hash chain over every stored event, in position order.

    Detects an edited event (its hash no longer matches), a deleted or inserted one (a gap or
    an extra position, and a broken link) and reordered ones (links out of order).
    """
    expected_prev = GENESIS_HASH
    expected_position = 1
    count = 0
    fields = (
        "position",
        "stream_id",
        "stream_type",
        "version",
        "type",
        "schema_version",
        "data",
        "metadata",
        "recorded_at",
        "prev_hash",
        "hash",
    )
    rows = Event.objects.order_by("position").values_list(*fields, named=True)
    for row in rows.iterator(chunk_size=VERIFY_BATCH_SIZE):
        if row.position != expected_position:
            return LedgerVerification(
                count,
                expected_prev,
                LedgerBreak(
                    min(row.position, expected_position),
                    f"position {expected_position} expected, found {row.position} "
                    "(an event was deleted, inserted or moved)",
                ),
            )
        if row.prev_hash != expected_prev:
            return LedgerVerification(
                count,
                expected_prev,
                LedgerBreak(row.position, "prev_hash does not match the previous event's hash"),
            )
        envelope = row._asdict()
        envelope["recorded_at"] = format_timestamp(row.recorded_at)
        if event_hash(envelope, data_digest(row.data)) != row.hash:
            return LedgerVerification(
                count,
                expected_prev,
                LedgerBreak(row.position, "hash does not match the event's content"),
            )
        expected_prev = row.hash
        expected_position += 1
        count += 1
    return LedgerVerification(count, expected_prev, None)
