#!/usr/bin/env python3
"""Verify a claims-ledger JSONL export offline, with nothing but the Python standard library.

Usage::

    python verify_export.py FILE.jsonl [--checkpoint POSITION:HASH]

Exit status 0 when the file is intact, 1 naming the first bad line ("line N: ...") when any event
was altered, removed, inserted or reordered, 2 when the file cannot be read at all.

The hash format (docs/adr/0002-hash-chain-format.md) is defined here, once: the ledger imports
these functions, so the application and the auditor's verifier cannot drift apart.

Canonical JSON is the RFC 8785 form for the values a ledger event may hold (objects, arrays,
strings, integers, booleans, null): keys sorted, no insignificant whitespace, UTF-8. Event payloads
never contain floating-point numbers (fractions travel as decimal strings), which keeps the
canonical form exact in every language.

Each event's hash is SHA-256 over the canonical JSON of its envelope::

    {"data_digest": sha256(canonical(data)), "metadata": ..., "position": ..., "prev_hash": ...,
     "recorded_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ", "schema_version": ..., "stream_id": ...,
     "stream_type": ..., "type": ..., "version": ...}

The first event chains from GENESIS_HASH (64 zeros).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
ENVELOPE_FIELDS = (
    "position",
    "stream_id",
    "stream_type",
    "version",
    "type",
    "schema_version",
    "metadata",
    "recorded_at",
    "prev_hash",
)


def canonical_json(value: Any) -> bytes:
    """Serialize ``value`` canonically: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def data_digest(data: Any) -> str:
    """The SHA-256 (hex) of an event payload's canonical JSON."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def event_hash(envelope: dict[str, Any], digest: str) -> str:
    """The SHA-256 (hex) of an event: its envelope fields plus the digest of its payload."""
    hashed = {name: envelope[name] for name in ENVELOPE_FIELDS}
    hashed["data_digest"] = digest
    return hashlib.sha256(canonical_json(hashed)).hexdigest()


class BadLine(Exception):
    """A line of an export that does not verify."""

    def __init__(self, line_number: int, reason: str) -> None:
        super().__init__(f"line {line_number}: {reason}")
        self.line_number = line_number
        self.reason = reason


@dataclass(frozen=True)
class Summary:
    events: int
    first_position: int | None
    last_position: int | None
    last_hash: str


def _reject_float(text: str) -> Any:
    raise ValueError(f"floating-point number {text} is not allowed in a ledger export")


def _parse(line_number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line, parse_float=_reject_float)
    except ValueError as error:
        raise BadLine(line_number, f"not valid JSON ({error})") from error
    if not isinstance(record, dict):
        raise BadLine(line_number, "not a JSON object")
    return record


def verify_lines(lines: Iterable[str], *, checkpoint: tuple[int, str] | None = None) -> Summary:
    """Check every event line of an export in order; raise BadLine at the first failure.

    A first line of the form ``{"export": {...}}`` is a header: ``chains_from`` gives the
    position and hash that the first event follows (for a partial export).
    """
    expected_prev = GENESIS_HASH
    expected_position: int | None = 1
    first_position: int | None = None
    last_position: int | None = None
    checkpoint_seen = checkpoint is None
    events = 0
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            raise BadLine(line_number, "empty line")
        record = _parse(line_number, line)
        if line_number == 1 and "export" in record:
            chains_from = record["export"].get("chains_from") or {}
            expected_prev = chains_from.get("hash", GENESIS_HASH)
            expected_position = chains_from.get("position", 0) + 1
            continue
        missing = [name for name in (*ENVELOPE_FIELDS, "data", "hash") if name not in record]
        if missing:
            raise BadLine(line_number, f"missing field(s) {', '.join(missing)}")
        position = record["position"]
        if expected_position is not None and position != expected_position:
            raise BadLine(
                line_number,
                f"position {position} where {expected_position} was expected "
                "(an event was removed, inserted or reordered)",
            )
        if record["prev_hash"] != expected_prev:
            raise BadLine(
                line_number,
                f"position {position}: prev_hash does not match the previous event's hash",
            )
        digest = data_digest(record["data"])
        if event_hash(record, digest) != record["hash"]:
            raise BadLine(line_number, f"position {position}: hash does not match its content")
        if checkpoint is not None and position == checkpoint[0]:
            if record["hash"] != checkpoint[1]:
                raise BadLine(line_number, f"position {position}: hash differs from checkpoint")
            checkpoint_seen = True
        if first_position is None:
            first_position = position
        last_position = position
        expected_prev = record["hash"]
        expected_position = position + 1
        events += 1
    if not checkpoint_seen and checkpoint is not None:
        raise BadLine(events + 1, f"checkpoint position {checkpoint[0]} is not in the export")
    return Summary(events, first_position, last_position, expected_prev)


def _read_lines(path: str) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


def _parse_checkpoint(text: str) -> tuple[int, str]:
    position, _, hash_hex = text.partition(":")
    if not position.isdigit() or len(hash_hex) != 64:
        raise argparse.ArgumentTypeError("expected POSITION:HASH, e.g. 42:3f5a... (64 hex)")
    return int(position), hash_hex.lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a claims-ledger JSONL export.")
    parser.add_argument("file", help="the JSONL export to check")
    parser.add_argument("--checkpoint", type=_parse_checkpoint, help="POSITION:HASH to match")
    arguments = parser.parse_args(argv)
    try:
        summary = verify_lines(_read_lines(arguments.file), checkpoint=arguments.checkpoint)
    except BadLine as bad:
        print(f"TAMPERED: {bad}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {arguments.file}: {error}", file=sys.stderr)
        return 2
    print(
        f"intact: {summary.events} events, positions {summary.first_position}"
        f"..{summary.last_position}, head {summary.last_hash}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
