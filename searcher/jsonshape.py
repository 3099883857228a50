"""The JSON shape of results, articles and stats: one place for every shell.

``searcher query --json``, ``show --json``, ``stats --json`` and the web API all
print what these functions return, so a program reading one reads the others.
Values are plain JSON types: dates as ISO 8601 strings, tuples as lists.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from searcher.models import Article, Facets, Histogram, IndexStats, SearchHit


def iso(date: datetime | None) -> str | None:
    """ISO 8601: the day alone when no time of day is known."""
    if date is None:
        return None
    return date.date().isoformat() if date.time() == datetime.min.time() else date.isoformat()


def hit_json(hit: SearchHit) -> dict[str, Any]:
    """One hit, as ``searcher query --json`` prints it."""
    data = asdict(hit)
    data["date"] = iso(hit.date)
    data["crawled"] = iso(hit.crawled)
    data["score"] = round(hit.score, 4)
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
