"""A small ledger with two claims, a comment holding a name, and a contradiction between them."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command

from ledger import events as ev
from ledger.services import claim_command, claim_record
from ledger.store import append
from ledger.verify_export import BadLine, Summary, verify_file

PERSONAL_NAME = "Jane Q. Whistleblower"


@dataclasses.dataclass(frozen=True)
class SmallLedger:
    first_claim: str
    second_claim: str
    contradiction: str
    comment_position: int  # the ClaimCommented event that names a person


def small_ledger(metadata: ev.Metadata) -> SmallLedger:
    first = claim_record(text="Tehran's support for its allies is unwavering.", metadata=metadata)
    second = claim_record(text="Iran's allies have been largely silent.", metadata=metadata)
    claim_command(
        claim_id=first.claim_id,
        expected_version=1,
        event=ev.ClaimAssigned(assignee="editor"),
        metadata=metadata,
    )
    claim_command(
        claim_id=first.claim_id,
        expected_version=2,
        event=ev.ClaimCommented(body=f"Checked with {PERSONAL_NAME} by phone."),
        metadata=metadata,
    )
    comment_position = 4
    flag_stream = str(uuid.uuid4())
    append(
        stream_id=flag_stream,
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[
            ev.ContradictionFlagged(
                claims=[first.claim_id, second.claim_id],
                score="0.91",
                cues=["stance"],
                detector_version="1",
            )
        ],
        metadata=metadata,
    )
    claim_command(
        claim_id=second.claim_id,
        expected_version=1,
        event=ev.ClaimReviewStarted(),
        metadata=metadata,
    )
    claim_command(
        claim_id=first.claim_id,
        expected_version=3,
        event=ev.ClaimVerdictSet(rating=1, rating_name="false", explanation="Contradicted."),
        metadata=metadata,
    )
    return SmallLedger(first.claim_id, second.claim_id, flag_stream, comment_position)


def export(path: Path, *arguments: str) -> list[str]:
    """Run export_ledger into ``path``; return its lines (without newlines)."""
    call_command("export_ledger", *arguments, "-o", str(path))
    return path.read_text(encoding="utf-8").splitlines()


def records(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


def signing_key() -> bytes:
    """The key claim exports are signed with in the tests (config/settings_test.py)."""
    return str(settings.LEDGER_CHECKPOINT_KEY).encode()


def verify(lines: list[str] | list[bytes], **options: Any) -> Summary:
    """``verify_file`` of an export made of ``lines`` (each ends with a newline)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.jsonl"
        path.write_bytes(
            b"".join((line if isinstance(line, bytes) else line.encode()) + b"\n" for line in lines)
        )
        return verify_file(str(path), **{"key": signing_key(), **options})


def bad_line(lines: list[str] | list[bytes], **options: Any) -> BadLine:
    try:
        summary = verify(lines, **options)
    except BadLine as bad:
        return bad
    raise AssertionError(f"the export verified ({summary}), but it was tampered with")
