"""Plain-text articles.

Three layouts are read:

* the wire layout of our seed article: a byline line (``Dan De Luce, AFP``),
  a date line (``Last updated: 17 October, 2011``), the headline, then the body;
* headline then body (the BBC News set);
* a bare body, whose first line is too long to be a headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from searcher.errors import IngestError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    ReadOptions,
    clean_body,
    clean_line,
    read_text,
    split_byline,
)
from searcher.models import Article
from searcher.text.dates import parse_date

#: A first line longer than this many words (or characters) is body text, not a headline.
MAX_HEADLINE_WORDS = 30
MAX_HEADLINE_CHARS = 300
#: Room for the byline, date and headline lines ahead of the body.
HEADER_CHARS = 4 * MAX_HEADLINE_CHARS
#: Words that open a date line ("Last updated: 17 October, 2011").
DATE_LINE_PREFIXES = ("last updated", "updated", "published", "posted", "date")
_DATE_LINE = re.compile(rf"^(?:{'|'.join(DATE_LINE_PREFIXES)})\b\s*:?\s*", re.IGNORECASE)
_BY = re.compile(r"^by\s+\S", re.IGNORECASE)


def _as_date_line(line: str) -> datetime | None:
    """Return the date when ``line`` is a date line and nothing more."""
    if len(line) > MAX_HEADLINE_CHARS or len(line.split()) > 8:
        return None
    if _DATE_LINE.match(line) or re.fullmatch(r"[\w ,.:/+-]+", line):
        return parse_date(_DATE_LINE.sub("", line))
    return None


def _is_byline(line: str) -> bool:
    if (
        len(line) > MAX_HEADLINE_CHARS
        or len(line.split()) > 12
        or line.endswith((".", "?", "!", ":"))
    ):
        return False
    return bool(_BY.match(line) or split_byline(line)[1])


def parse_text(text: str, *, path: str, doc_id: str) -> Article:
    """Build an article from the text of a ``.txt`` file (see the module doc for layouts).

    :raises IngestError: the text is empty.
    """
    # Old Mac files end lines with a lone CR.
    lines = [
        clean_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    if start == len(lines):
        raise IngestError(path, "the file holds no text")

    byline = source = ""
    date: datetime | None = None
    header = [(i, line) for i, line in enumerate(lines[start:], start) if line][:2]
    for i, line in header:
        found = None if date else _as_date_line(line)
        if found:
            date, start = found, i + 1
        elif not byline and not date and _is_byline(line):
            byline, source = split_byline(line)
            start = i + 1
        else:
            break

    rest = lines[start:]
    first = next((i for i, line in enumerate(rest) if line), None)
    title = ""
    if (
        first is not None
        and len(rest[first]) <= MAX_HEADLINE_CHARS
        and len(rest[first].split()) <= MAX_HEADLINE_WORDS
    ):
        title = rest[first]
        rest = rest[first + 1 :]
    body = clean_body("\n".join(rest))
    if not title and not body:
        raise IngestError(path, "the file holds a byline or date but no article text")
    return Article(
        id=doc_id, path=path, title=title, body=body, byline=byline, source=source, date=date
    )


def read(path: Path, doc_id: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article]:
    """Yield the one article in a ``.txt`` file (gzip allowed).

    Text past twice the longest article (``options.max_article_chars``) is
    dropped before it is parsed: the body would be cut there anyway, and
    tidying a 100 MB line costs several times its size.
    """
    text = read_text(path, options)
    keep = 2 * options.max_article_chars + HEADER_CHARS
    yield parse_text(text[:keep] if len(text) > keep else text, path=str(path), doc_id=doc_id)
