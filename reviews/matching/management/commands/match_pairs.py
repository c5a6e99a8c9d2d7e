"""match_pairs FILE.jsonl: one JSON line out per {"id", "a", "b"} line in (see DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.contradictions.pairs import pairs_read
from reviews.matching.scoring import match_score_texts


class Command(BaseCommand):
    help = (
        'Match claim pairs: reads JSON Lines {"id","a","b"}, writes '
        '{"id","match","score","reasons"} per line to standard output. Reads no database.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for item in pairs_read(options["file"]):
                score = match_score_texts(a=item["a"], b=item["b"])
                output = {
                    "id": item["id"],
                    "match": score.match,
                    "score": float(score.score_decimal),
                    "reasons": score.reasons,
                }
                self.stdout.write(json.dumps(output, ensure_ascii=False))
        except LedgerError as error:
            raise CommandError(error.message) from error
