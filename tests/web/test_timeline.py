"""The timeline's drawing of the library's histogram, and the dates each bar keeps."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import searcher
from searcher.web.timeline import bucket_dates, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def bucket(start: date, end: date, label: str, count: int = 1) -> searcher.HistogramBucket:
    return searcher.HistogramBucket(start=start, end=end, label=label, count=count)


OCTOBER = bucket(date(2011, 10, 1), date(2011, 11, 1), "2011-10")
WEEK_42 = bucket(date(2011, 10, 17), date(2011, 10, 24), "2011-W42")


def test_a_day_month_or_year_bar_keeps_its_period_by_its_label() -> None:
    day = bucket(date(2011, 10, 17), date(2011, 10, 18), "2011-10-17")
    assert bucket_dates(day, "day") == ("2011-10-17", "2011-10-17")
    assert bucket_dates(OCTOBER, "month") == ("2011-10", "2011-10")
    assert bucket_dates(bucket(date(1987, 1, 1), date(1988, 1, 1), "1987"), "year") == (
        "1987",
        "1987",
    )


def test_a_week_bar_keeps_monday_to_sunday() -> None:
    assert bucket_dates(WEEK_42, "week") == ("2011-10-17", "2011-10-23")
    since, until = bucket_dates(WEEK_42, "week")
    assert searcher.date_range(since)[0].date() == WEEK_42.start
    assert searcher.date_range(until)[1].date() == WEEK_42.end


def test_a_bar_never_widens_the_dates_the_search_already_keeps() -> None:
    assert bucket_dates(OCTOBER, "month", "2011-10-12", "2011-10-20") == (
        "2011-10-12",
        "2011-10-20",
    )
    assert bucket_dates(OCTOBER, "month", "2011-09-01", "2011-12") == ("2011-10", "2011-10")
    assert bucket_dates(WEEK_42, "week", "2011-10-19") == ("2011-10-19", "2011-10-23")


def test_no_dated_match_draws_nothing() -> None:
    assert timeline_svg(searcher.Histogram("day", (), undated=2), lambda b: "") == ""


def test_the_drawing_has_a_linked_bar_per_non_empty_bucket_and_axis_labels() -> None:
    histogram = searcher.Histogram(
        "month",
        (
            bucket(date(2011, 9, 1), date(2011, 10, 1), "2011-09", 1),
            bucket(date(2011, 10, 1), date(2011, 11, 1), "2011-10", 0),
            bucket(date(2011, 11, 1), date(2011, 12, 1), "2011-11", 4),
        ),
    )
    svg = ElementTree.fromstring(timeline_svg(histogram, lambda b: f"/search?since={b.label}&x=<"))
    bars = svg.findall(f"{SVG}a")
    hrefs = [bar.get("href") for bar in bars]
    assert hrefs == ["/search?since=2011-09&x=<", "/search?since=2011-11&x=<"]
    heights = [float(bar.find(f"{SVG}rect").get("height")) for bar in bars]
    assert heights[1] == 4 * heights[0]
    labels = [t.text for t in svg.findall(f"{SVG}text")]
    assert labels == ["4", "0", "2011-09", "2011-10", "2011-11"]
    assert bars[1].find(f"{SVG}title").text == "2011-11: 4 articles"
    assert svg.get("role") == "img" and "per month" in svg.get("aria-label")


def test_weeks_are_labelled_by_their_monday() -> None:
    histogram = searcher.Histogram("week", (WEEK_42,))
    svg = ElementTree.fromstring(timeline_svg(histogram, lambda b: "/x"))
    assert [t.text for t in svg.findall(f"{SVG}text")][-1] == "2011-10-17"
    assert svg.find(f"{SVG}a/{SVG}title").text == "week of 2011-10-17 (2011-W42): 1 article"
