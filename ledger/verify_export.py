#!/usr/bin/env python3
"""Verify a claims-ledger JSONL export offline, with nothing but the Python standard library.

Usage::

    python verify_export.py FILE.jsonl [--checkpoint POSITION:HASH ...] [--checkpoints FILE]
        [--jobs N]

Exit status 0 when the file is intact, 1 naming the first bad line ("line N: ...") when any event
was altered, removed, inserted or reordered (or a checkpoint does not match; an empty file too),
2 when the file cannot be read at all, or when a signed claim export or checkpoints file needs
the key in $LEDGER_CHECKPOINT_KEY and it is not set.

The hash format (docs/adr/0002-hash-chain-format.md) is defined here, once: the ledger imports
these functions, so the application and the auditor's verifier cannot drift apart. The export
format (header line, redacted events) is described in docs/adr/0006-export-format.md.

Canonical JSON is the RFC 8785 form for the values a ledger event may hold (objects, arrays,
strings, integers, booleans, null): keys sorted, no insignificant whitespace, UTF-8. Event payloads
never contain floating-point numbers (fractions travel as decimal strings), which keeps the
canonical form exact in every language.

Each event's hash is SHA-256 over the canonical JSON of its envelope::

    {"data_digest": sha256(canonical(data)), "metadata": ..., "position": ..., "prev_hash": ...,
     "recorded_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ", "schema_version": ..., "stream_id": ...,
     "stream_type": ..., "type": ..., "version": ...}

The first event chains from GENESIS_HASH (64 zeros). That is hash format 1. Events of hash
format 2 (docs/adr/0028-provable-redaction.md) carry ``salt`` and ``fields_digest``; their
envelope adds ``"fields_digest"`` and ``"hash_format": 2`` and its ``data_digest`` is
sha256(salt bytes + canonical(data)). ``fields_digest`` is the digest of the payload with each
text value replaced by a salted commitment (``fields_digest``, ``payload_commitments``), which
is what lets a redaction be proven to have changed only the fields it names.

What an export looks like:

* A whole-ledger export (optionally cut at a time) is one event per line from position 1.
* A partial export starts with a header line ``{"export": {...}}``. Scope ``since`` gives
  ``chains_from`` (the position and hash the first event follows) and ``up_to_position`` (the last
  position it covers); a whole export of an empty ledger is such a header from position 0.
  Scope ``claim`` lists the streams it holds with their event counts and ``events``, the
  (position, hash) of every event it holds, signed (``hmac_sha256``, HMAC-SHA256 of the header
  under $LEDGER_CHECKPOINT_KEY): each event must be the one listed, and each stream's versions
  must run 1, 2, 3 ... in position order (docs/adr/0030-signed-claim-exports.md).
* A redacted event carries ``data_digest`` (the digest its hash was computed over, before the
  redaction) and ``redactions``: the full DataRedacted events that removed its fields. Each says
  which event (position and hash) it redacted and the payload digest before and after; the
  digests must chain from ``data_digest``. In format 2 the event also carries ``leaves`` (no
  salt), from which ``fields_digest`` must come out again with only the named fields redacted;
  in format 1 the digests must end at the digest of the payload as exported. When the
  DataRedacted event is itself in the export, it must be the same event (same hash).
* ``--checkpoints FILE`` reads a signed checkpoints file (record_checkpoint --export), checks its
  signature and its chain, and then every checkpoint in it against the export.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import hmac
import itertools
import json
import json.scanner
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

GENESIS_HASH = "0" * 64
EXPORT_FORMAT = "claims-ledger-export/1"
REDACTION_EVENT_TYPE = "DataRedacted"
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
REQUIRED_FIELDS = frozenset((*ENVELOPE_FIELDS, "data", "hash"))
# Hash format 2 (ADR 0028): ``fields_digest`` (per-text-value commitments) and ``salt`` (the
# key of the payload digest and of those commitments, deleted by a redaction); a redacted
# format-2 event has ``leaves`` instead of a salt. Absent or "" on a format-1 event.
COMMITMENT_FIELDS = ("fields_digest", "salt")
OPTIONAL_FIELDS = frozenset(("data_digest", "redactions", "leaves", *COMMITMENT_FIELDS))
HASH_FORMAT = 2
SALT_BYTES = 16
# What a redacted text value holds instead (ledger.events.REDACTED is this value).
REDACTED = "[redacted]"
# Work is split into chunks of whole lines by byte ranges of the file (each process reads its own).
CHUNK_BYTES = 4 * 1024 * 1024

# One encoder, built once: json.dumps() with options builds a new encoder on every call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
# The C encoder that _CANONICAL.encode() builds on every call, built once and called directly
# (same output: JSONEncoder.encode is a Python wrapper around it). Values parsed from JSON cannot
# be circular, and the ledger refuses any other, so it skips the circular-reference markers.
# Interpreters without the C accelerator fall back to _CANONICAL.encode.
_C_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE_CHUNKS = (
    _C_MAKE_ENCODER(
        None, _CANONICAL.default, json.encoder.encode_basestring, None, ":", ",", True, False, False
    )
    if _C_MAKE_ENCODER is not None
    else None
)


# What the canonical encoder writes a string with (the C function where available).
_ENCODE_STRING = json.encoder.encode_basestring


def canonical_text(value: Any) -> str:
    """The canonical JSON of ``value`` as text (what ``canonical_json`` encodes as UTF-8)."""
    if _ENCODE_CHUNKS is None:
        return _CANONICAL.encode(value)
    return "".join(_ENCODE_CHUNKS(value, 0))


def canonical_json(value: Any) -> bytes:
    """Serialize ``value`` canonically: sorted keys, no whitespace, UTF-8."""
    return canonical_text(value).encode("utf-8")


def data_digest(data: Any) -> str:
    """The SHA-256 (hex) of an event payload's canonical JSON."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def event_hash(envelope: dict[str, Any], digest: str) -> str:
    """The SHA-256 (hex) of an event: its envelope fields plus the digest of its payload, and
    for hash format 2 (an envelope with a ``fields_digest``) that digest and the format."""
    hashed = {name: envelope[name] for name in ENVELOPE_FIELDS}
    hashed["data_digest"] = digest
    fields = envelope.get("fields_digest")
    if fields:
        hashed["fields_digest"] = fields
        hashed["hash_format"] = HASH_FORMAT
    return hashlib.sha256(canonical_json(hashed)).hexdigest()


def _salt_bytes(text: str, size: int) -> bytes:
    """A salt's bytes from exactly ``size`` bytes of lowercase hex (ValueError otherwise: an
    upper-case spelling of the same bytes would be an edit nothing detects)."""
    value = bytes.fromhex(text)
    if len(value) != size or value.hex() != text:
        raise ValueError("a salt is lowercase hexadecimal of its fixed length")
    return value


def salted_digest(salt: str, data: Any) -> str:
    """A format-2 payload digest: SHA-256 of the salt's bytes and the canonical payload. Once a
    redaction deletes the salt, the digest no longer lets anyone test guesses of the payload.
    ValueError for a malformed salt."""
    return _salted_digest(_salt_bytes(salt, SALT_BYTES), data)


def _salted_digest(salt: bytes, data: Any) -> str:
    return hashlib.sha256(salt + canonical_json(data)).hexdigest()


def leaf_salt(salt: str, index: int) -> str:
    """The salt of the ``index``-th text value, derived from the event's salt; one leaf salt
    reveals neither the event's salt nor another leaf's."""
    return _leaf_salt(_salt_bytes(salt, SALT_BYTES), index).hex()


def _leaf_salt(salt: bytes, index: int) -> bytes:
    return hashlib.sha256(salt + b"leaf:%d" % index).digest()


def leaf_commitment(salt_of_leaf: str, value: str) -> str:
    return _leaf_commitment(_salt_bytes(salt_of_leaf, 32), value)


def _leaf_commitment(salt_of_leaf: bytes, value: str) -> str:
    # A string's canonical JSON is its JSON string (canonical_json without the encoder's call).
    return hashlib.sha256(salt_of_leaf + _ENCODE_STRING(value).encode("utf-8")).hexdigest()


# Called with (index, dotted path, value) of each text value in canonical order; returns what
# stands for it in the skeleton.
Commit = Callable[[int, str, str], str]


def fields_digest(data: Any, commit: Commit) -> str:
    """SHA-256 of the payload's skeleton: the payload with each text value replaced by
    ``commit(index, path, value)``, in canonical order (keys sorted, lists in order). Keys,
    numbers, booleans and nulls stay as they are, so the digest fixes everything but the texts,
    and each text through its own commitment."""
    counter = itertools.count()

    def part(value: Any, path: str) -> Any:
        if isinstance(value, str):
            return commit(next(counter), path, value)
        if isinstance(value, dict | list):
            return skeleton(value, path)
        return value

    def skeleton(value: dict[str, Any] | list[Any], path: str) -> Any:
        # part() inlined for the children: every append hashes its payloads through here.
        prefix = f"{path}." if path else ""
        names = sorted(value) if isinstance(value, dict) else range(len(value))
        parts = []
        for name in names:
            item = value[name]  # type: ignore[index]
            if isinstance(item, str):
                item = commit(next(counter), f"{prefix}{name}", item)
            elif isinstance(item, dict | list):
                item = skeleton(item, f"{prefix}{name}")
            parts.append(item)
        return dict(zip(names, parts, strict=True)) if isinstance(value, dict) else parts

    return hashlib.sha256(canonical_json(part(data, ""))).hexdigest()


def payload_commitments(salt: str, data: Any) -> tuple[str, str]:
    """(data_digest, fields_digest) of a payload appended in hash format 2 with ``salt``."""
    salt_bytes = _salt_bytes(salt, SALT_BYTES)  # once for the event, not once per text
    digest = fields_digest(
        data, lambda index, _path, value: _leaf_commitment(_leaf_salt(salt_bytes, index), value)
    )
    return _salted_digest(salt_bytes, data), digest


def redacted_leaves_problem(
    data: Any, fields_digest_value: Any, leaves: Any, named: Iterable[str]
) -> str | None:
    """Why a redacted format-2 payload does not follow from its commitments, or None.

    ``leaves`` has one entry per text value in canonical order: ``{"salt": leaf salt}`` for a
    kept text (its commitment is recomputed from the value) or ``{"commitment": ...}`` for a
    redacted one, whose value must be REDACTED. The recomputed skeleton must give the
    ``fields_digest`` the event's hash covers, and the redacted paths must be exactly the
    ``named`` fields of its DataRedacted events: nothing else changed, and only to the marker.
    """
    if not isinstance(leaves, list) or not all(
        isinstance(entry, dict) and len(entry) == 1 and isinstance(next(iter(entry.values())), str)
        for entry in leaves
    ):
        return "leaves must be a list of {salt} or {commitment} objects"
    redacted: set[str] = set()
    texts = 0

    def commit(index: int, path: str, value: str) -> str:
        nonlocal texts
        texts += 1
        entry = leaves[index] if index < len(leaves) else {}
        if "salt" in entry:
            return leaf_commitment(entry["salt"], value)
        if "commitment" in entry and value == REDACTED:
            redacted.add(path)
            return str(entry["commitment"])
        raise ValueError(path)

    try:
        recomputed = fields_digest(data, commit)
    except ValueError:  # a missing entry, a bad salt, or a commitment over a text kept
        return "payload differs from what its last redaction left"
    if recomputed != fields_digest_value or texts != len(leaves):
        return "payload differs from what its last redaction left"
    if redacted != set(named):
        return (
            f"redacted field(s) {', '.join(sorted(redacted)) or 'none'} are not the ones its "
            f"redactions name ({', '.join(sorted(set(named))) or 'none'})"
        )
    return None


CHECKPOINTS_FORMAT = "claims-ledger-checkpoints/1"
# The environment variable holding the key of a checkpoints file's HMAC-SHA256 (text, UTF-8).
CHECKPOINT_KEY_VARIABLE = "LEDGER_CHECKPOINT_KEY"


def checkpoint_chain_hash(position: int, hash_hex: str, recorded_at: str, previous: str) -> str:
    """A checkpoint's link in the checkpoints' own chain: SHA-256 of the canonical JSON of
    ``{"hash", "position", "previous", "recorded_at"}``; the first follows GENESIS_HASH."""
    link = {
        "hash": hash_hex,
        "position": position,
        "previous": previous,
        "recorded_at": recorded_at,
    }
    return hashlib.sha256(canonical_json(link)).hexdigest()


def checkpoint_chain_problem(checkpoints: Sequence[Mapping[str, Any]]) -> tuple[int, str] | None:
    """(index, reason) of the first checkpoint that does not follow the one before, or None.

    Each must be a later position than the one before, name its chain hash as ``previous`` and
    carry the ``chain_hash`` its fields give: a checkpoint removed, edited or inserted fails.
    """
    previous, last_position = GENESIS_HASH, 0
    for index, checkpoint in enumerate(checkpoints):
        try:
            position, hash_hex = checkpoint["position"], checkpoint["hash"]
            recorded, claimed = checkpoint["recorded_at"], checkpoint["chain_hash"]
            link = checkpoint["previous"]
        except (KeyError, TypeError):
            return index, "is not a checkpoint (position, hash, recorded_at, previous, chain_hash)"
        if not _is_int(position) or position <= last_position:
            return index, f"position {position} does not follow position {last_position}"
        if link != previous:
            return index, "does not follow the checkpoint before it (one was removed or inserted)"
        if checkpoint_chain_hash(position, hash_hex, recorded, link) != claimed:
            return index, "chain_hash does not match its content"
        previous, last_position = claimed, position
    return None


def checkpoints_signature(checkpoints: Sequence[Mapping[str, Any]], key: bytes) -> str:
    """HMAC-SHA256 (hex) of a checkpoints file's content under ``key``."""
    content = {"format": CHECKPOINTS_FORMAT, "checkpoints": list(checkpoints)}
    return hmac.new(key, canonical_json(content), hashlib.sha256).hexdigest()


def read_checkpoints_file(path: str, key: bytes) -> list[tuple[int, str]]:
    """The (position, hash) pairs of a signed checkpoints file; ValueError saying what is wrong
    when it is not one, its signature does not match ``key`` or its chain is broken."""
    with open(path, "rb") as handle:
        try:
            document = _parse(handle.read())
        except (ValueError, RecursionError) as error:
            raise ValueError(f"not a checkpoints file ({error})") from None
    if (
        not isinstance(document, dict)
        or document.keys() != {"format", "checkpoints", "hmac_sha256"}
        or document["format"] != CHECKPOINTS_FORMAT
        or not isinstance(document["checkpoints"], list)
    ):
        raise ValueError(f"not a {CHECKPOINTS_FORMAT} file")
    expected = checkpoints_signature(document["checkpoints"], key)
    if not hmac.compare_digest(expected, str(document["hmac_sha256"])):
        raise ValueError("the signature does not match (another key, or the file was changed)")
    problem = checkpoint_chain_problem(document["checkpoints"])
    if problem is not None:
        raise ValueError(f"checkpoint {problem[0] + 1} {problem[1]}")
    return [(entry["position"], entry["hash"]) for entry in document["checkpoints"]]


def claim_header_signature(header: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA256 (hex) of a claim export's header (all but ``hmac_sha256``) under ``key``."""
    content = {name: value for name, value in header.items() if name != "hmac_sha256"}
    return hmac.new(key, canonical_json(content), hashlib.sha256).hexdigest()


class Unverifiable(Exception):
    """An export that cannot be checked with what was given (exit 2, not "tampered")."""


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
    redacted_events: int = 0
    # Redactions recorded after the export's last event (or outside a claim export): their
    # DataRedacted events were checked on their own, but not against the chain.
    unconfirmed_redactions: int = 0


@dataclass
class _Examined:
    """What one event line says, checked on its own (the line-local half of verification)."""

    shape_error: str | None  # reported before the sequence checks (unparseable, missing fields)
    content_error: str | None = None  # reported after them (hash, redaction records)
    position: int = 0
    stream_id: str = ""
    stream_type: str = ""
    version: int = 0
    prev_hash: str = ""
    hash: str = ""
    redaction_target: int | None = None  # for a DataRedacted event: the position it redacted
    embedded: tuple[tuple[int, str], ...] = ()  # (position, hash) of embedded DataRedacted events


def _reject_float(text: str) -> Any:
    raise ValueError(f"floating-point number {text} is not allowed in a ledger export")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members as a dict, refusing a key given twice (JSON parsers disagree on
    which of the two values counts, so an auditor's other tools could read another event)."""
    record = dict(pairs)
    if len(record) != len(pairs):
        counts = collections.Counter(key for key, _ in pairs)
        duplicate = next(key for key, count in counts.items() if count > 1)
        raise ValueError(f"duplicate key {duplicate!r}")
    return record


_DECODER = json.JSONDecoder(parse_float=_reject_float, object_pairs_hook=_unique_keys)
# The fast path's scanner, without the duplicate check: a line that is the canonical JSON of
# what it parsed cannot repeat a key, and any other line is parsed again by _DECODER. The C one
# where available.
_SCAN = json.scanner.make_scanner(cast(Any, json.JSONDecoder(parse_float=_reject_float)))
TOO_DEEP = "not valid JSON (nested too deeply)"


def _parse(line: bytes | str) -> Any:
    if isinstance(line, bytes):
        line = line.decode("utf-8")
    return _DECODER.decode(line)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_INTEGER_FIELDS = ("position", "version", "schema_version")
_TEXT_FIELDS = ("stream_id", "stream_type", "type", "prev_hash", "hash", "recorded_at")


def _shape_problem(record: Any) -> str | None:
    # The common case first, cheaply: exactly the required fields, of the right types.
    if (
        type(record) is dict
        and record.keys() == REQUIRED_FIELDS
        and type(record["position"]) is int
        and type(record["version"]) is int
        and type(record["schema_version"]) is int
        and type(record["stream_id"]) is str
        and type(record["stream_type"]) is str
        and type(record["type"]) is str
        and type(record["prev_hash"]) is str
        and type(record["hash"]) is str
        and type(record["recorded_at"]) is str
    ):
        return None
    if not isinstance(record, dict):
        return "not a JSON object"
    missing = REQUIRED_FIELDS - record.keys()
    if missing:
        return f"missing field(s) {', '.join(sorted(missing))}"
    unexpected = record.keys() - REQUIRED_FIELDS - OPTIONAL_FIELDS
    if unexpected:
        return f"unexpected field(s) {', '.join(sorted(unexpected))}"
    for name in _INTEGER_FIELDS:
        if not _is_int(record[name]):
            return f"{name} is not an integer"
    for name in (*_TEXT_FIELDS, *COMMITMENT_FIELDS):
        if not isinstance(record.get(name, ""), str):
            return f"{name} is not a string"
    return None


def _own_hash_matches(record: dict[str, Any], digest: str) -> bool:
    return bool(event_hash(record, digest) == record["hash"])


def _redaction_problem(
    record: dict[str, Any], redactions: Any
) -> tuple[str | None, tuple[tuple[int, str], ...]]:
    """Check a redacted event's embedded DataRedacted events; return (problem, their ids)."""
    position = record["position"]
    if not isinstance(redactions, list) or not redactions:
        return "redactions must be a non-empty list", ()
    digest = record.get("data_digest")
    if not isinstance(digest, str):
        return "a redacted event needs data_digest (its payload digest before redaction)", ()
    embedded = []
    current = digest
    for index, redaction in enumerate(redactions, start=1):
        problem = _shape_problem(redaction)
        if problem is None and redaction["type"] != REDACTION_EVENT_TYPE:
            problem = f"is a {redaction['type']} event, not {REDACTION_EVENT_TYPE}"
        details = redaction.get("data") if problem is None else None
        if problem is None and not isinstance(details, dict):
            problem = "has no payload object"
        if problem is None and "redactions" in redaction:
            problem = "is itself redacted"
        if problem is None:
            digest_of_redaction, unredacted_problem = unredacted_digest(redaction)
            if unredacted_problem is not None or not _own_hash_matches(
                redaction, digest_of_redaction
            ):
                problem = "hash does not match its content"
        if problem is None and redaction["position"] <= position:
            problem = f"is at position {redaction['position']}, before the event it redacts"
        if problem is None:
            assert isinstance(details, dict)
            if details.get("position") != position or details.get("event_hash") != record["hash"]:
                problem = "names a different event (position or hash)"
            elif details.get("data_digest_before") != current:
                problem = "does not follow from the payload digest before it"
            else:
                current = str(details.get("data_digest_after"))
        if problem is not None:
            return f"redaction {index} of position {position} {problem}", ()
        embedded.append((redaction["position"], redaction["hash"]))
    problem = redacted_payload_problem(
        record, current, [redaction["data"].get("field") for redaction in redactions]
    )
    if problem is not None:
        return f"position {position}: {problem}", ()
    return None, tuple(embedded)


def unredacted_digest(record: Mapping[str, Any]) -> tuple[str, str | None]:
    """(the payload digest an unredacted event's hash covers, what is wrong or None)."""
    salt = record.get("salt") or ""
    if record.get("leaves") is not None:
        return "", "leaves on an event that is not redacted"
    if not record.get("fields_digest"):
        if salt:
            return "", "a salt without fields_digest"
        return data_digest(record["data"]), None
    if not salt:
        return "", "a hash format 2 event without its salt or its redactions"
    try:
        _salt_bytes(salt, SALT_BYTES)
    except ValueError:
        return "", "salt is not 32 lowercase hexadecimal digits"
    return salted_digest(salt, record["data"]), None


def redacted_payload_problem(
    record: Mapping[str, Any], last_digest: Any, named: Iterable[Any]
) -> str | None:
    """What is wrong with a redacted event's payload as stored or exported, or None.

    Format 2: its commitments must show that only the ``named`` fields changed, each to
    REDACTED (``redacted_leaves_problem``). Format 1 has no commitments: its payload must have
    the digest its last DataRedacted event recorded (``last_digest``), which proves nothing
    about what the redaction changed (ADR 0028).
    """
    if record.get("fields_digest"):
        if record.get("salt"):
            return "a redacted event keeps no salt"
        return redacted_leaves_problem(
            record["data"], record["fields_digest"], record.get("leaves"), named
        )
    if record.get("leaves") is not None:
        return "leaves on a hash format 1 event"
    if data_digest(record["data"]) != last_digest:
        return "payload differs from what its last redaction left"
    return None


def _lone_surrogate(error: UnicodeEncodeError) -> str:
    code = ord(error.object[error.start])
    return f"a string holds an unpaired surrogate (\\u{code:04x})"


def _examine(line: bytes | str) -> _Examined:
    """Everything about one event line that can be checked without its neighbours."""
    try:
        return _examine_parsed(line)
    except RecursionError:
        # Parsing or canonicalizing a value nested deeper than the interpreter recurses.
        return _Examined(TOO_DEEP)


def _examine_parsed(line: bytes | str) -> _Examined:
    if not line.strip():
        return _Examined("empty line")
    try:
        record = _parse(line)
    except UnicodeDecodeError:
        return _Examined("not valid UTF-8")
    except ValueError as error:
        return _Examined(f"not valid JSON ({error})")
    problem = _shape_problem(record)
    if problem is not None:
        return _Examined(problem)
    position = record["position"]
    content_error: str | None = None
    embedded: tuple[tuple[int, str], ...] = ()
    try:
        if "redactions" in record:
            content_error, embedded = _redaction_problem(record, record["redactions"])
            digest = record.get("data_digest")
        else:
            digest, problem = unredacted_digest(record)
            if problem is not None:
                content_error = f"position {position}: {problem}"
            elif record.get("data_digest", digest) != digest:
                content_error = f"position {position}: data_digest does not match the payload"
        if content_error is None and not _own_hash_matches(record, str(digest)):
            content_error = f"position {position}: hash does not match its content"
    except UnicodeEncodeError as error:
        # JSON's \u escapes can spell half of a surrogate pair, which is no character: canonical
        # JSON (UTF-8) cannot hold it, so no ledger event can (PostgreSQL refuses it too).
        return _Examined(f"{_lone_surrogate(error)}: not Unicode text")
    target = None
    if record["type"] == REDACTION_EVENT_TYPE and isinstance(record["data"], dict):
        candidate = record["data"].get("position")
        target = candidate if _is_int(candidate) else None
    return _Examined(
        None,
        content_error,
        position=position,
        stream_id=record["stream_id"],
        stream_type=record["stream_type"],
        version=record["version"],
        prev_hash=record["prev_hash"],
        hash=record["hash"],
        redaction_target=target,
        embedded=embedded,
    )


def _plain_event(line: bytes | str) -> tuple[int, str, str] | None:
    """(position, prev_hash, hash) of an ordinary event line that checks out on its own.

    The fast path of ``_examine``, for the lines nearly every export consists of: exactly the
    required fields, not redacted, not a DataRedacted event, hash matching. The hashes are
    computed from the parsed values, as ``_examine`` computes them, never from the bytes of the
    line. Anything else gives None, and ``_examine`` says what it is.
    """
    try:
        text = line if isinstance(line, str) else line.decode("utf-8")
        record, end = _SCAN(text, 0)
    except (ValueError, StopIteration, RecursionError):
        return None
    if end != len(text) or type(record) is not dict:
        return None
    # Exactly the required fields (a format-1 event of an older export), or those and the two
    # commitment fields: an unredacted format-2 event, or a format-1 one with both empty.
    fields_count = len(record)
    if fields_count == len(REQUIRED_FIELDS):
        fields, salt = "", ""
    elif fields_count == len(REQUIRED_FIELDS) + len(COMMITMENT_FIELDS):
        fields_value, salt_value = record.get("fields_digest"), record.get("salt")
        if type(fields_value) is not str or type(salt_value) is not str:
            return None
        fields, salt = fields_value, salt_value
        if bool(fields) != bool(salt):
            return None
    else:
        return None
    try:  # each found: exactly the fields expected
        position = record["position"]
        stream_id = record["stream_id"]
        stream_type = record["stream_type"]
        version = record["version"]
        type_name = record["type"]
        schema_version = record["schema_version"]
        metadata = record["metadata"]
        recorded_at = record["recorded_at"]
        prev_hash = record["prev_hash"]
        data = record["data"]
        claimed = record["hash"]
    except KeyError:
        return None
    if not (
        type(position) is int
        and type(version) is int
        and type(schema_version) is int
        and type(stream_id) is str
        and type(stream_type) is str
        and type(type_name) is str
        and type(prev_hash) is str
        and type(recorded_at) is str
        and type(claimed) is str
        and type_name != REDACTION_EVENT_TYPE
    ):
        return None
    try:
        data_text = canonical_text(data)
        metadata_text = canonical_text(metadata)
    except RecursionError:
        return None
    # canonical_json(envelope) of event_hash, written out: the envelope's keys in sorted order,
    # integers as int.__repr__ and strings as the canonical encoder writes them (the types were
    # checked above). Building the envelope as a dict for the encoder to sort cost about a
    # fifth of a line. A line in that canonical form has one value per key; any other spelling
    # is parsed again to make sure.
    # tests/ledger/test_export_fast_paths.py compares the two on awkward values.
    middle = (
        f',"metadata":{metadata_text}'
        f',"position":{position!r},"prev_hash":{_ENCODE_STRING(prev_hash)}'
        f',"recorded_at":{_ENCODE_STRING(recorded_at)}'
    )
    closing = (
        f',"schema_version":{schema_version!r}'
        f',"stream_id":{_ENCODE_STRING(stream_id)},"stream_type":{_ENCODE_STRING(stream_type)}'
        f',"type":{_ENCODE_STRING(type_name)},"version":{version!r}}}'
    )
    if fields_count == len(REQUIRED_FIELDS):
        canonical_line = f'{{"data":{data_text},"hash":{_ENCODE_STRING(claimed)}{middle}{closing}'
    else:
        canonical_line = (
            f'{{"data":{data_text},"fields_digest":{_ENCODE_STRING(fields)}'
            f',"hash":{_ENCODE_STRING(claimed)}{middle},"salt":{_ENCODE_STRING(salt)}{closing}'
        )
    if text != canonical_line:
        try:  # another spelling of the same values is fine, a key given twice is not
            _DECODER.decode(text)
        except (ValueError, RecursionError):
            return None
    try:
        payload = data_text.encode()
        if fields:
            digest = hashlib.sha256(_salt_bytes(salt, SALT_BYTES) + payload).hexdigest()
            format_2 = f',"fields_digest":{_ENCODE_STRING(fields)},"hash_format":{HASH_FORMAT}'
        else:
            digest = hashlib.sha256(payload).hexdigest()
            format_2 = ""
        envelope = f'{{"data_digest":"{digest}"{format_2}{middle}{closing}'
        hashed = hashlib.sha256(envelope.encode()).hexdigest()
    except (UnicodeEncodeError, ValueError):
        return None  # a lone surrogate or a salt that is not hex: _examine says so
    if hashed != claimed:
        return None
    return position, prev_hash, claimed


@dataclass(frozen=True)
class _Run:
    """Consecutive lines that each check out on their own and follow the line before them: the
    chain only needs how many there are and the last one's position and hash."""

    count: int
    first_position: int
    last_position: int
    last_hash: str


# What a chunk's examination gives: its number of lines, and in order the lines the chain must
# see one by one (_Examined) and the runs it can take whole, each at its index in the chunk.
_ChunkResult = tuple[int, list[tuple[int, "_Examined | _Run"]]]


def _examine_chunk(
    lines: Sequence[bytes | str], follow: bool, checkpoints: frozenset[int]
) -> _ChunkResult:
    """Examine a chunk of lines; with ``follow`` (a contiguous export) fold the lines that need
    nothing from the chain but their link to the line before into runs.

    A chunk's first line, a checkpoint's line, a redacted or DataRedacted event and any line
    that fails stay single. Examination stops at the first line certain to fail (on its own, or
    by its link to the line before, which passed): the chain stops there or earlier.
    """
    entries: list[tuple[int, _Examined | _Run]] = []
    run: list[Any] = []  # [index of its first line, count, first position]
    previous = (0, "")  # (position, hash) of the line before
    passed = False  # whether the line before passed on its own
    for index, line in enumerate(lines):
        if follow and passed:
            plain = _plain_event(line)
            if (
                plain is not None
                and plain[0] == previous[0] + 1
                and plain[1] == previous[1]
                and plain[0] not in checkpoints
            ):
                if run:
                    run[1] += 1
                else:
                    run = [index, 1, plain[0]]
                previous = (plain[0], plain[2])
                continue
        if run:
            entries.append((run[0], _Run(run[1], run[2], *previous)))
            run = []
        item = _examine(line)
        entries.append((index, item))
        if item.shape_error is not None or item.content_error is not None:
            break
        if (
            follow
            and passed
            and (item.position != previous[0] + 1 or item.prev_hash != previous[1])
        ):
            break
        previous, passed = (item.position, item.hash), True
    if run:
        entries.append((run[0], _Run(run[1], run[2], *previous)))
    return len(lines), entries


def _examine_range(task: tuple[str, int, int, bool, frozenset[int]]) -> _ChunkResult:
    """Read bytes ``start``..``end`` (whole lines) of the file and examine them."""
    path, start, end, follow, checkpoints = task
    with open(path, "rb") as handle:
        handle.seek(start)
        lines = handle.read(end - start).split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the chunk ends with a newline
    return _examine_chunk(lines, follow, checkpoints)


@dataclass
class _Header:
    scope: str  # "ledger" (no header line), "since" or "claim"
    chains_from: tuple[int, str] = (0, GENESIS_HASH)
    up_to_position: int | None = None
    streams: dict[str, int] = field(default_factory=dict)
    manifest: list[tuple[int, str]] = field(default_factory=list)


def _signed_manifest(header: dict[str, Any], key: bytes | None) -> list[tuple[int, str]]:
    """The (position, hash) list of a claim export's header, once its signature checks out."""
    events = header.get("events")
    if (
        not isinstance(events, list)
        or not all(
            isinstance(entry, list)
            and len(entry) == 2
            and _is_int(entry[0])
            and isinstance(entry[1], str)
            for entry in events
        )
        or not isinstance(header.get("hmac_sha256"), str)
    ):
        raise BadLine(1, "header needs events [[position, hash], ...] and hmac_sha256")
    if key is None:
        raise Unverifiable(
            f"a claim export's header is signed: set {CHECKPOINT_KEY_VARIABLE} to check it"
        )
    if not hmac.compare_digest(claim_header_signature(header, key), header["hmac_sha256"]):
        raise BadLine(1, "header signature does not match (another key, or the header changed)")
    return [(position, hash_hex) for position, hash_hex in events]


def _read_header(line: bytes | str, key: bytes | None = None) -> _Header | None:
    """The header of a partial export, or None when line 1 is an event."""
    try:
        record = _parse(line)
    except (ValueError, RecursionError):
        return None  # reported as an event line
    if not isinstance(record, dict) or "export" not in record:
        return None
    header = record["export"]
    if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
        raise BadLine(1, f"header is not a {EXPORT_FORMAT} header")
    scope = header.get("scope")
    if scope == "since":
        chains_from = header.get("chains_from")
        up_to = header.get("up_to_position")
        if (
            not isinstance(chains_from, dict)
            or not _is_int(chains_from.get("position"))
            or not isinstance(chains_from.get("hash"), str)
            or not _is_int(up_to)
        ):
            raise BadLine(1, "header needs chains_from {position, hash} and up_to_position")
        return _Header("since", (chains_from["position"], chains_from["hash"]), up_to)
    if scope == "claim":
        streams = header.get("streams")
        if not isinstance(streams, dict) or not all(_is_int(n) for n in streams.values()):
            raise BadLine(1, "header needs streams {stream_id: event count}")
        return _Header("claim", streams=dict(streams), manifest=_signed_manifest(header, key))
    raise BadLine(1, f"unknown export scope {scope!r}")


class _Chain:
    """The sequence half of verification: fed each examined line in order."""

    def __init__(self, header: _Header, checkpoints: Sequence[tuple[int, str]]) -> None:
        self.header = header
        self.contiguous = header.scope != "claim"
        self.expected_position = header.chains_from[0] + 1
        self.previous: tuple[int, str] = header.chains_from
        self.stream_versions: dict[str, int] = {}
        self.stream_types: dict[str, str] = {}
        self.checkpoints = dict(checkpoints)
        self.checkpoints_seen: set[int] = set()
        self.embedded: dict[int, tuple[int, str]] = {}  # DataRedacted position -> (line, hash)
        self.redacted_positions: set[int] = set()
        self.first_position: int | None = None
        self.events = 0
        self.redacted_events = 0
        self.last_line = 1 if header.scope != "ledger" else 0
        if self.contiguous and header.chains_from[0] in self.checkpoints:
            self._check_checkpoint(1, header.chains_from[0], header.chains_from[1])

    def _check_checkpoint(self, line_number: int, position: int, hash_hex: str) -> None:
        if self.checkpoints[position] != hash_hex:
            raise BadLine(
                line_number,
                f"position {position}: hash {hash_hex} differs from the checkpoint "
                f"{self.checkpoints[position]} (this is not the ledger the checkpoint recorded)",
            )
        self.checkpoints_seen.add(position)

    def feed_chunk(
        self, first_line_number: int, entries: list[tuple[int, _Examined | _Run]]
    ) -> None:
        for index, entry in entries:
            if isinstance(entry, _Run):
                self._feed_run(first_line_number + index, entry)
            else:
                self._feed(first_line_number + index, entry)

    def _feed_run(self, number: int, run: _Run) -> None:
        """Take a run of lines that follow the line fed last (contiguous exports only)."""
        # An event of the run whose DataRedacted copy was embedded in an earlier line: the run
        # holds no DataRedacted event, so that copy differs from the event (ADR 0006).
        differing = [p for p in self.embedded if run.first_position <= p <= run.last_position]
        if differing:
            position = min(differing)
            raise BadLine(
                number + position - run.first_position,
                f"position {position}: this event differs from the DataRedacted event "
                f"embedded in line {self.embedded[position][0]}",
            )
        self.last_line = number + run.count - 1
        self.previous = (run.last_position, run.last_hash)
        self.expected_position = run.last_position + 1
        self.events += run.count

    def _feed(self, number: int, item: _Examined) -> None:
        self.last_line = number
        if item.shape_error is not None:
            raise BadLine(number, item.shape_error)
        position = item.position
        if self.contiguous:
            if position != self.expected_position:
                raise BadLine(
                    number,
                    f"position {position} where {self.expected_position} was expected "
                    "(an event was removed, inserted or reordered)",
                )
        else:
            self._feed_stream(number, item)
        if (self.contiguous or self.previous[0] == position - 1) and (
            item.prev_hash != self.previous[1]
        ):
            raise BadLine(
                number, f"position {position}: prev_hash does not match the previous event's hash"
            )
        if item.content_error is not None:
            raise BadLine(number, item.content_error)
        if position in self.checkpoints:
            self._check_checkpoint(number, position, item.hash)
        self._feed_redactions(number, item)
        if self.first_position is None:
            self.first_position = position
        self.previous = (position, item.hash)
        self.expected_position = position + 1
        self.events += 1

    def _feed_stream(self, number: int, item: _Examined) -> None:
        position, stream = item.position, item.stream_id
        if position <= self.previous[0]:
            raise BadLine(
                number,
                f"position {position} after {self.previous[0]} "
                "(events were reordered or one was inserted)",
            )
        if stream not in self.header.streams:
            raise BadLine(number, f"stream {stream} is not one the header lists")
        expected_version = self.stream_versions.get(stream, 0) + 1
        if item.version != expected_version:
            raise BadLine(
                number,
                f"stream {stream}: version {item.version} where {expected_version} was expected "
                "(an event of the claim was removed, inserted or reordered)",
            )
        if self.stream_types.setdefault(stream, item.stream_type) != item.stream_type:
            raise BadLine(number, f"stream {stream}: stream_type changed to {item.stream_type}")
        listed = self.header.manifest
        index = self.events  # the events fed before this one
        if index >= len(listed) or listed[index] != (position, item.hash):
            expected = f"{listed[index][0]}:{listed[index][1]}" if index < len(listed) else "none"
            raise BadLine(
                number,
                f"position {position}: not the event the signed header lists here ({expected})",
            )
        self.stream_versions[stream] = expected_version

    def _feed_redactions(self, number: int, item: _Examined) -> None:
        if item.embedded:
            self.redacted_events += 1
            self.redacted_positions.add(item.position)
            for redaction_position, redaction_hash in item.embedded:
                self.embedded[redaction_position] = (number, redaction_hash)
        if not self.contiguous:
            return  # a claim export holds no DataRedacted lines to compare the copies with
        embedded = self.embedded.pop(item.position, None)
        if embedded is not None and embedded[1] != item.hash:
            raise BadLine(
                number,
                f"position {item.position}: this event differs from the DataRedacted event "
                f"embedded in line {embedded[0]}",
            )
        target = item.redaction_target
        if target is not None and target > self.header.chains_from[0] and embedded is None:
            raise BadLine(
                number,
                f"position {item.position} redacts position {target}, "
                "but that event's line does not show the redaction",
            )

    def finish(self) -> Summary:
        end = self.last_line + 1
        if self.header.scope == "since":
            up_to = self.header.up_to_position
            if self.previous[0] != up_to:
                raise BadLine(
                    end,
                    f"the export ends at position {self.previous[0]} but its header says "
                    f"{up_to} (events were removed from the end)",
                )
        if self.header.scope == "claim":
            for stream, count in self.header.streams.items():
                found = self.stream_versions.get(stream, 0)
                if found != count:
                    raise BadLine(
                        end,
                        f"stream {stream} has {found} event(s) but the header says {count} "
                        "(events were removed)",
                    )
            if self.events != len(self.header.manifest):
                raise BadLine(
                    end,
                    f"the export has {self.events} event(s) but its signed header lists "
                    f"{len(self.header.manifest)} (events were removed)",
                )
        for position in sorted(self.checkpoints.keys() - self.checkpoints_seen):
            last = self.previous[0]
            where = "beyond the end of" if self.contiguous and position > last else "not in"
            raise BadLine(
                end,
                f"checkpoint position {position} is {where} this export "
                f"(the export ends at position {last}: events may be missing)",
            )
        return Summary(
            self.events,
            self.first_position,
            self.previous[0] if self.events else None,
            self.previous[1],
            self.redacted_events,
            len(self.embedded),
        )


def _results(
    examine: Callable[[Any], _ChunkResult], tasks: Iterable[Any], jobs: int
) -> Iterator[_ChunkResult]:
    """``examine`` over ``tasks`` in order: in this process, or on ``jobs`` processes with a
    bounded number of chunks in flight (so memory stays flat)."""
    if jobs <= 1:
        yield from map(examine, tasks)
        return
    import multiprocessing

    pool = multiprocessing.Pool(jobs)
    try:
        pending: collections.deque[Any] = collections.deque()
        for task in tasks:
            pending.append(pool.apply_async(examine, (task,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        # Let the few chunks in flight finish rather than terminate(): killing a worker while it
        # holds the result queue's lock can leave the pool's threads waiting for ever, which is
        # what happened when a bad line stopped the verification early.
        pool.close()
        pool.join()


def _verify(chain: _Chain, first_line_number: int, results: Iterable[_ChunkResult]) -> Summary:
    number = first_line_number
    for count, entries in results:
        chain.feed_chunk(number, entries)
        number += count
    return chain.finish()


def _start(
    first: bytes | str | None, checkpoints: Sequence[tuple[int, str]], key: bytes | None
) -> tuple[_Chain, bool]:
    """The chain for an export whose first line is ``first``; whether that line was a header."""
    if first is None:
        # Even an export of no events has a line: its header (export_ledger writes one for a
        # whole-ledger export with no events too). An empty file is a lost or cut-off one.
        raise BadLine(1, "the file is empty (an export holds a header or at least one event)")
    header = _read_header(first, key)
    return _Chain(header or _Header("ledger"), checkpoints), header is not None


def verify_file(
    path: str,
    *,
    checkpoints: Sequence[tuple[int, str]] = (),
    jobs: int = 1,
    key: bytes | None = None,
) -> Summary:
    """Check every line of the export at ``path`` (split at ``\\n``) in order; raise BadLine
    at the first failure.

    ``checkpoints`` are (position, hash) pairs the export must agree with. ``jobs`` > 1 spreads
    the hashing over that many processes, each reading its own chunks of about CHUNK_BYTES; the
    result is the same. ``key`` checks a claim export's signed header (Unverifiable without it).
    """
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        first = handle.readline()
        chain, had_header = _start(first.removesuffix(b"\n") if first else None, checkpoints, key)
        ranges = list(_line_ranges(handle, len(first) if had_header else 0, size))
    positions = frozenset(position for position, _ in checkpoints)
    tasks = ((path, start, end, chain.contiguous, positions) for start, end in ranges)
    return _verify(chain, 2 if had_header else 1, _results(_examine_range, tasks, jobs))


def _line_ranges(handle: Any, start: int, size: int) -> Iterator[tuple[int, int]]:
    """Byte ranges from ``start`` to ``size`` of about CHUNK_BYTES, each ending after a newline
    (or at the end of the file)."""
    while start < size:
        end = start + CHUNK_BYTES
        if end < size:
            handle.seek(end - 1)
            end += len(handle.readline()) - 1
        else:
            end = size
        yield start, end
        start = end


def _parse_checkpoint(text: str) -> tuple[int, str]:
    position, _, hash_hex = text.partition(":")
    if not position.isdigit() or len(hash_hex) != 64:
        raise argparse.ArgumentTypeError("expected POSITION:HASH, e.g. 42:3f5a... (64 hex)")
    try:
        int(hash_hex, 16)
    except ValueError:
        raise argparse.ArgumentTypeError("the hash must be 64 hexadecimal digits") from None
    return int(position), hash_hex.lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a claims-ledger JSONL export offline.")
    parser.add_argument("file", help="the JSONL export to check")
    parser.add_argument(
        "--checkpoint",
        type=_parse_checkpoint,
        action="append",
        default=[],
        help="POSITION:HASH the export must agree with (repeatable)",
    )
    parser.add_argument(
        "--checkpoints",
        metavar="FILE",
        help="a signed checkpoints file (record_checkpoint --export) the export must agree "
        f"with; its HMAC key is read from ${CHECKPOINT_KEY_VARIABLE}",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="processes to hash with (default: one per CPU; 1 to stay in this process)",
    )
    arguments = parser.parse_args(argv)
    jobs = arguments.jobs if arguments.jobs > 0 else min(os.cpu_count() or 1, 8)
    checkpoints = list(arguments.checkpoint)
    key = os.environ.get(CHECKPOINT_KEY_VARIABLE, "")
    try:
        if arguments.checkpoints:
            if not key:
                raise Unverifiable(
                    f"set {CHECKPOINT_KEY_VARIABLE} to check {arguments.checkpoints}"
                )
            try:
                checkpoints += read_checkpoints_file(arguments.checkpoints, key.encode())
            except ValueError as error:
                print(f"TAMPERED: {arguments.checkpoints}: {error}", file=sys.stderr)
                return 1
        if jobs > 1 and os.path.getsize(arguments.file) < 4 * 1024 * 1024:
            jobs = 1  # starting processes costs more than hashing a small file
        summary = verify_file(
            arguments.file, checkpoints=checkpoints, jobs=jobs, key=key.encode() if key else None
        )
    except BadLine as bad:
        print(f"TAMPERED: {bad}", file=sys.stderr)
        return 1
    except Unverifiable as error:
        print(f"cannot verify {arguments.file}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"cannot read {error.filename or arguments.file}: {error}", file=sys.stderr)
        return 2
    positions = (
        f"positions {summary.first_position}..{summary.last_position}"
        if summary.events
        else "no events"
    )
    redacted = f", {summary.redacted_events} redacted" if summary.redacted_events else ""
    print(f"intact: {summary.events} events{redacted}, {positions}, head {summary.last_hash}")
    if summary.unconfirmed_redactions:
        print(
            f"note: {summary.unconfirmed_redactions} redaction(s) were recorded after this "
            "export's last event; they were checked on their own, not against the chain"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
