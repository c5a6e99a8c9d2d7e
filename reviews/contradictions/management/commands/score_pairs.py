"""score_pairs FILE.jsonl: one JSON line out per {"id", "a", "b"} line in (see DESIGN.md)."""

from __future__ import annotations

from typing import Any

from ledger.jsonl import JsonLinesCommand
from reviews.contradictions.pairs import pair_item_score, pair_output


class Command(JsonLinesCommand):
    help = (
        'Score claim pairs: reads JSON Lines {"id","a","b"}, writes '
        '{"id","contradiction","score","cues"} per line to standard output.'
    )
    text_fields = ("a", "b")

    def answer(self, item: dict[str, Any]) -> dict[str, Any]:
        return pair_output(item, pair_item_score(item))
