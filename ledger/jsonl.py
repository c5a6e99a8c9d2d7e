"""The JSON Lines scoring commands (score_sentences here, score_pairs in ``reviews``): one
object per line in, with required text fields and errors naming the line; one line out each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import InvalidCommand, LedgerError


class JsonLinesCommand(BaseCommand):
    """``<command> FILE.jsonl``: one JSON line to standard output per object read, in order.

    A subclass names the text fields each object needs (``text_fields``) and ``answer``s one
    object (DESIGN.md fixes each command's output). A bad file is a CommandError naming the
    line.
    """

    text_fields: tuple[str, ...]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def answer(self, item: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            for item in jsonl_objects_read(options["file"], text_fields=self.text_fields):
                self.stdout.write(json.dumps(self.answer(item), ensure_ascii=False))
        except LedgerError as error:
            raise CommandError(error.message) from error


def jsonl_objects_read(path: Path, *, text_fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """Each non-blank line's object, which has an ``id`` and a string in each of
    ``text_fields``; a clear InvalidCommand naming the file and line for anything else."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise InvalidCommand(f"cannot read {path}: {error.strerror}") from error
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _object(line, where=f"{path.name} line {number}", fields=text_fields)
        except UnicodeDecodeError as error:
            raise InvalidCommand(f"{path.name} is not UTF-8 text") from error


def _object(line: str, *, where: str, fields: tuple[str, ...]) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise InvalidCommand(f"{where}: not JSON ({error.msg})") from error
    if not isinstance(item, dict):
        raise InvalidCommand(f"{where}: expected an object")
    for field in ("id", *fields):
        if field not in item:
            raise InvalidCommand(f"{where}: missing {field!r}")
    if not all(isinstance(item[field], str) for field in fields):
        names = " and ".join(repr(field) for field in fields)
        raise InvalidCommand(f"{where}: {names} must be text")
    return item
