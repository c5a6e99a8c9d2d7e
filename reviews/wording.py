"""How the desk names a claim to people: by its opening words, never by its id."""

OPENING_WORDS_LENGTH = 60


def opening_words(text: str, *, length: int = OPENING_WORDS_LENGTH) -> str:
    """``text`` cut to at most ``length`` characters at a word's end, with "…" when cut."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"
