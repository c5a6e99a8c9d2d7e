"""The layout rule: no module of ``ledger/`` or ``reviews/`` is longer than 500 lines, except
data tables (docs/architecture.md, "Modules"). A module over it is split by what it holds."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("ledger", "reviews")
MAX_LINES = 500

# Long by nature, never split.
DATA_TABLES = frozenset(
    {
        # The lexicons the contradiction detectors read: generated, reviewed word lists.
        "reviews/contradictions/lexicon.py",
        # The auditor's verifier: one stand-alone file by contract (standard library only,
        # runnable after copying it anywhere), so it is not split.
        "ledger/verify_export.py",
    }
)


def _line_count(module: str) -> int:
    return len((ROOT / module).read_text(encoding="utf-8").splitlines())


def _modules() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in module and module not in DATA_TABLES:
                found.append(module)
    return found


@pytest.mark.parametrize("module", _modules())
def test_no_module_is_longer_than_500_lines(module):
    assert _line_count(module) <= MAX_LINES, f"{module}: split it by what it holds"


@pytest.mark.parametrize("module", sorted(DATA_TABLES))
def test_every_module_left_out_exists(module):
    assert (ROOT / module).is_file()
