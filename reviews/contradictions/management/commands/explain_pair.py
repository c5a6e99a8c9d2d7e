"""explain_pair "A" "B": each type detector's verdict on two claims, and why."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.contradictions.scoring import pair_explain


class Command(BaseCommand):
    help = (
        "Explain the contradiction check of two claims: the verdict, the subject, predicates "
        "and times they were aligned on, and each type detector's verdict with its reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("a", help="the first claim's text")
        parser.add_argument("b", help="the second claim's text")
        for role in ("a", "b"):
            parser.add_argument(
                f"--antecedent-{role}",
                default="",
                metavar="NAME",
                help=f"what the {'first' if role == 'a' else 'second'} claim's opening words "
                '("It", "The company", "She") stand for in its source, as the '
                "contradiction index reads them there",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["a"].strip() or not options["b"].strip():
            raise CommandError("both claims need text")
        explanation = pair_explain(
            a=options["a"],
            b=options["b"],
            antecedent_a=options["antecedent_a"].strip(),
            antecedent_b=options["antecedent_b"].strip(),
        )
        for line in explanation.lines():
            self.stdout.write(line)
