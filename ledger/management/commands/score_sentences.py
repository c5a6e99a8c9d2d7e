"""score_sentences FILE.jsonl: one JSON line out per {"id", "text"} line in (see DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.checkworthiness import sentence_classify
from ledger.exceptions import LedgerError
from ledger.jsonl import jsonl_objects_read


class Command(BaseCommand):
    help = (
        'Score sentences for check-worthiness: reads JSON Lines {"id","text"}, writes '
        '{"id","label","score","reasons"} per line to standard output. Reads no database.'
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for item in jsonl_objects_read(options["file"], text_fields=("text",)):
                result = sentence_classify(item["text"])
                output = {
                    "id": item["id"],
                    "label": result.label,
                    "score": float(result.score),
                    "reasons": [f"class: {result.sentence_class}", *result.reasons],
                }
                self.stdout.write(json.dumps(output, ensure_ascii=False))
        except LedgerError as error:
            raise CommandError(error.message) from error
