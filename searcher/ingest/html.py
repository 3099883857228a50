"""HTML pages: headline, byline, date and body text, cleaned with BeautifulSoup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup

from searcher.dates import parse_date
from searcher.errors import IngestError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    ReadOptions,
    clean_body,
    clean_line,
    decode,
    read_bytes,
    split_byline,
)
from searcher.models import Article

#: Elements whose text is never article text.
DROP_TAGS = frozenset(
    {"script", "style", "noscript", "nav", "aside", "footer", "header", "form", "iframe",
     "svg", "button", "select", "template", "figure"}
)  # fmt: skip
#: ``<meta name|property>`` values that carry the byline, in order of trust.
META_AUTHOR = ("author", "byl", "article:author", "dc.creator", "parsely-author", "sailthru.author")
#: ``<meta name|property>`` values that carry the publication date, in order of trust.
META_DATE = (
    "article:published_time", "datepublished", "date", "dc.date", "dc.date.issued",
    "parsely-pub-date", "sailthru.date", "pubdate", "og:published_time",
)  # fmt: skip
META_TITLE = ("og:title", "twitter:title", "headline", "dc.title")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str:
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in names and key not in found and tag.get("content"):
            found[key] = clean_line(str(tag["content"]))
    return next((found[n] for n in names if n in found), "")


def parse_html(data: bytes, *, path: str, doc_id: str) -> Article:
    """Build an article from an HTML page's bytes.

    :raises IngestError: the page holds no text.
    """
    declared = _CHARSET.search(data[:4096])
    text = decode(data, declared=declared.group(1).decode("ascii") if declared else None)
    soup = BeautifulSoup(text, "lxml")
    title = _meta(soup, META_TITLE)
    if not title:
        heading = soup.find("h1") or soup.find("title")
        title = clean_line(heading.get_text(" ")) if heading else ""
    byline, source = split_byline(_meta(soup, META_AUTHOR))
    date_text = _meta(soup, META_DATE)
    if not date_text:
        time_tag = soup.find("time", attrs={"datetime": True})
        date_text = str(time_tag["datetime"]) if time_tag else ""
    url = ""
    link = soup.find("link", rel="canonical")
    if link and link.get("href"):
        url = str(link["href"])
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    container = soup.find("article") or soup.body or soup
    paragraphs = [clean_line(p.get_text(" ")) for p in container.find_all("p")]
    body = clean_body("\n\n".join(paragraphs)) or clean_body(container.get_text("\n"))
    if not title and not body:
        raise IngestError(path, "the page holds no text")
    return Article(
        id=doc_id,
        path=path,
        title=title,
        body=body,
        byline=byline,
        source=source,
        date=parse_date(date_text) if date_text else None,
        url=url,
    )


def read(path: Path, doc_id: str, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[Article]:
    """Yield the one article of an HTML page (gzip allowed)."""
    data = read_bytes(path, max_bytes=options.max_bytes)
    yield parse_html(data, path=str(path), doc_id=doc_id)
