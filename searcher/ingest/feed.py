"""News feeds: RSS 0.9x, 1.0 (RDF) and 2.0, and Atom, read with ``feedparser``.

Each entry becomes one article: its title; its author(s) as the byline; its
published date, else its updated date (``None`` when it has neither: never
the time it was read); its link, made absolute against the feed's own link
where it is relative; and as body its full content, else its summary, with
the HTML read by the HTML reader's text path
(:func:`searcher.ingest.html.fragment_text`).

The article id is ``feed:`` plus the entry's ``guid`` (RSS) or ``id`` (Atom),
else its link, and is the same in every file: an entry that successive feed
files repeat is indexed once, not once a file, as the last file in corpus
order gives it (later files update it; see :mod:`searcher.indexing.committing`).
An entry with neither id nor link is named by its place in the file.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser

from searcher.errors import IngestError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    FEED_ID_PREFIX,
    ReadOptions,
    clean_line,
    looks_like_feed,
    read_bytes,
    split_byline,
)
from searcher.ingest.html import fragment_text
from searcher.models import Article

LOGGER = logging.getLogger(__name__)

#: The start of an article id read from a feed: ids are the feed's, not the file's.
ID_PREFIX = FEED_ID_PREFIX


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), UTC).replace(tzinfo=None)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _byline(entry: Any) -> str:
    names = [clean_line(a.get("name", "")) for a in entry.get("authors", []) if a.get("name")]
    if not names and entry.get("author"):
        names = [clean_line(entry["author"])]
    return ", ".join(dict.fromkeys(n for n in names if n))


def _text(detail: Any, fallback: str = "") -> str:
    """The text of a feedparser text construct (HTML or plain)."""
    if not detail:
        return fallback
    value = detail.get("value", "") or ""
    if "html" in (detail.get("type") or "") or "<" in value:
        return fragment_text(value)
    return value


def _body(entry: Any) -> str:
    contents = [c for c in entry.get("content", []) if (c.get("value") or "").strip()]
    if contents:
        return _text(max(contents, key=lambda c: len(c.get("value", ""))))
    return _text(entry.get("summary_detail"), entry.get("summary", ""))


def parse_feed(data: bytes, *, path: str, doc_id: str) -> Iterator[Article]:
    """Yield the entries of a feed as articles.

    :raises IngestError: the bytes are not a feed, or hold no entry.
    """
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    version = parsed.get("version") or ""
    if not version:
        why = parsed.get("bozo_exception")
        detail = f" ({clean_line(str(why))[:200]})" if why else ""
        raise IngestError(path, f"not an RSS or Atom feed{detail}")
    if parsed.get("bozo"):
        LOGGER.info("%s: read as %s despite: %s", path, version, parsed.get("bozo_exception"))
    base = parsed.feed.get("link", "")
    source = clean_line(parsed.feed.get("title", ""))
    if not parsed.entries:
        raise IngestError(path, f"the {version} feed holds no entry")
    for number, entry in enumerate(parsed.entries, 1):
        link = entry.get("link", "")
        url = urljoin(base, link) if base and link else link
        key = entry.get("id") or url or f"{doc_id}#{number}"
        byline = _byline(entry)
        title_detail = entry.get("title_detail")
        title = clean_line(_text(title_detail, entry.get("title", "")))
        yield Article(
            id=ID_PREFIX + clean_line(key),
            path=path,
            title=title,
            body=_body(entry),
            byline=byline,
            source=split_byline(byline)[1] or source,
            date=_date(entry),
            url=url,
            keywords=tuple(
                dict.fromkeys(
                    clean_line(t.get("term", "")) for t in entry.get("tags", []) if t.get("term")
                )
            ),
        )


def read(path: Path, doc_id: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article]:
    """Yield every entry of an RSS or Atom feed file (gzip allowed)."""
    data = read_bytes(path, max_bytes=options.max_bytes)
    yield from parse_feed(data, path=str(path), doc_id=doc_id)


__all__ = ["ID_PREFIX", "looks_like_feed", "parse_feed", "read"]
