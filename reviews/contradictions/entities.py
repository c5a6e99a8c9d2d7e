"""Which named things a claim is about, by canonical name: the one injectable piece of features.

``EntityResolver`` is any function from text to canonical entity names. The default is
``ledger.entities`` (the alias table ingestion uses: Tehran and Iranian count as Iran), lower-cased,
so the whole product agrees on one alias table.
"""

from __future__ import annotations

from collections.abc import Callable

from ledger.entities import entities_canonical_names

EntityResolver = Callable[[str], list[str]]


def _ledger_resolver(text: str) -> list[str]:
    return sorted({name.lower() for name in entities_canonical_names(text)})


def default_resolver() -> EntityResolver:
    """The product's entity normaliser, ``ledger.entities``."""
    return _ledger_resolver
