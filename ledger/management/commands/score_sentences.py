"""score_sentences FILE.jsonl: one JSON line out per {"id", "text"} line in (see DESIGN.md)."""

from __future__ import annotations

from typing import Any

from ledger.checkworthiness import sentence_classify
from ledger.jsonl import JsonLinesCommand


class Command(JsonLinesCommand):
    help = (
        'Score sentences for check-worthiness: reads JSON Lines {"id","text"}, writes '
        '{"id","label","score","reasons"} per line to standard output. Reads no database.'
    )
    requires_system_checks: list[str] = []
    text_fields = ("text",)

    def answer(self, item: dict[str, Any]) -> dict[str, Any]:
        result = sentence_classify(item["text"])
        return {
            "id": item["id"],
            "label": result.label,
            "score": float(result.score),
            "reasons": [f"class: {result.sentence_class}", *result.reasons],
        }
