"""The timeline: matching articles per day, month or year, and its SVG drawing.

The counts are the library's, over the whole matching set. Until
``Index.search(histogram=...)`` lands, :func:`timeline_of` reads them from the
month facets (so the finest bucket is a month); it is the one place to switch.
The bucket is chosen from the span: months up to :data:`MAX_MONTHS`, years past it.

The drawing is plain SVG made here, on the server: bars that are links (each
narrows ``since``/``until`` to its bucket), a title on each bar, the largest
count on the y axis and evenly spaced bucket labels on the x axis. Nothing in
it is script or inline style, so the Content-Security-Policy allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import searcher

#: Past this many months between the first and the last match, buckets are years.
MAX_MONTHS = 36
#: The drawing's size in SVG units (it scales with the page) and its margins.
WIDTH, HEIGHT = 720, 150
LEFT, BOTTOM, TOP = 44, 24, 8
#: At most this many labels under the bars; no bar wider than this (a few
#: buckets stay bars, not a block).
MAX_LABELS = 8
MAX_STEP = 60.0


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar: ``key`` is ``2011``, ``2011-10`` or ``2011-10-17``, which ``since``
    and ``until`` read as the whole year, month or day."""

    key: str
    count: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """Counts per ``unit`` (``"day"``, ``"month"`` or ``"year"``), every bucket
    from the first match to the last (empty ones too); ``undated`` matches are
    counted apart."""

    unit: str
    buckets: tuple[Bucket, ...]
    undated: int = 0


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    keys = []
    while (year, month) <= end:
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def timeline_of(results: searcher.SearchResults) -> Timeline:
    """The timeline of a search made with ``facets=True``."""
    months = dict(results.facets.months) if results.facets else {}
    undated = months.pop("", 0)
    if not months:
        return Timeline("month", (), undated)
    keys = _months(min(months), max(months))
    if len(keys) <= MAX_MONTHS:
        return Timeline("month", tuple(Bucket(k, months.get(k, 0)) for k in keys), undated)
    years: dict[str, int] = {}
    for key, count in months.items():
        years[key[:4]] = years.get(key[:4], 0) + count
    first, last = int(min(years)), int(max(years))
    buckets = tuple(Bucket(f"{y:04d}", years.get(f"{y:04d}", 0)) for y in range(first, last + 1))
    return Timeline("year", buckets, undated)


def timeline_json(timeline: Timeline) -> dict[str, object]:
    """The timeline as the JSON API gives it."""
    return {
        "unit": timeline.unit,
        "buckets": [{"key": b.key, "count": b.count} for b in timeline.buckets],
        "undated": timeline.undated,
    }


def timeline_svg(timeline: Timeline, link: Callable[[Bucket], str]) -> str:
    """The timeline as an SVG element; ``link`` gives each non-empty bar's href."""
    buckets = timeline.buckets
    if not buckets:
        return ""
    peak = max(b.count for b in buckets) or 1
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    step = min(MAX_STEP, plot_w / len(buckets))
    gap = min(2.0, step / 4)
    label = f"Matching articles per {timeline.unit}, {buckets[0].key} to {buckets[-1].key}"
    base = TOP + plot_h
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - 4}" y2="{base}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
        f'<text class="ylabel" x="{LEFT - 6}" y="{TOP + 9}">{peak}</text>',
        f'<text class="ylabel" x="{LEFT - 6}" y="{TOP + plot_h}">0</text>',
    ]
    every = max(1, -(-len(buckets) // MAX_LABELS))
    for i, bucket in enumerate(buckets):
        x = LEFT + i * step + gap / 2
        if bucket.count:
            height = max(1.0, bucket.count / peak * plot_h)
            noun = "article" if bucket.count == 1 else "articles"
            parts.append(
                f'<a class="bar" href="{escape(link(bucket))}">'
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" '
                f'width="{max(step - gap, 1):.1f}" height="{height:.1f}"/>'
                f"<title>{escape(bucket.key)}: {bucket.count} {noun}</title></a>"
            )
        if i % every == 0:
            middle = LEFT + (i + 0.5) * step
            parts.append(
                f'<text class="xlabel" x="{middle:.1f}" y="{HEIGHT - 6}">'
                f"{escape(bucket.key)}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)
