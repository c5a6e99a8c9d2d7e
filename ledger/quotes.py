"""Quotes and their context: W3C text selectors over a source, and where context around a
quote may be shown.

Pure functions over a string. ``quote_context`` is the one place context around a quote is cut:
it stops at withheld spans (personal data and boilerplate, recorded at ingest), so no selector,
API response, export or admin page shows them (ADR 0031,
docs/adr/0031-personal-data-and-context-boundaries.md).
Every offset is a character offset into the exact string given, end exclusive.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from ledger.events import TextSelector, WithheldSpan

SELECTOR_CONTEXT_CHARS = 32  # prefix/suffix length: enough to tell repeated quotes apart


def _span_start(span: WithheldSpan) -> int:
    return span["start"]


def quote_context(
    *, text: str, start: int, end: int, characters: int, withheld: Sequence[WithheldSpan]
) -> tuple[int, int]:
    """Where the context around ``text[start:end]`` starts and ends: up to ``characters`` either
    side, stopping at the nearest withheld span (``withheld_spans``, in order) on each side, so
    the context never shows personal data or boilerplate. This is the one place context around
    a quote is cut (selectors' prefix and suffix, the admin's claim and flag pages).
    """
    before = bisect.bisect_left(withheld, start, key=_span_start) - 1  # last starting before
    context_start = max(0, start - characters)
    if before >= 0:
        context_start = max(context_start, min(withheld[before]["end"], start))
    after = bisect.bisect_left(withheld, end, key=_span_start)  # first starting at the end or on
    context_end = min(len(text), end + characters)
    if after < len(withheld):
        context_end = min(context_end, withheld[after]["start"])
    return context_start, context_end


def selector_build(
    *, text: str, start: int, end: int, withheld: Sequence[WithheldSpan] = ()
) -> TextSelector:
    """TextQuoteSelector (exact, prefix, suffix) and TextPositionSelector (start, end).

    The prefix and suffix stop at ``withheld`` spans (see ``quote_context``): a selector is
    recorded in an event, shown by the API and exported, so it must not carry personal data.
    """
    context_start, context_end = quote_context(
        text=text, start=start, end=end, characters=SELECTOR_CONTEXT_CHARS, withheld=withheld
    )
    return TextSelector(
        exact=text[start:end],
        prefix=text[context_start:start],
        suffix=text[end:context_end],
        start=start,
        end=end,
    )
