"""score_pairs FILE.jsonl: one JSON line out per {"id", "a", "b"} line in (see DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from reviews.contradictions.pairs import pair_output, pair_text_score, pairs_read


class Command(BaseCommand):
    help = (
        'Score claim pairs: reads JSON Lines {"id","a","b"}, writes '
        '{"id","contradiction","score","cues"} per line to standard output.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for item in pairs_read(options["file"]):
                score = pair_text_score(a=item["a"], b=item["b"])
                self.stdout.write(json.dumps(pair_output(item, score), ensure_ascii=False))
        except LedgerError as error:
            raise CommandError(error.message) from error
