"""The facets beside the hits: the library's counts over the whole matching
set, each value a link that narrows the search to it.

The counts are :attr:`searcher.SearchResults.facets` of a search asking for
:data:`searcher.web.params.FACETS`; this module only turns them into links
(the same search with one filter set) and leaves out facets that have no
value among the matches (no bylines in a corpus without them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import searcher
from searcher.web.params import FACET_FILTERS, SearchParams
from searcher.web.timeline import bucket_dates

#: Each facet's heading on the page.
TITLES = {
    "source": "Sources",
    "byline": "Bylines",
    "section": "Sections",
    "topics": "Topics",
    "places": "Places",
    "month": "Months",
}
#: How many values a facet shows before the rest fold under "N more", and the most it lists.
SHOWN = 8
MOST = 50


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet: ``href`` narrows the search to it (``""``: it is
    the value already chosen, or articles without a value); ``current`` marks
    the chosen one."""

    value: str
    count: int
    href: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class FacetGroup:
    """One facet: ``name`` (the library's), ``title``, the values shown, the
    folded rest, and how many values with fewer articles are not listed."""

    name: str
    title: str
    shown: tuple[FacetValue, ...]
    more: tuple[FacetValue, ...]
    unlisted: int = 0


def _month_link(params: SearchParams, month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    start = date(year, number, 1)
    end = date(year + number // 12, number % 12 + 1, 1)
    bucket = searcher.HistogramBucket(start=start, end=end, label=month, count=0)
    since, until = bucket_dates(bucket, "month", params.since, params.until)
    return params.link(since=since, until=until)


def _value(params: SearchParams, name: str, value: str, count: int) -> FacetValue:
    if not value:
        return FacetValue("", count, "")
    if name == "month":
        return FacetValue(value, count, _month_link(params, value))
    parameter = FACET_FILTERS[name]
    if getattr(params, parameter).strip().lower() == value.strip().lower():
        return FacetValue(value, count, "", current=True)
    return FacetValue(value, count, params.link(**{parameter: value}))


def facet_groups(params: SearchParams, facets: searcher.Facets | None) -> list[FacetGroup]:
    """The facets of a search to show, in the library's order, each with its links."""
    groups = []
    for name, counts in facets.counts if facets else ():
        if name not in TITLES or not any(value for value, _ in counts):
            continue
        values = [_value(params, name, value, count) for value, count in counts[:MOST]]
        if name != "month":  # articles without a value last, after those with one
            values.sort(key=lambda v: not v.value)
        shown, more = tuple(values[:SHOWN]), tuple(values[SHOWN:])
        groups.append(FacetGroup(name, TITLES[name], shown, more, len(counts) - len(values)))
    return groups
