"""The timeline's buckets and its SVG drawing."""

from __future__ import annotations

from xml.etree import ElementTree

import searcher
from searcher.web.timeline import Bucket, Timeline, timeline_json, timeline_of, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def results(months: tuple[tuple[str, int], ...]) -> searcher.SearchResults:
    facets = searcher.Facets(counts=(("source", ()), ("month", months)))
    return searcher.SearchResults("q", "q", sum(c for _, c in months), (), facets=facets)


def test_months_are_buckets_with_the_empty_ones_between() -> None:
    timeline = timeline_of(results((("2011-09", 1), ("2011-12", 2), ("", 4))))
    assert timeline.unit == "month"
    assert [(b.key, b.count) for b in timeline.buckets] == [
        ("2011-09", 1),
        ("2011-10", 0),
        ("2011-11", 0),
        ("2011-12", 2),
    ]
    assert timeline.undated == 4


def test_a_long_span_is_counted_by_year() -> None:
    timeline = timeline_of(results((("1987-02", 3), ("1987-03", 1), ("2011-10", 2))))
    assert timeline.unit == "year"
    assert timeline.buckets[0] == Bucket("1987", 4) and timeline.buckets[-1] == Bucket("2011", 2)
    assert len(timeline.buckets) == 25
    assert timeline_json(timeline)["buckets"][0] == {"key": "1987", "count": 4}


def test_no_dated_match_draws_nothing() -> None:
    timeline = timeline_of(results((("", 2),)))
    assert timeline.buckets == () and timeline.undated == 2
    assert timeline_svg(timeline, lambda b: "") == ""


def test_the_drawing_has_a_linked_bar_per_non_empty_bucket_and_axis_labels() -> None:
    timeline = Timeline("month", (Bucket("2011-09", 1), Bucket("2011-10", 0), Bucket("2011-11", 4)))
    svg = ElementTree.fromstring(timeline_svg(timeline, lambda b: f"/search?since={b.key}&x=<"))
    bars = svg.findall(f"{SVG}a")
    hrefs = [bar.get("href") for bar in bars]
    assert hrefs == ["/search?since=2011-09&x=<", "/search?since=2011-11&x=<"]
    heights = [float(bar.find(f"{SVG}rect").get("height")) for bar in bars]
    assert heights[1] == 4 * heights[0]
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert labels == ["4", "0", "2011-09", "2011-10", "2011-11"]
    assert bars[1].find(f"{SVG}title").text == "2011-11: 4 articles"
    assert svg.get("role") == "img" and "per month" in svg.get("aria-label")
