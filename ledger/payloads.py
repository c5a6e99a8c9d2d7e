"""What an event payload may hold: exactly what canonical JSON carries, so every reader
computes the same bytes (``ledger.verify_export``). Every append validates its payloads and
metadata here before anything is written."""

from __future__ import annotations

from typing import Any

from ledger.exceptions import InvalidCommand

MAX_SAFE_INTEGER = 2**53 - 1  # beyond this, JSON numbers lose precision in JavaScript readers


def validate_payload(value: Any, *, path: str = "data") -> None:
    """Refuse anything a canonical JSON payload cannot hold exactly.

    Allowed: objects with string keys, arrays, strings without NUL or lone surrogates,
    integers within +-(2**53 - 1), booleans and null. Floats are refused: fractions travel as
    decimal strings so that every reader computes the same canonical bytes.
    """
    if not _plainly_valid(value):
        _refuse_invalid(value, path)


def _plainly_valid(value: Any) -> bool:
    """True when ``value`` is valid and made of the exact JSON types; False when it needs
    ``_refuse_invalid``'s walk (which also accepts subclasses, and names what is wrong).

    Every append validates its payloads: this walk builds no path strings.
    """
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            return False
        if value.isascii():
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if value is None or kind is bool:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if kind is dict:
        return all(
            type(key) is str and _plainly_valid(key) and _plainly_valid(item)
            for key, item in value.items()
        )
    if kind is list or kind is tuple:
        return all(_plainly_valid(item) for item in value)
    return False


def _refuse_invalid(value: Any, path: str) -> None:
    """Raise ``InvalidCommand`` naming the first part of ``value`` a payload cannot hold."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidCommand(f"{path} contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise InvalidCommand(f"{path} is not valid Unicode text") from error
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise InvalidCommand(f"{path} is outside the safe integer range")
        return
    if isinstance(value, float):
        raise InvalidCommand(f"{path} is a floating-point number; send a decimal string")
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_invalid(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidCommand(f"{path} has a non-string key {key!r}")
            _refuse_invalid(key, f"{path} key")
            _refuse_invalid(item, f"{path}.{key}")
        return
    raise InvalidCommand(f"{path} has a value of type {type(value).__name__}")
