"""Shared by the reliability tests: figures written where docs/reliability.md takes them from."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "reliability"


def backend_name() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def figures_record(name: str, **figures: Any) -> None:
    """Print a test's figures and keep them in tests/artifacts/reliability/NAME-BACKEND.json.

    The files are gitignored; ``docs/reliability.md`` quotes a real run of them.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{backend_name()}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"reliability figures {name} ({backend_name()}): {json.dumps(figures, sort_keys=True)}")


def database_url() -> str:
    """The URL of the test database this process uses, for worker subprocesses."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def subprocess_environment(**overrides: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url(), **overrides}


# The API's people (two publisher organisations and one user per role), keys and claims.
from tests.api.conftest import (  # noqa: E402
    _clear_throttle_counts,  # noqa: F401
    claim_in,  # noqa: F401
    client_for,  # noqa: F401
    people,  # noqa: F401
)


def flag_between(claim_a: str, claim_b: str) -> str:
    """Flag two claims as contradicting (as the detector would); return the flag's pair id."""
    from ledger import events as ev
    from ledger.store import append
    from reviews.contradictions.flagging import contradiction_pair_id
    from tests.claims import SYSTEM

    result = append(
        stream_id=contradiction_pair_id(claim_a=claim_a, claim_b=claim_b),
        stream_type=ev.StreamType.CONTRADICTION,
        expected_version=0,
        events=[
            ev.ContradictionFlagged(
                claims=sorted([claim_a, claim_b]),
                score="0.90",
                cues=["stance: unwavering support vs largely silent"],
                detector_version="test",
            )
        ],
        metadata=SYSTEM,
    )
    return result.events[0].stream_id
