"""HTML pages: headline, byline, date, canonical URL and the main body text.

The page is decoded once (BOM, then the charset the page declares, then UTF-8,
then cp1252), parsed once with BeautifulSoup's lxml tree builder, and read by
:mod:`searcher.ingest.html_meta` (metadata) and
:mod:`searcher.ingest.html_content` (main text, with the boilerplate rules of
:mod:`searcher.ingest.html_rules`).

Bad pages never raise anything but :class:`~searcher.errors.IngestError`:
binary data is refused; a page too large or too deeply tagged is cut before
parsing (and read as flat text when the cut leaves nothing); a JSON-LD block
that is not JSON is ignored; when the page shows less than half of the text its
JSON-LD ``articleBody`` holds, that text is used instead.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup

from searcher.errors import IngestError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    ReadOptions,
    clean_body,
    decode,
    read_bytes,
    split_byline,
)
from searcher.ingest.html_content import extract_body, text_blocks
from searcher.ingest.html_meta import read_meta
from searcher.models import Article

LOGGER = logging.getLogger(__name__)

#: Pages longer than this many characters are cut before parsing: the article
#: is near the top of the page, and the tree of a huge page costs seconds.
MAX_HTML_CHARS = 4_000_000
#: Pages with more tags than this are cut after that many before parsing, since
#: building the tree costs time per tag; when nothing readable is left
#: (a page of nested ``<div>``), the page is read as flat text.
MAX_TAGS = 50_000
#: Declared charsets read as another, as browsers do (WHATWG Encoding standard).
CHARSET_ALIASES = {
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8", "unicode": "utf-8",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "x-user-defined": "cp1252",
}  # fmt: skip
#: Bytes searched for a declared charset.
CHARSET_WINDOW = 4096
#: The JSON-LD ``articleBody`` replaces the extracted text when the extracted
#: text has fewer than this share of its words (the page hides the text).
MIN_SHARE_OF_HINT = 0.5
#: A JSON-LD ``articleBody`` shorter than this many words is not trusted.
MIN_HINT_WORDS = 80
#: Share of control characters above which the bytes are not a text page.
MAX_BINARY_SHARE = 0.1

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_TAGS = re.compile(r"(?:\s*<[^>]*>)+\s*")
_TAG_START = re.compile(r"<[a-zA-Z!/?]")
_UNREADABLE = re.compile(
    r"<(script|style|noscript|template|svg|title)\b.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)


def declared_charset(data: bytes) -> str | None:
    """Return the charset a page declares in ``<meta charset>`` or HTTP-equiv, if any.

    Labels are read as the HTML standard says browsers read them: a page that
    declares UTF-16 in ASCII markup is not UTF-16, and Latin-1 means cp1252.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=cp1252">')
    'cp1252'
    >>> declared_charset(b'<meta charset="ISO-8859-1">'), declared_charset(b"<p>none</p>")
    ('cp1252', None)
    """
    found = _CHARSET.search(data[:CHARSET_WINDOW])
    if not found:
        return None
    label = found.group(1).decode("ascii", "replace").lower()
    return CHARSET_ALIASES.get(label, label)


def _trusted_charset(data: bytes, header: str | None = None) -> str | None:
    """The charset of the HTTP header (``header``), else the one the page declares,
    unless it is cp1252 and the bytes are valid UTF-8: servers label UTF-8 pages
    Latin-1 far more often than the reverse."""
    declared = CHARSET_ALIASES.get(header.lower(), header.lower()) if header else None
    declared = declared or declared_charset(data)
    if declared in ("cp1252", "windows-1252"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return declared
        return None
    return declared


def _looks_binary(data: bytes) -> bool:
    sample = data[:CHARSET_WINDOW]
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False  # UTF-16 holds NULs by design
    return len(_CONTROL_BYTES.findall(sample)) > len(sample) * MAX_BINARY_SHARE


def _cut(text: str, path: str) -> tuple[str, bool]:
    """Return the part of a page worth parsing, and whether anything was cut."""
    cut = len(text) > MAX_HTML_CHARS
    text = text[:MAX_HTML_CHARS]
    for count, match in enumerate(_TAG_START.finditer(text), 1):
        if count > MAX_TAGS:
            text, cut = text[: match.start()], True
            break
    if cut:
        LOGGER.warning("%s: page too large or too deeply tagged; reading its start", path)
    return text, cut


def flat_text(text: str) -> str:
    """Return a page's text with every tag removed, for pages too large to parse.

    >>> flat_text("<div><script>x()</script><p>One &amp; two</p></div>")
    'One & two'
    """
    return clean_body(html.unescape(_TAGS.sub("\n\n", _UNREADABLE.sub(" ", text))))


def fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's content), one paragraph a
    block, scripts, styles and hidden parts left out; no boilerplate is judged.

    >>> fragment_text("<p>One &amp; <b>two</b></p><script>x()</script><p>Three</p>")
    'One & two\\n\\nThree'
    """
    if "<" not in fragment and "&" not in fragment:
        return clean_body(fragment)
    soup = BeautifulSoup(fragment, "lxml")
    try:
        blocks, _ = text_blocks(soup)
        return clean_body("\n\n".join(str(block.text) for block in blocks))
    finally:
        _free(soup)


def _free(soup: BeautifulSoup) -> None:
    """Break the tree's links, so reference counting frees it.

    The tree is a web of parent, child and sibling links: only the cyclic
    collector frees it, and indexing workers run without it (worker.run_task),
    so a web archive's thousands of pages would all stay in memory (3.4 GB a
    worker in ``benchmarks/warc.py``). ``soup.decompose()`` is not enough: on a
    whole document (bs4 4.15) it leaves every element linked.
    """
    for node in list(soup.descendants):
        node.__dict__.clear()
    soup.__dict__.clear()


def parse_html(data: bytes, *, path: str, doc_id: str, charset: str | None = None) -> Article:
    """Build an article from an HTML page's bytes.

    :param data: the page, as stored.
    :param path: the file, for messages.
    :param doc_id: the article's id.
    :param charset: the charset the page was served with (HTTP ``Content-Type``),
        which wins over the one the page declares.
    :raises IngestError: the bytes are not a text page, or the page holds no text.
    """
    if _looks_binary(data):
        raise IngestError(path, "not an HTML page (binary data)")
    text = decode(data, declared=_trusted_charset(data, charset), path=Path(path))
    parsed, cut = _cut(text, path)
    soup = BeautifulSoup(parsed, "lxml")
    try:
        meta = read_meta(soup, path=path)
        paragraphs = extract_body(soup, title=meta.title)
    finally:
        _free(soup)
    body = clean_body("\n\n".join(paragraphs))
    if cut and not body:
        body = flat_text(text)
    hint = clean_body(meta.body_hint)
    hint_words = len(hint.split())
    if hint_words >= MIN_HINT_WORDS and len(body.split()) < hint_words * MIN_SHARE_OF_HINT:
        LOGGER.debug("%s: using the JSON-LD articleBody", path)
        body = hint
    if not meta.title and not body:
        raise IngestError(path, "the page holds no headline and no text")
    byline, source = split_byline(meta.byline)
    return Article(
        id=doc_id,
        path=path,
        title=meta.title,
        body=body,
        byline=byline,
        source=meta.source or source,
        date=meta.date,
        url=meta.url,
        keywords=meta.keywords,
    )


def read(path: Path, doc_id: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article]:
    """Yield the one article of an HTML page (gzip allowed)."""
    data = read_bytes(path, max_bytes=options.max_bytes)
    yield parse_html(data, path=str(path), doc_id=doc_id)


__all__ = ["declared_charset", "flat_text", "fragment_text", "parse_html", "read"]
