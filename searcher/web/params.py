"""The parameters of a search, read from a URL's query string and checked.

A value we cannot use is a :class:`BadParameter` naming the parameter, which
the pages show as a 400 page and the API as ``{"error": ..., "parameter": ...}``;
dates are read by the library (:func:`searcher.date_range`), so ``since`` and
``until`` take every form ``searcher query --since`` takes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import quote, urlencode

import searcher

SORTS = ("relevance", "newest", "oldest")
#: The most hits one page may ask for, and the deepest page.
MAX_LIMIT = 100
MAX_PAGE = 1000
#: The longest filter value (source, byline, section, dates); queries have the library's limit.
MAX_VALUE_CHARS = 200
#: Filters passed to the library's ``filters=``, in the order the page shows them:
#: each parameter and the library's name for it (``section``, ``topics`` and
#: ``keyword`` all keep articles with that label; a place is a keyword).
FILTERS = {
    "source": "source",
    "byline": "byline",
    "section": "section",
    "topic": "topics",
    "place": "keyword",
}
#: The facets a search counts, in the order the page shows them (the library's
#: names; those with no value among the matches are not shown).
FACETS = ("source", "byline", "section", "topics", "places", "month")
#: The facets the page shows, and the parameter each one's links set.
FACET_FILTERS = {"source": "source", "byline": "byline", "section": "section",
                 "topics": "topic", "places": "place"}  # fmt: skip
#: The most values a facet of the API's ``facet_limit`` may ask for.
MAX_FACET_LIMIT = 1000


class BadParameter(Exception):
    """A query-string parameter we cannot use; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class SearchParams:
    """One search as a URL asks for it (empty strings: not given)."""

    q: str = ""
    page: int = 1
    limit: int = 10
    sort: str = "relevance"
    since: str = ""
    until: str = ""
    source: str = ""
    byline: str = ""
    section: str = ""
    topic: str = ""
    place: str = ""
    all: bool = False
    exact_total: bool = False

    def filters(self) -> dict[str, str]:
        """The ``filters=`` of :meth:`searcher.Index.search`."""
        return {FILTERS[name]: getattr(self, name) for name in FILTERS if getattr(self, name)}

    def search_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :meth:`searcher.Index.search` for this search."""
        return {
            "limit": self.limit,
            "page": self.page,
            "since": self.since or None,
            "until": self.until or None,
            "sort": self.sort,
            "filters": self.filters(),
            "facets": FACETS,
            "histogram": "auto",
            "collapse": not self.all,
            "exact_total": self.exact_total,
        }

    def query_string(self, **changes: Any) -> str:
        """The query string of this search with ``changes``, defaults left out."""
        changed = replace(self, **changes)
        pairs = []
        for field in fields(self):
            value = getattr(changed, field.name)
            if value != field.default:
                pairs.append((field.name, "1" if value is True else str(value)))
        return urlencode(pairs, quote_via=quote)

    def link(self, **changes: Any) -> str:
        """A link to ``/search`` for this search with ``changes`` (a new page of
        results starts at page 1 unless ``page`` is among them)."""
        changes.setdefault("page", 1)
        return "/search?" + self.query_string(**changes)

    @property
    def narrowed(self) -> bool:
        """Whether any filter or date range is set."""
        return bool(self.since or self.until or self.filters())


def _text(raw: Mapping[str, str], name: str, limit: int | None = MAX_VALUE_CHARS) -> str:
    value = raw.get(name, "")
    if limit is not None and len(value) > limit:
        raise BadParameter(name, f"The {name} parameter is longer than {limit} characters.")
    if "\x00" in value:
        raise BadParameter(name, f"The {name} parameter holds a NUL character.")
    return value.strip()


def _number(raw: Mapping[str, str], name: str, default: int, high: int) -> int:
    value = raw.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
        raise BadParameter(name, f"The {name} parameter must be a whole number from 1 to {high}.")
    return int(value)


def _date(raw: Mapping[str, str], name: str) -> str:
    value = _text(raw, name)
    if value:
        try:
            searcher.date_range(value)
        except searcher.DateError as exc:
            raise BadParameter(name, f"The {name} parameter: {exc}") from exc
    return value


def _flag(raw: Mapping[str, str], name: str) -> bool:
    value = raw.get(name, "").strip().lower()
    if value not in ("", "0", "1", "true", "false", "on", "off"):
        raise BadParameter(name, f"The {name} parameter must be 1 or 0 (true or false).")
    return value in ("1", "true", "on")


def read_search(raw: Mapping[str, str], *, need_query: bool) -> SearchParams:
    """Return the :class:`SearchParams` of a query string's values.

    :param need_query: a missing or blank ``q`` is a :class:`BadParameter`
        (the API); otherwise it reads as no search (the home page).
    :raises BadParameter: a value is malformed, out of range or too long.
    """
    sort = raw.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", f"The sort parameter must be one of {', '.join(SORTS)}.")
    query = _text(raw, "q", limit=None)
    if need_query and not query:
        raise BadParameter(
            "q", "The q parameter is missing; give words to search for, e.g. q=legal+immunity."
        )
    return SearchParams(
        q=query,
        page=_number(raw, "page", 1, MAX_PAGE),
        limit=_number(raw, "limit", 10, MAX_LIMIT),
        sort=sort,
        since=_date(raw, "since"),
        until=_date(raw, "until"),
        source=_text(raw, "source"),
        byline=_text(raw, "byline"),
        section=_text(raw, "section"),
        topic=_text(raw, "topic"),
        place=_text(raw, "place"),
        all=_flag(raw, "all"),
        exact_total=_flag(raw, "exact_total"),
    )


def read_facets(raw: Mapping[str, str]) -> tuple[tuple[str, ...], int | None]:
    """The API's ``facets`` (comma-separated names of :data:`FACETS`, or
    ``none``; default all of them) and ``facet_limit`` (values a facet at most;
    default all).

    :raises BadParameter: a name is not one of :data:`FACETS`, or the limit is
        not a whole number from 1 to :data:`MAX_FACET_LIMIT`.
    """
    value = _text(raw, "facets")
    names: tuple[str, ...] = FACETS
    if value.lower() == "none":
        names = ()
    elif value:
        asked = [name.strip().lower() for name in value.split(",") if name.strip()]
        wrong = [name for name in asked if name not in FACETS]
        if wrong or not asked:
            raise BadParameter(
                "facets",
                f"The facets parameter takes none or names from {', '.join(FACETS)}, "
                f"separated by commas (not a facet: {', '.join(wrong) or 'no name given'}).",
            )
        names = tuple(dict.fromkeys(asked))
    limit = _number(raw, "facet_limit", 0, MAX_FACET_LIMIT) or None
    return names, limit


def read_limit(raw: Mapping[str, str], default: int = 10) -> int:
    """The ``limit`` of a similar-articles request."""
    return _number(raw, "limit", default, MAX_LIMIT)
