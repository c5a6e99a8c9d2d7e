"""Checking the stored ledger: every hash recomputed, every link and position in order."""

from __future__ import annotations

import dataclasses
from typing import Any

from ledger.models import EVENT_FIELDS, Checkpoint, Event
from ledger.reading import format_timestamp
from ledger.redaction import redactions_by_position
from ledger.source_redaction import sources_verify
from ledger.verify_export import (
    GENESIS_HASH,
    checkpoint_chain_problem,
    event_hash,
    redacted_payload_problem,
    unredacted_digest,
)

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
    head_position: int = 0

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _hashed_digest(row: dict[str, Any], redactions: list[dict[str, Any]] | None) -> str | None:
    """The payload digest the event's hash covers, or None when the payload does not follow
    from its commitments (and its redactions, if any).

    An unredacted event's hash covers the digest of its stored payload (salted in hash format
    2). A redacted one's covers the digest its first DataRedacted event recorded; each
    DataRedacted event must name this event (by hash) and carry the digest on from the one
    before, and the payload as stored must be what those redactions, and only they, left
    (``redacted_payload_problem``).
    """
    if redactions is None:
        digest, problem = unredacted_digest(row)
        return None if problem is not None else digest
    try:
        return _digest_before_redactions(row, redactions)
    except (KeyError, TypeError):
        return None  # a DataRedacted payload without its fields: tampered with


def _digest_before_redactions(row: dict[str, Any], redactions: list[dict[str, Any]]) -> str | None:
    current = redactions[0]["data"]["data_digest_before"]
    for record in redactions:
        details = record["data"]
        if (
            record["position"] <= row["position"]
            or details["event_hash"] != row["hash"]
            or details["data_digest_before"] != current
        ):
            return None
        current = details["data_digest_after"]
    named = [record["data"]["field"] for record in redactions]
    if redacted_payload_problem(row, current, named) is not None:
        return None
    return str(redactions[0]["data"]["data_digest_before"])


def ledger_verify() -> LedgerVerification:
    """Recompute the hash chain over every stored event in position order.

    Detects an edited event (its hash no longer matches), a deleted or inserted one (a gap or an
    extra position, and a broken link), reordered ones (links out of order), a payload changed
    beyond what its redactions recorded, a stored hash that differs from a recorded checkpoint,
    a checkpoint edited, removed or inserted (their own chain), and a checkpoint beyond the head
    (events removed from the end). It also checks every stored source snapshot against the
    hashes its SourceIngested and SourceRedacted events recorded
    (``ledger.source_redaction.sources_verify``).
    """
    expected_prev = GENESIS_HASH
    expected_position = 1
    count = 0
    redactions = redactions_by_position()
    recorded = list(
        Checkpoint.objects.order_by("position").values(
            "position", "hash", "recorded_at", "previous", "chain_hash"
        )
    )
    for checkpoint in recorded:
        checkpoint["recorded_at"] = format_timestamp(checkpoint["recorded_at"])
    chain_problem = checkpoint_chain_problem(recorded)
    if chain_problem is not None:
        index, reason = chain_problem
        return LedgerVerification(
            0, GENESIS_HASH, LedgerBreak(recorded[index]["position"], f"checkpoint {reason}"), 0
        )
    checkpoints = {checkpoint["position"]: checkpoint["hash"] for checkpoint in recorded}
    rows = Event.objects.order_by("position")

    def broken(position: int, reason: str) -> LedgerVerification:
        return LedgerVerification(
            count, expected_prev, LedgerBreak(position, reason), expected_position - 1
        )

    for row in rows.values_list(*EVENT_FIELDS, named=True).iterator(chunk_size=VERIFY_BATCH_SIZE):
        if row.position != expected_position:
            return broken(
                min(row.position, expected_position),
                f"position {expected_position} expected, found {row.position} "
                "(an event was deleted, inserted or moved)",
            )
        if row.prev_hash != expected_prev:
            return broken(row.position, "prev_hash does not match the previous event's hash")
        envelope = row._asdict()
        digest = _hashed_digest(envelope, redactions.get(row.position))
        if digest is None:
            return broken(row.position, "payload differs from what its redactions recorded")
        envelope["recorded_at"] = format_timestamp(row.recorded_at)
        if event_hash(envelope, digest) != row.hash:
            return broken(row.position, "hash does not match the event's content")
        if checkpoints.get(row.position, row.hash) != row.hash:
            return broken(row.position, "hash differs from the checkpoint recorded for it")
        expected_prev = row.hash
        expected_position += 1
        count += 1
    head = expected_position - 1
    beyond = [position for position in checkpoints if position > head]
    if beyond:
        return broken(
            head + 1,
            f"the ledger ends at position {head} but checkpoint {min(beyond)} was recorded "
            "(events were removed from the end)",
        )
    source_problem = sources_verify()
    if source_problem is not None:
        return broken(*source_problem)
    return LedgerVerification(count, expected_prev, None, head)
