"""Checkpoints: the ledger's head, recorded now and then for auditors to hold outside it."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from ledger.exceptions import LedgerIntegrityError
from ledger.models import Checkpoint, Event
from ledger.verification import ledger_verify

logger = logging.getLogger(__name__)


def checkpoint_record() -> Checkpoint | None:
    """Record the current head (position and hash) as a checkpoint; return it.

    The events since the previous checkpoint are verified first (chaining from its hash), so a
    checkpoint never vouches for a broken chain. Returns the latest checkpoint unchanged when no
    event was appended since, and None for an empty ledger. Raises LedgerIntegrityError when the
    new events do not verify. Safe to run concurrently: the position is the primary key.
    """
    head = Event.objects.order_by("-position").values_list("position", "hash").first()
    if head is None:
        return None
    position, hash_hex = head
    previous: Checkpoint | None = Checkpoint.objects.order_by("-position").first()
    if previous is not None and previous.position >= position:
        return previous
    result = (
        ledger_verify(
            after_position=previous.position, after_hash=previous.hash, up_to_position=position
        )
        if previous is not None
        else ledger_verify(up_to_position=position)
    )
    if result.first_break is not None:
        raise LedgerIntegrityError(
            f"not recording a checkpoint: the ledger breaks at position "
            f"{result.first_break.position}: {result.first_break.reason}"
        )
    try:
        with transaction.atomic():
            checkpoint = Checkpoint.objects.create(
                position=position, hash=hash_hex, recorded_at=timezone.now()
            )
    except IntegrityError:
        return Checkpoint.objects.get(position=position)  # a concurrent run recorded it
    # Logged so that the checkpoint also lands outside the database (log storage).
    logger.info("ledger checkpoint %s:%s", checkpoint.position, checkpoint.hash)
    return checkpoint
