"""Hostile files for ``manage.py ingest``: a clear error or a clean source, never a crash.

Every file is generated here (nothing binary is committed). A refused file raises CommandError
with a message naming the problem and stores nothing; an accepted HTML file stores the article's
text without markup or scripts, an accepted text file its text as written. Any other exception
(RecursionError, MemoryError, a database error) fails the test.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from ledger.models import Event, Source
from tests.reliability.conftest import figures_record

pytestmark = pytest.mark.django_db

LIMIT = 256 * 1024  # LEDGER_MAX_SOURCE_BYTES for this test
SENTENCE = "Iran's parliament approved a budget of $100 million on 3 May 2024, officials said. "
TEXT = SENTENCE.encode()


def nested_html(depth: int) -> bytes:
    inner = "<div>" * depth + f"<p>{SENTENCE}</p>" + "</div>" * depth
    return f"<html><body>{inner}</body></html>".encode()


def mixed_encodings() -> bytes:
    return TEXT + "Café in Tehran reopened.".encode("latin-1")


def gzip_bomb() -> bytes:
    """50 MB of HTML gzipped: small on disk, huge if anything inflated it."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as archive:
        for _ in range(50):
            archive.write(b"<div>" + b"A" * 1_048_571)
    return buffer.getvalue()


def xss_page() -> bytes:
    return (
        "<html><head><script>steal()</script><style>p{}</style></head><body><article>"
        f'<p onclick="steal()">{SENTENCE}</p><iframe src=javascript:alert(1)></iframe>'
        "<p>Tehran denied the report, according to Reuters.</p></article></body></html>"
    ).encode()


# (name, file name, its bytes, "accepted" or "refused: <words the message must hold>")
CORPUS: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("empty", "empty.txt", lambda: b"", "refused: empty"),
    ("whitespace only", "blank.txt", lambda: b" \n\t \r\n", "refused: empty"),
    ("binary", "image.txt", lambda: bytes(range(256)) * 16, "refused: binary"),
    ("NUL bytes", "nul.txt", lambda: TEXT + b"\x00\x00", "refused: binary"),
    ("UTF-16 with BOM", "utf16.txt", lambda: SENTENCE.encode("utf-16"), "refused: binary"),
    ("invalid UTF-8", "bad.txt", lambda: TEXT + b"\xff\xfe", "refused: UTF-8"),
    ("overlong UTF-8", "overlong.txt", lambda: b"Iran \xc0\xaf said so.", "refused: UTF-8"),
    ("UTF-8 surrogate", "surrogate.txt", lambda: b"Iran \xed\xa0\x80 said.", "refused: UTF-8"),
    ("mixed encodings", "mixed.txt", mixed_encodings, "refused: UTF-8"),
    ("ANSI escapes", "ansi.txt", lambda: b"\x1b[31m" + TEXT, "refused: binary"),
    (
        "right-to-left override",
        "rlo.txt",
        lambda: f"Iran \u202e{SENTENCE}".encode(),
        "refused: bidi",
    ),
    ("isolate override", "lri.txt", lambda: f"\u2066{SENTENCE}\u2069".encode(), "refused: bidi"),
    ("over the size limit", "huge.txt", lambda: TEXT * (LIMIT // len(TEXT) + 1), "refused: limit"),
    ("gzip bomb", "page.html", gzip_bomb, "refused: binary"),
    ("gzip bomb named .gz", "page.html.gz", gzip_bomb, "refused: binary"),
    ("script only", "script.html", lambda: b"<script>alert(1)</script>", "refused: no article"),
    ("nested HTML", "nested.html", lambda: nested_html(200), "accepted"),
    # libxml2 stops building the tree past its depth limit: the text is out of reach and the
    # file is refused as having no article text, never a crash.
    ("deeply nested HTML", "deep.html", lambda: nested_html(5_000), "refused: no article"),
    ("very deeply nested HTML", "deeper.html", lambda: nested_html(20_000), "refused: no article"),
    ("unclosed tags", "open.html", lambda: b"<div><p><b>" * 2000 + TEXT, "refused: no article"),
    ("scripts, styles, handlers", "xss.html", xss_page, "accepted"),
    (
        "script text in plain text",
        "xss.txt",
        lambda: b"<script>alert(1)</script> " + TEXT,
        "accepted",
    ),
    ("one very long line", "line.txt", lambda: b"word " * 50_000, "accepted"),
    ("one 200 kB word", "token.txt", lambda: b"A" * 200_000, "accepted"),
    ("100,000 short lines", "lines.txt", lambda: b"x\n" * 100_000, "accepted"),
    ("UTF-8 BOM", "bom.txt", lambda: b"\xef\xbb\xbf" + TEXT, "accepted"),
    (
        "40,000 entities",
        "entities.html",
        lambda: b"<html><body><p>" + b"&amp;" * 40_000 + TEXT + b"</p></body></html>",
        "accepted",
    ),
]
ACCEPTED: list[str] = []
REFUSED: list[str] = []


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.LEDGER_MAX_SOURCE_BYTES = LIMIT


@pytest.mark.parametrize(
    ("name", "filename", "make", "expected"), CORPUS, ids=[case[0] for case in CORPUS]
)
def test_a_hostile_file_is_refused_clearly_or_stored_clean(
    tmp_path, name, filename, make, expected
):
    # given the file
    path = tmp_path / filename
    path.write_bytes(make())
    before = (Event.objects.count(), Source.objects.count())

    # when it is ingested
    try:
        call_command("ingest", str(path), "--title", name, stdout=io.StringIO())
    except CommandError as error:
        outcome = f"refused: {error}"
    else:
        outcome = "accepted"

    # then it is refused with a message naming the problem and nothing stored, or stored clean
    if expected == "accepted":
        assert outcome == "accepted", outcome
        source = Source.objects.get()
        if filename.endswith(".html"):  # the article's text only: no markup, scripts, handlers
            assert not any(mark in source.text for mark in ("<", "steal()", "alert(1)"))
            assert "approved a budget" in source.text
        else:  # plain text is kept as written (the admin and the API escape it when shown)
            assert source.text == path.read_bytes().decode("utf-8-sig")
        ACCEPTED.append(name)
    else:
        assert outcome.startswith("refused: "), outcome
        assert expected.removeprefix("refused: ").lower() in outcome.lower(), outcome
        assert (Event.objects.count(), Source.objects.count()) == before
        REFUSED.append(name)


def test_the_corpus_figures():
    """Runs after the corpus (the same module, in order) and records what was tried."""
    if len(ACCEPTED) + len(REFUSED) != len(CORPUS):
        pytest.skip("the figures need the whole corpus run first (run the module)")
    figures_record(
        "hostile-ingest",
        files_tried=len(CORPUS),
        refused_with_a_message=len(REFUSED),
        accepted_clean=len(ACCEPTED),
        crashes=0,
    )
