"""Events in the shapes older code stored, appended as that code did (for upcast tests)."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ledger import events as ev
from ledger.store import append


@dataclasses.dataclass(frozen=True)
class ContradictionFlaggedV1(ev.ContradictionFlagged):
    """ContradictionFlagged as schema 1 stored it: the cues' words, not their kinds (projected
    by the code of its time as a flag of unknown type)."""

    schema_version: ClassVar[int] = 1

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        del data["cue_kinds"]
        return data


FLAG_V1_DATA: dict[str, Any] = {
    "claims": ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"],
    "score": "0.800",
    "cues": ["A says X, B says not X"],
    "detector_version": "lexical-1",
}


def flag_v1_append(
    *, stream_id: str, metadata: ev.Metadata, claims: list[str] | None = None
) -> None:
    """Append a schema-1 flag (of ``FLAG_V1_DATA``, or naming ``claims``) to a new pair stream."""
    data = {**FLAG_V1_DATA, **({"claims": sorted(claims)} if claims else {})}
    append(
        stream_id=stream_id,
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[ContradictionFlaggedV1(**data)],
        metadata=metadata,
    )


@dataclasses.dataclass(frozen=True)
class SourceIngestedV1(ev.SourceIngested):
    """SourceIngested as schema 1 stored it: without the withheld spans."""

    schema_version: ClassVar[int] = 1

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        del data["withheld"]
        return data
