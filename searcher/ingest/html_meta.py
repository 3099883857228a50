"""Metadata of a news page: headline, byline, date, publisher and canonical URL.

Sources, in order of trust: JSON-LD (``NewsArticle``, ``Article``...), then
OpenGraph and ``<meta>`` tags, then ``<time datetime>``, ``rel=author`` links
and byline-classed elements, then ``<h1>`` and ``<title>``. The names each
field is read from are data, below.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup, Tag

from searcher.ingest._common import clean_line
from searcher.text.dates import parse_date

LOGGER = logging.getLogger(__name__)

#: JSON-LD ``@type`` values that describe the article itself.
ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
        "askpublicnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
        "techarticle", "scholarlyarticle", "report", "creativework",
    }
)  # fmt: skip
#: ``<meta name|property|itemprop>`` keys for the headline, in order of trust.
META_TITLE = (
    "og:title", "twitter:title", "headline", "dc.title", "parsely-title", "sailthru.title",
)  # fmt: skip
#: Keys for the byline, in order of trust.
META_AUTHOR = (
    "author", "byl", "article:author", "dc.creator", "parsely-author", "sailthru.author",
    "citation_author", "twitter:creator",
)  # fmt: skip
#: Keys for the publication date, in order of trust.
META_DATE = (
    "article:published_time", "datepublished", "og:published_time", "published_time",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dc.date", "date", "pubdate",
    "publishdate", "publish-date", "citation_publication_date", "article.published",
    "datecreated",
)  # fmt: skip
#: Keys for the last-modified date, used when the page states no publication date.
META_MODIFIED = ("article:modified_time", "datemodified", "og:updated_time", "last-modified")
#: Dates before this year are placeholders (``0001-01-01``), not publication dates.
MIN_YEAR = 1900
#: Keys for the publisher or site name.
META_SOURCE = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
#: Keys for the canonical URL, after ``<link rel=canonical>``.
META_URL = ("og:url", "twitter:url", "parsely-link")
#: Class or id words of elements that hold the byline.
BYLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:byline|author|authors|writer|contributor)s?(?:$|[\s_-])")
#: Tags the metadata pass looks at; one tree walk finds them all.
META_TAGS = ("meta", "link", "script", "time", "title", "h1", "a")
#: Separators between a headline and a site name in ``<title>``.
TITLE_SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " « ", " » ", " · ")
#: A trailing ``<title>`` part of at most this many words is a site name.
MAX_SITE_WORDS = 4

_BY = re.compile(r"^\s*(?:by|from|written by|posted by|por)\s*[:\s]\s*", re.IGNORECASE)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_JSON_WRAPPER = re.compile(r"^\s*(?://\s*)?<!(?:--|\[CDATA\[)|(?://\s*)?(?:\]\]|--)>\s*$")
# A date printed after the name in a byline element: "Jeff Foust Monday, November 18".
_TRAILING_DATE = re.compile(
    r"\s*(?:[,|·•–—-]\s*)?(?:on\s+|updated:?\s+|published:?\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d{1,4}[/.-]\d).*$",
    re.IGNORECASE,
)
_LINK = re.compile(r"(?:https?:)?//|www\.", re.IGNORECASE)
_URLISH = re.compile(r"^(?:https?:)?//|^www\.|^[\w.-]+\.(?:com|org|net)(?:/|$)", re.IGNORECASE)
_MAX_NAME_CHARS = 80


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself; empty strings where it says nothing."""

    title: str = ""
    byline: str = ""
    source: str = ""
    date: datetime | None = None
    url: str = ""
    body_hint: str = ""
    keywords: tuple[str, ...] = ()


def _text(value: Any) -> str:
    """The text of a JSON-LD or meta value: a string, an object's name, a list's first."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name")
    return clean_line(html.unescape(value)) if isinstance(value, str) else ""


def _names(value: Any) -> list[str]:
    """Author names from a JSON-LD ``author`` value (string, object, or list of those)."""
    names = (_text(item) for item in (value if isinstance(value, list) else [value]))
    return [name for name in names if name]


def _walk_json(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_json(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        graph = node.get("@graph")
        if graph is not None:
            yield from _walk_json(graph, depth + 1)


def _is_article(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds)


def _load_json(script: str) -> Any:
    """Parse a JSON-LD block, forgiving trailing commas and comment wrappers."""
    try:
        return json.loads(script, strict=False)
    except (ValueError, RecursionError):
        pass
    return json.loads(_TRAILING_COMMA.sub(r"\1", _JSON_WRAPPER.sub("", script)), strict=False)


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """Replace ``{"@id": ...}`` references (Yoast's ``@graph``) by the nodes they name."""
    if isinstance(value, list):
        return [_resolve_one(item, by_id) for item in value]
    return _resolve_one(value, by_id)


def _resolve_one(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(str(value["@id"]), value)
    return value


def json_ld_article(scripts: list[str], *, path: str = "") -> dict[str, Any]:
    """Return the page's JSON-LD article object (``@id`` references resolved), or ``{}``.

    The first object stating ``datePublished`` (often the ``WebPage``) lends its
    dates and author when the article lacks them. Blocks that are not valid JSON
    are logged and ignored.

    >>> json_ld_article(['{"@graph": [{"@type": "Person", "@id": "#p", "name": "Al Bo"},'
    ...                  ' {"@type": "NewsArticle", "author": {"@id": "#p"},}]}'])["author"]
    {'@type': 'Person', '@id': '#p', 'name': 'Al Bo'}
    """
    nodes: list[dict[str, Any]] = []
    for script in scripts:
        try:
            nodes.extend(_walk_json(_load_json(script)))
        except (ValueError, RecursionError):
            LOGGER.info("%s: ignoring a JSON-LD block that is not valid JSON", path or "page")
    by_id = {str(n["@id"]): n for n in nodes if isinstance(n.get("@id"), str)}
    article = next((n for n in nodes if _is_article(n)), None)
    dated = next((n for n in nodes if "datePublished" in n), {})
    found = dict(article or {})
    for key in ("datePublished", "dateModified", "author"):
        if key not in found and key in dated:
            found[key] = dated[key]
    for key in ("author", "publisher"):
        if key in found:
            found[key] = _resolve(found[key], by_id)
    return found


def _meta_map(tags: list[Tag]) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tags:
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str) and content.strip():
            found.setdefault(key.strip().lower(), content)
    return found


def _first(found: dict[str, str], keys: tuple[str, ...]) -> str:
    return next((_text(found[k]) for k in keys if k in found), "")


def _person(text: str) -> str:
    """Tidy one author name; empty when it looks like a URL or a sentence."""
    text = _TRAILING_DATE.sub("", _BY.sub("", clean_line(text))).strip(" ,;|")
    if not text or len(text) > _MAX_NAME_CHARS or _URLISH.search(text) or text.startswith("@"):
        return ""
    return text


def _join_names(names: list[str]) -> str:
    seen: dict[str, str] = {}
    for raw in names:
        name = _person(raw)
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return ", ".join(seen.values())


def _looks_like_site(part: str, site: str) -> bool:
    """A title part is a site name: the known one, or a few capitalised words."""
    part = part.strip()
    if site and part.lower() == site.lower():
        return True
    words = part.split()
    return 0 < len(words) <= MAX_SITE_WORDS and all(
        not w[0].isalpha() or w[0].isupper() for w in words
    )


def strip_site_name(title: str, site: str) -> str:
    """Drop a trailing (or leading) site name from a page title.

    >>> strip_site_name("Rates rise again | The Daily Post", "")
    'Rates rise again'
    >>> strip_site_name("Daily Post - Rates rise again in March", "Daily Post")
    'Rates rise again in March'
    """
    for sep in TITLE_SEPARATORS:
        if sep not in title:
            continue
        first, _, rest = title.partition(sep)
        if site and first.strip().lower() == site.lower() and rest.strip():
            return rest.strip()
        head, _, tail = title.rpartition(sep)
        if len(head.split()) >= 2 and _looks_like_site(tail, site):
            return head.strip()
    return title


def _date(*candidates: str) -> datetime | None:
    """Return the first candidate that reads as a plausible date."""
    for candidate in candidates:
        parsed = parse_date(candidate) if candidate else None
        if parsed and parsed.year >= MIN_YEAR:
            return parsed
    return None


def _microdata_date(soup: BeautifulSoup) -> datetime | None:
    """The date of an ``itemprop=datePublished`` element, from its attributes or text."""
    tag = soup.find(None, {"itemprop": "datePublished"})
    if tag is None:
        return None
    value = tag.get("content") or tag.get("datetime")
    return _date(value if isinstance(value, str) else "", clean_line(tag.get_text(" ")))


def _time_date(times: list[Tag]) -> datetime | None:
    ranked = sorted(
        times,
        key=lambda t: not (t.has_attr("pubdate") or t.get("itemprop") == "datePublished"),
    )
    for tag in ranked:
        value = tag.get("datetime")
        if isinstance(value, str) and (parsed := _date(value)):
            return parsed
    return None


def _byline_elements(soup: BeautifulSoup) -> list[str]:
    """Author names printed in ``itemprop=author`` or byline-classed elements."""
    names: list[str] = []
    for tag in soup.find_all(None, {"itemprop": "author"}, limit=5):
        inner = tag.find(None, {"itemprop": "name"})
        names.append((inner or tag).get_text(" ")[: _MAX_NAME_CHARS * 2])
    if names:
        return names
    for tag in soup.find_all(class_=BYLINE_CLASS, limit=5):
        if "comment" in str(tag.get("class")) or tag.find_parent("form") is not None:
            continue  # the comment form's "Name" field, a commenter's name
        text = clean_line(tag.get_text(" "))
        if 0 < len(text) <= _MAX_NAME_CHARS and len(text.split()) <= 10:
            return [text]
    return []


def read_meta(soup: BeautifulSoup, *, path: str = "") -> PageMeta:
    """Collect a page's metadata from its parsed tree."""
    by_name: dict[str, list[Tag]] = {name: [] for name in META_TAGS}
    for node in soup.descendants:  # a plain walk is several times faster than find_all
        if type(node) is Tag and node.name in by_name:
            by_name[node.name].append(node)
    scripts = [
        s.get_text()
        for s in by_name["script"]
        if str(s.get("type", "")).lower().strip() == "application/ld+json"
    ]
    ld = json_ld_article(scripts, path=path)
    meta = _meta_map(by_name["meta"])
    publisher = ld.get("publisher")
    source = _text(publisher) if publisher else ""
    source = source or _first(meta, META_SOURCE).lstrip("@")
    source = "" if _LINK.match(source) else source

    # The JSON-LD headline is the headline; page titles may carry the site name.
    title = _text(ld.get("headline"))
    if not title:
        title = _first(meta, META_TITLE)
        heading = next((clean_line(h.get_text(" ")) for h in by_name["h1"]), "")
        title = (
            title or heading or next((clean_line(t.get_text(" ")) for t in by_name["title"]), "")
        )
        title = strip_site_name(title, source)

    byline = _join_names(_names(ld.get("author")))
    from_meta = (_join_names([_text(meta[key])]) for key in META_AUTHOR if key in meta)
    byline = byline or next((name for name in from_meta if name), "")
    rel_author = [a.get_text(" ") for a in by_name["a"] if "author" in (a.get("rel") or [])]
    byline = byline or _join_names(rel_author[:3]) or _join_names(_byline_elements(soup))

    date = _date(_text(ld.get("datePublished")), _first(meta, META_DATE))
    date = date or _time_date(by_name["time"]) or _microdata_date(soup)
    date = date or _date(_text(ld.get("dateCreated")), _first(meta, META_MODIFIED))
    date = date or _date(_text(ld.get("dateModified")))

    url = ""
    for link in by_name["link"]:
        if "canonical" in (link.get("rel") or []) and isinstance(link.get("href"), str):
            url = str(link["href"]).strip()
            break
    url = url or _first(meta, META_URL) or _text(ld.get("url"))

    keywords = ld.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    return PageMeta(
        title=title,
        byline=byline,
        source=source,
        date=date,
        url=url,
        body_hint=_text(ld.get("articleBody")) if isinstance(ld.get("articleBody"), str) else "",
        keywords=tuple(k for k in (_text(k) for k in keywords or ()) if k)[:20]
        if isinstance(keywords, list)
        else (),
    )
