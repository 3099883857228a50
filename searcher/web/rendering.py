"""HTML from Jinja2 templates, with article text made inert.

Templates autoescape everything, and the filters here show control, bidi and
invisible format characters as visible escapes (:func:`safe_text`), as the
terminal does; so no text from an article can become markup, script or
reordered text. Only ``http(s)`` URLs become links.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from starlette.responses import HTMLResponse

from searcher.text.safety import safe_text

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("searcher.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def shown_date(date: datetime | None) -> str:
    """A date for people: the day, and the time to the minute when known."""
    if date is None:
        return ""
    return f"{date:%Y-%m-%d}" if date.time() == datetime.min.time() else f"{date:%Y-%m-%d %H:%M}"


def article_href(article_id: str, query: str = "") -> str:
    """The page of the article with id ``article_id``, its ``query``'s words marked."""
    href = "/article/" + quote(article_id, safe="/")
    return href + ("?q=" + quote(query, safe="") if query else "")


def web_url(url: str) -> str:
    """``url`` when it is an ``http(s)`` URL with a host (safe to link to), else ``""``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return url.strip() if safe_text(url.strip()) == url.strip() else ""


def _text(value: object) -> str:
    return safe_text("" if value is None else str(value))


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


ENVIRONMENT.filters.update(text=_text, date=shown_date, paragraphs=_paragraphs)
ENVIRONMENT.globals.update(article_href=article_href, web_url=web_url)


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` made with ``context``."""
    return HTMLResponse(ENVIRONMENT.get_template(template).render(**context), status_code=status)
