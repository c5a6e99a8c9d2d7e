"""The API's JSON parser: refuses what the standard one lets through to a server error."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate_path(data: Any) -> str | None:
    """Where a string (or key) holds a lone UTF-16 surrogate (``"\\ud800"``), if anywhere.

    Iterative, so a document nested as deeply as the decoder allows cannot exhaust the stack.
    """
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if LONE_SURROGATE.search(value):
                return path or "the body"
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if LONE_SURROGATE.search(key):
                    return f"{path}/(a key)" if path else "a key"
                pending.append((f"{path}/{key}" if path else key, item))
        elif isinstance(value, list):
            pending.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


class LedgerJSONParser(JSONParser):
    """JSON, refusing documents nested too deeply to decode and lone surrogates.

    The standard decoder raises RecursionError on deep nesting, and a lone surrogate escape
    (``"\\ud800"``) decodes to a string that can be neither stored nor rendered as UTF-8: both
    ended as a 500. Both are malformed requests (400).
    """

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply") from None
        where = _lone_surrogate_path(data)
        if where is not None:
            raise ParseError(
                f"JSON parse error - {where} holds a lone surrogate (\\ud800-\\udfff), "
                "which is not a Unicode character"
            )
        return data
