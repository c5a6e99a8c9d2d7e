import datetime
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.exceptions import LedgerError
from ledger.exports import ExportFormat, ledger_export


def parse_moment(text: str) -> datetime.datetime:
    """An ISO 8601 date or time; without a time zone it is taken as UTC."""
    try:
        moment = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{text!r} is not an ISO 8601 time, e.g. 2025-01-31T12:00:00Z or 2025-01-31"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


class Command(BaseCommand):
    help = (
        "Export the ledger's events as canonical JSONL (verifiable offline with "
        "ledger/verify_export.py) or CSV (one row per event, with a readable summary)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=[f.value for f in ExportFormat])
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--since", type=int, metavar="POS", help="only the events after this position"
        )
        parser.add_argument(
            "--claim", metavar="ID", help="one claim's whole history (and contradictions naming it)"
        )
        parser.add_argument(
            "--as-of",
            metavar="ISO",
            help="the ledger as it stood at this time (UTC unless a zone is given)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_moment(options["as_of"]) if options["as_of"] else None
        try:
            chunks = ledger_export(
                export_format=options["format"],
                since=options["since"],
                claim_id=options["claim"],
                as_of=as_of,
            )
            if options["output"]:
                self._write_file(Path(options["output"]), chunks)
            else:
                self._write_stdout(chunks)
        except LedgerError as error:
            raise CommandError(error.message) from error

    def _write_stdout(self, chunks: Any) -> None:
        """Stream to standard output; a reader that stops early (``| head``) ends the export
        quietly, as a Unix filter does, instead of with a traceback."""
        try:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
        except BrokenPipeError:
            # Python flushes stdout again at exit; point it at nothing so that flush is silent.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(1) from None

    def _write_file(self, path: Path, chunks: Any) -> None:
        """Write through a temporary name, so a failed export never looks like a whole one."""
        partial = path.with_name(path.name + ".partial")
        lines = 0
        try:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                    lines += chunk.count("\n")
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {path}: {error}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stderr.write(f"wrote {lines} line(s) to {path}")
