"""Generate ``ledger/data/entity_aliases.json``: the alias table behind ``ledger.entities``.

Usage (from the repository root, with the dev extra installed)::

    .venv/bin/python scripts/generate_entity_aliases.py

Countries come from the ``countryinfo`` package (MIT licence, a dev-only dependency pinned in
``pyproject.toml``): each country's name, its long-form alternative spellings, its capital and its
demonym (with a plural) become aliases of the country's name. The runtime only reads the JSON this
writes, so the application itself needs no extra dependency.

Data rules, so the output is reproducible and predictable:

- An alias claimed by two countries is dropped (``Jerusalem``), except a demonym shared by
  several, which goes to the most populous (``American`` -> United States, ``Dominican`` ->
  Dominican Republic).
- Alternative spellings count only in their long forms, and ISO codes are not aliases (``IN``,
  ``IT`` and ``AS`` are English words once a heading is in capitals); only the common
  abbreviations in ``EXTRA_ALIASES`` are.
- Capitals that are also common English names or words (``Victoria``, ``Kingston``) are left out.

``EXTRA_ALIASES`` is the short, reviewed list of what the package cannot know: newsroom
abbreviations (``U.S.``), metonyms (``the Islamic Republic``), regions that must beat a shorter
country alias (``Latin America`` is not the United States), and the organisations the seed and
ordinary foreign news name most.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
from collections import defaultdict
from typing import Any

OUTPUT = pathlib.Path(__file__).resolve().parent.parent / "ledger" / "data" / "entity_aliases.json"

# Capitals that read as ordinary names or words in English news; better unmatched than wrong.
AMBIGUOUS_CAPITALS = {
    "Douglas",
    "George Town",
    "Georgetown",
    "Hamilton",
    "Jamestown",
    "Kingston",
    "Kingstown",
    "Plymouth",
    "Saint-Denis",
    "Saint-Pierre",
    "San Juan",
    "Stanley",
    "The Valley",
    "Victoria",
    "City of Victoria",
    "Wellington",
    "Diego Garcia",
    "West Island",
    "Sofia",
}

# canonical name -> (kind, aliases). Reviewed by hand; everything else comes from countryinfo.
EXTRA_ALIASES: dict[str, tuple[str, list[str]]] = {
    "United States": (
        "country",
        ["U.S.", "US", "USA", "U.S.A.", "America", "Americans", "United States of America"],
    ),
    "United Kingdom": ("country", ["U.K.", "UK", "Britain", "Great Britain"]),
    "Iran": ("country", ["Islamic Republic", "Persia"]),
    "Russia": ("country", ["Kremlin"]),
    "Latin America": ("region", ["Latin American", "Latin Americans"]),
    "South America": ("region", ["South American", "South Americans"]),
    "North America": ("region", ["North American", "North Americans"]),
    "Central America": ("region", ["Central American", "Central Americans"]),
    "Middle East": ("region", ["Mideast"]),
    "Gaza Strip": ("territory", ["Gaza"]),
    "West Bank": ("territory", []),
    "European Union": ("organization", ["EU", "E.U."]),
    "United Nations": ("organization", ["UN", "U.N."]),
    "UN Security Council": (
        "organization",
        ["U.N. Security Council", "United Nations Security Council", "Security Council"],
    ),
    "NATO": ("organization", ["North Atlantic Treaty Organization"]),
    "Hezbollah": ("organization", ["Hizbollah", "Hizballah", "Hizbullah"]),
    "Hamas": ("organization", []),
    "Palestinian Islamic Jihad": ("organization", ["PIJ", "Islamic Jihad"]),
    "Palestine Liberation Organization": ("organization", ["PLO"]),
    "Popular Front for the Liberation of Palestine": ("organization", ["PFLP"]),
    "Houthis": ("organization", ["Houthi", "Houthi movement", "Ansar Allah"]),
    "Popular Mobilization Forces": ("organization", ["PMF"]),
}


def _plural(demonym: str) -> str | None:
    """English plural of a demonym used as a noun; None where it has none (Chinese, British)."""
    if re.search(r"(ese|ish|ch|sh|ss|sy|ais|x)$", demonym):
        return None
    if demonym.endswith("man"):
        return demonym[: -len("man")] + "men"
    return demonym + "s"


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [item for item in value if item]


def countries() -> list[dict[str, Any]]:
    import countryinfo  # a dev-only dependency: only this script needs it

    data_dir = pathlib.Path(countryinfo.__file__).resolve().parent / "data"
    return [
        json.loads(path.read_text(encoding="utf-8")) for path in sorted(data_dir.glob("*.json"))
    ]


def build() -> dict[str, Any]:
    claims: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    population: dict[str, int] = {}
    canonical_names: set[str] = set()
    for country in countries():
        name = country.get("name") or ""
        # Entries such as "Palestine, State of" duplicate a primary entry: they only count
        # towards ambiguity (their capital), never as a canonical name of their own.
        primary = "," not in name
        target = name if primary else name.split(",")[0].strip()
        if primary:
            canonical_names.add(name)
            population[name] = int(country.get("population") or 0)
        claims[name]["name"].add(target)
        for spelling in _as_list(country.get("altSpellings")):
            # Long forms only ("Islamic Republic of Iran"): one-word spellings are codes or
            # native names, some of them ordinary English words or surnames ("Mann").
            if " " in spelling and spelling.isascii() and "," not in spelling:
                claims[spelling]["alias"].add(target)
        for capital in _as_list(country.get("capital")):
            for part in capital.split(" / "):
                if part in AMBIGUOUS_CAPITALS:
                    continue
                claims[part]["capital"].add(target)
                if part.endswith(" D.C."):
                    claims[part.removesuffix(" D.C.")]["capital"].add(target)
                    claims[part.replace(" D.C.", ", D.C.")]["capital"].add(target)
        for demonym in re.split(r"[,/]", ", ".join(_as_list(country.get("demonym")))):
            demonym = demonym.strip()
            if not demonym:
                continue
            claims[demonym]["demonym"].add(target)
            plural = _plural(demonym)
            if plural:
                claims[plural]["demonym"].add(target)

    aliases: dict[str, dict[str, str]] = {}
    for alias, by_role in sorted(claims.items()):
        targets = set().union(*by_role.values())
        if len(targets) == 1:
            chosen = next(iter(targets))
        elif alias in targets:  # the alias is itself a country's name
            chosen = alias
        elif set(by_role) == {"demonym"}:
            chosen = max(targets, key=lambda target: (population.get(target, 0), target))
        else:
            continue
        if chosen in canonical_names:
            aliases[alias] = {"canonical": chosen, "kind": "country"}
    for canonical, (kind, extra) in sorted(EXTRA_ALIASES.items()):
        for alias in [canonical, *extra]:
            aliases[alias] = {"canonical": canonical, "kind": kind}
    return {
        "source": "countryinfo (MIT licence) plus EXTRA_ALIASES in "
        "scripts/generate_entity_aliases.py",
        "generated_by": "scripts/generate_entity_aliases.py",
        "aliases": dict(sorted(aliases.items())),
    }


def main() -> int:
    table = build()
    OUTPUT.write_text(
        json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(table['aliases'])} aliases to {OUTPUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
