"""Facet counts: how many matching articles each source, byline, section,
keyword, Reuters topic or place, month or year holds.

Counted over the whole matching set, not one page of hits, from columns filled
at index time, one read per matching document: ``source_key`` (the source as
printed) and ``month`` (``2011-10``; years are read from it), and
``facet_keys`` (the byline, keywords and kind-tagged labels of
:func:`searcher.schema.facet_keys`). Reading columns for the matching
documents is several times faster than Whoosh's ``groupedby``, which scores
every match.

Part of the present stage. Imports ``searcher.models`` and ``searcher.schema``;
it reads any Whoosh reader it is given, through its public methods.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from searcher.errors import ArgumentTypeError, QueryError
from searcher.models import FacetCounts, Facets
from searcher.schema import count_facet_keys

LOGGER = logging.getLogger(__name__)

#: Facets of one value per article, each read from a sortable column of its own
#: (``year`` from the month's first four characters).
COLUMN_FACETS = {"source": "source_key", "month": "month", "year": "month"}
#: Facets read from the ``facet_keys`` column. ``byline`` has one value an
#: article (like source, month and year, articles without one count under
#: ``""``); the others (labels given by the sources: the folder's or the
#: record's section, Reuters' topics, places, people, organisations,
#: exchanges and companies, and all of these as ``keywords``) may have several.
KEYED_FACETS = (
    "byline", "section", "keywords", "topics", "places", "people", "orgs", "exchanges",
    "companies",
)  # fmt: skip
#: Every facet a search may ask for, in the order help texts list them.
FACET_NAMES = ("source", *KEYED_FACETS, "month", "year")
#: The facets counted when facets are asked for without names.
DEFAULT_FACETS = ("source", "month")
#: Other spellings people use for a facet's name.
ALIASES = {
    "sources": "source", "bylines": "byline", "author": "byline", "authors": "byline",
    "sections": "section", "keyword": "keywords", "topic": "topics", "place": "places",
    "person": "people", "org": "orgs", "exchange": "exchanges", "company": "companies",
    "months": "month", "years": "year",
}  # fmt: skip


def facet_names(asked: bool | str | Iterable[str]) -> tuple[str, ...]:
    """Return the facets ``asked`` names, checked: ``True`` is
    :data:`DEFAULT_FACETS`, ``False`` none; names may be given as one
    comma-separated string.

    :raises QueryError: a name is not a facet; the message lists those there are.
    """
    if asked is True:
        return DEFAULT_FACETS
    if asked is False:
        return ()
    names = (
        asked.split(",")
        if isinstance(asked, str)
        else list(asked)
        if isinstance(asked, Iterable)
        else None
    )
    if names is None or not all(isinstance(n, str) for n in names):
        raise ArgumentTypeError(
            f"facets must be True, False or facet names, not {type(asked).__name__}"
        )
    wanted: dict[str, None] = {}
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        name = ALIASES.get(name, name)
        if name not in FACET_NAMES:
            raise QueryError(
                f"{raw.strip()!r} is not a facet: use one or more of {', '.join(FACET_NAMES)}"
            )
        wanted[name] = None
    if not wanted:
        raise QueryError(f"no facet named: use one or more of {', '.join(FACET_NAMES)}")
    return tuple(wanted)


def count_facets(
    reader: Any, docnums: Iterable[int], names: Sequence[str] = DEFAULT_FACETS
) -> Facets:
    """Return the :class:`Facets` ``names`` (checked by :func:`facet_names`) of
    the documents ``docnums`` of a Whoosh reader."""
    matching = sorted(docnums)
    counters: dict[str, Counter[str]] = {}
    for name in names:
        if name in COLUMN_FACETS:
            counters[name] = _column_counts(reader, name, matching)
    keyed = [name for name in names if name in KEYED_FACETS]
    if keyed:
        counters.update(_keyed_counts(reader, keyed, matching))
    return Facets(counts=tuple((name, _ordered(name, counters[name])) for name in names))


def merge_facets(parts: Sequence[Facets]) -> Facets:
    """The facets of the union of disjoint sets of articles (a sharded index's
    shards) whose facets, counted by the same names, are ``parts``."""
    if not parts:
        return Facets()
    names = parts[0].names
    totals: dict[str, Counter[str]] = {name: Counter() for name in names}
    for part in parts:
        for name, counts in part.counts:
            totals[name].update(dict(counts))
    return Facets(counts=tuple((name, _ordered(name, totals[name])) for name in names))


def _column_counts(reader: Any, name: str, docnums: list[int]) -> Counter[str]:
    field = COLUMN_FACETS[name]
    if not reader.has_column(field):
        return Counter({"": len(docnums)}) if docnums else Counter()
    column = reader.column_reader(field)
    counts = Counter(str(column[docnum] or "") for docnum in docnums)
    if name == "year":
        years: Counter[str] = Counter()
        for month, count in counts.items():
            years[month[:4]] += count
        return years
    return counts


def _keyed_counts(reader: Any, names: list[str], docnums: list[int]) -> dict[str, Counter[str]]:
    counters = {name: Counter[str]() for name in names}
    count_facet_keys(reader, docnums, counters)
    if "byline" in counters and docnums:  # one byline an article: the rest have none
        missing = len(docnums) - counters["byline"].total()
        if missing:
            counters["byline"][""] = missing
    return counters


def _ordered(name: str, counts: Counter[str]) -> FacetCounts:
    if name in Facets.DATED:  # undated ("") last, after the dates
        return tuple(sorted(counts.items(), key=lambda kv: (kv[0] == "", kv[0])))
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
