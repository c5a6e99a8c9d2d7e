"""Checkpoints: the ledger's head, recorded now and then for auditors to hold outside it.

Checkpoints are append-only and chained (``Checkpoint.previous``); ``checkpoints_signed_file``
writes them all as one file signed with an HMAC key from the environment, which an auditor
keeps and passes to ``verify_export.py --checkpoints`` (docs/adr/0029-checkpoint-chain.md).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ledger.exceptions import InvalidCommand, LedgerIntegrityError
from ledger.models import Checkpoint
from ledger.reading import format_timestamp
from ledger.verification import ledger_verify
from ledger.verify_export import (
    CHECKPOINT_KEY_VARIABLE,
    CHECKPOINTS_FORMAT,
    GENESIS_HASH,
    canonical_text,
    checkpoint_chain_hash,
    checkpoints_signature,
)

logger = logging.getLogger(__name__)


def checkpoint_record() -> Checkpoint | None:
    """Record the current head (position and hash) as a checkpoint; return it.

    The whole ledger is verified first, with every checkpoint recorded before and their chain
    (``ledger_verify``), so a checkpoint never vouches for a chain broken anywhere, nor for a
    head that is behind an earlier checkpoint (events removed from the end). Returns the latest
    checkpoint unchanged when no event was appended since, and None for an empty ledger.
    Raises LedgerIntegrityError when the ledger does not verify. Safe to run concurrently: the
    position is the primary key and at most one checkpoint follows each.
    """
    result = ledger_verify()
    if result.first_break is not None:
        raise LedgerIntegrityError(
            f"not recording a checkpoint: the ledger breaks at position "
            f"{result.first_break.position}: {result.first_break.reason}"
        )
    if result.head_position == 0:
        return None
    previous: Checkpoint | None = Checkpoint.objects.order_by("-position").first()
    if previous is not None and previous.position == result.head_position:
        return previous
    recorded_at = timezone.now()
    link = previous.chain_hash if previous is not None else GENESIS_HASH
    try:
        with transaction.atomic():
            checkpoint = Checkpoint.objects.create(
                position=result.head_position,
                hash=result.head_hash,
                recorded_at=recorded_at,
                previous=link,
                chain_hash=checkpoint_chain_hash(
                    result.head_position, result.head_hash, format_timestamp(recorded_at), link
                ),
            )
    except IntegrityError:
        # A concurrent run recorded this head, or another after the same checkpoint.
        return Checkpoint.objects.order_by("-position").first()
    # Logged so that the checkpoint also lands outside the database (log storage).
    logger.info("ledger checkpoint %s:%s", checkpoint.position, checkpoint.hash)
    return checkpoint


def checkpoint_entries() -> list[dict[str, Any]]:
    """Every checkpoint, oldest first, as the checkpoints file lists them."""
    return [
        {
            "position": checkpoint.position,
            "hash": checkpoint.hash,
            "recorded_at": format_timestamp(checkpoint.recorded_at),
            "previous": checkpoint.previous,
            "chain_hash": checkpoint.chain_hash,
        }
        for checkpoint in Checkpoint.objects.order_by("position")
    ]


def checkpoints_signed_file() -> str:
    """The signed checkpoints file (one canonical JSON object and a newline).

    ``{"format", "checkpoints": [...], "hmac_sha256"}``, signed with the key in
    ``settings.LEDGER_CHECKPOINT_KEY`` (from the environment). InvalidCommand without a key.
    """
    key = settings.LEDGER_CHECKPOINT_KEY
    if not key:
        raise InvalidCommand(
            f"set {CHECKPOINT_KEY_VARIABLE} to sign the checkpoints file (a secret the "
            "auditor who checks it also holds)"
        )
    entries = checkpoint_entries()
    document = {
        "format": CHECKPOINTS_FORMAT,
        "checkpoints": entries,
        "hmac_sha256": checkpoints_signature(entries, key.encode()),
    }
    return canonical_text(document) + "\n"
