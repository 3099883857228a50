"""The JSON shape of results, articles and stats: one place for every shell.

``searcher query --json``, ``show --json``, ``stats --json`` and the web API all
print what these functions return, so a program reading one reads the others.
Values are plain JSON types: dates as ISO 8601 strings, tuples as lists.

Dates are stored as UTC (the offset an article gave is applied when it is
read), so each is printed whole, in one form, with its offset:
``2011-10-17T00:00:00Z`` for an article dated to the day, and
``1987-02-26T15:01:01.790000Z``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from searcher.models import Article, Facets, Histogram, IndexStats, SearchHit, SearchResults


def iso(date: datetime | None) -> str | None:
    """ISO 8601 with the offset: ``Z`` for a stored (naive UTC) date.

    >>> iso(datetime(2011, 10, 17))
    '2011-10-17T00:00:00Z'
    >>> from datetime import timedelta, timezone
    >>> iso(datetime(2019, 11, 19, 13, tzinfo=timezone(timedelta(hours=-5))))
    '2019-11-19T13:00:00-05:00'
    """
    if date is None:
        return None
    if date.tzinfo is None:
        return date.isoformat() + "Z"
    text = date.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """One hit, as ``searcher query --json`` prints it."""
    data = asdict(hit)
    data["date"] = iso(hit.date)
    data["crawled"] = iso(hit.crawled)
    data["score"] = round(hit.score, 4)
    return data


def pages(total: int, per_page: int) -> int:
    """How many pages of ``per_page`` hits ``total`` matches fill."""
    return -(-total // per_page)


def results_json(results: SearchResults, per_page: int) -> dict[str, Any]:
    """One page of results, as ``searcher query --json`` prints it: the query,
    ``total`` matches (``total_exact``: false when it is an estimate from
    posting counts), ``page`` of ``pages``, the ``hits``, and ``facets`` when
    they were asked for."""
    data: dict[str, Any] = {
        "query": results.query,
        "total": results.total,
        "total_exact": results.total_exact,
        "page": results.page,
        "pages": pages(results.total, per_page),
        "per_page": per_page,
        "hits": [hit_json(hit) for hit in results.hits],
    }
    if results.suggestion:
        data["suggestion"] = results.suggestion
    if results.notes:
        data["notes"] = list(results.notes)
    if results.facets is not None:
        data.update(facets_json(results.facets))
    if results.histogram is not None:
        data.update(histogram_json(results.histogram))
    return data


def facets_json(facets: Facets) -> dict[str, Any]:
    """Facet counts: per facet name, ``{"value": ..., "count": n}`` buckets in
    the library's order; ``null`` is the value of articles without one."""
    return {
        "facets": {
            name: [{"value": value or None, "count": count} for value, count in counts]
            for name, counts in facets.counts
        }
    }


def histogram_json(histogram: Histogram) -> dict[str, Any]:
    """The date histogram: its interval, its buckets from the first match's
    date to the last (``end`` not included), and the undated matches."""
    return {
        "histogram": {
            "interval": histogram.interval,
            "buckets": [
                {
                    "label": bucket.label,
                    "start": bucket.start.isoformat(),
                    "end": bucket.end.isoformat(),
                    "count": bucket.count,
                }
                for bucket in histogram.buckets
            ],
            "undated": histogram.undated,
        }
    }


def article_json(article: Article) -> dict[str, Any]:
    """A whole article, as ``searcher show --json`` and ``extract --json`` print it."""
    data = asdict(article)
    data["date"] = iso(article.date)
    data["crawled"] = iso(article.crawled)
    return data


def stats_json(stats: IndexStats) -> dict[str, Any]:
    """What ``searcher stats --json`` prints."""
    data = asdict(stats)
    data["first_date"], data["last_date"] = iso(stats.first_date), iso(stats.last_date)
    for name in ("sources", "sections", "keywords"):
        data[name] = dict(getattr(stats, name))
    if stats.shards:
        data["shards"] = dict(stats.shards)
    else:
        del data["shards"]
    return data
