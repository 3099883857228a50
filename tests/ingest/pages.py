"""Pages for the HTML reader's tests: the fixture pages, and pages written inline."""

from __future__ import annotations

from pathlib import Path

from searcher.ingest.html import parse_html, read
from searcher.models import Article

PAGES = Path(__file__).parents[1] / "data" / "html"

PARAGRAPH = (
    "<article><p>"
    + "A sentence about the harbour, with enough words to count. " * 3
    + "</p></article>"
)


def page(name: str) -> Article:
    """Read one fixture page through the public reader."""
    return next(read(PAGES / name, name))


def inline(head: str, body: str = "") -> Article:
    """Parse a page made of ``head`` and ``body``."""
    page_bytes = f"<html><head>{head}</head><body>{body}</body></html>".encode()
    return parse_html(page_bytes, path="inline.html", doc_id="inline.html")
