"""The timeline: the library's date histogram of a search, drawn as SVG.

The counts are :attr:`searcher.SearchResults.histogram` (a search made with
``histogram="auto"``): matching articles per day, week, month or year, the
interval chosen by the library from the span, over the whole matching set.
This module only draws them and says which dates each bar stands for.

The drawing is plain SVG made here, on the server: bars that are links (each
narrows ``since``/``until`` to its bucket), a title on each bar, the largest
count on the y axis and evenly spaced bucket labels on the x axis. Nothing in
it is script or inline style, so the Content-Security-Policy allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape

import searcher

#: The drawing's size in SVG units (it scales with the page) and its margins.
WIDTH, HEIGHT = 720, 150
LEFT, BOTTOM, TOP = 44, 24, 8
#: At most this many labels under the bars; no bar wider than this (a few
#: buckets stay bars, not a block).
MAX_LABELS = 8
MAX_STEP = 60.0


def bucket_dates(
    bucket: searcher.HistogramBucket, interval: str, since: str = "", until: str = ""
) -> tuple[str, str]:
    """The ``since`` and ``until`` that keep the articles of ``bucket`` and of
    the search's own ``since``/``until`` (as the page's parameters give them):
    the bucket's label for a day, month or year (which ``since`` and ``until``
    read as the whole period), its first and last day for a week; where the
    search's own date cuts into the bucket, the search's date stays."""
    if interval == "week":
        low, high = bucket.start.isoformat(), (bucket.end - timedelta(days=1)).isoformat()
    else:
        low = high = bucket.label
    start, end = datetime.combine(bucket.start, datetime.min.time()), None
    if bucket.end < datetime.max.date():
        end = datetime.combine(bucket.end, datetime.min.time())
    if since and searcher.date_range(since)[0] > start:
        low = since
    if until and end is not None and searcher.date_range(until)[1] < end:
        high = until
    return low, high


def _name(bucket: searcher.HistogramBucket, interval: str) -> str:
    """How a bar's title names its bucket."""
    if interval == "week":
        return f"week of {bucket.start.isoformat()} ({bucket.label})"
    return bucket.label


def _axis_label(bucket: searcher.HistogramBucket, interval: str) -> str:
    """How the x axis names a bucket: a week by its Monday."""
    return bucket.start.isoformat() if interval == "week" else bucket.label


def timeline_svg(
    histogram: searcher.Histogram, link: Callable[[searcher.HistogramBucket], str]
) -> str:
    """The histogram as an SVG element; ``link`` gives each non-empty bar's href."""
    buckets, interval = histogram.buckets, histogram.interval
    if not buckets:
        return ""
    peak = max(b.count for b in buckets) or 1
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    step = min(MAX_STEP, plot_w / len(buckets))
    gap = min(2.0, step / 4)
    label = (
        f"Matching articles per {interval}, "
        f"{_axis_label(buckets[0], interval)} to {_axis_label(buckets[-1], interval)}"
    )
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
                f"<title>{escape(_name(bucket, interval))}: {bucket.count} {noun}</title></a>"
            )
        if i % every == 0:
            middle = LEFT + (i + 0.5) * step
            parts.append(
                f'<text class="xlabel" x="{middle:.1f}" y="{HEIGHT - 6}">'
                f"{escape(_axis_label(bucket, interval))}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)
