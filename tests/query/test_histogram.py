"""The date histogram: matching articles by day, week, month or year, empty buckets included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli

DATES = [
    datetime(2011, 10, 3, 8, 0),
    datetime(2011, 10, 4),
    datetime(2011, 10, 17),
    datetime(2011, 12, 31, 23, 59),
    datetime(2012, 1, 2),
    None,
]


@pytest.fixture
def dated(index_env: Path) -> Iterator[searcher.Index]:
    articles = [
        searcher.Article(
            id=f"d{n}",
            path=f"d{n}.txt",
            title=f"Harbour report {n}",
            body=f"The harbour story {n}: " + " ".join(f"w{n}x{i}" for i in range(20)),
            date=when,
        )
        for n, when in enumerate(DATES)
    ]
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(articles)
        yield ix


def _counts(histogram: searcher.Histogram | None) -> list[tuple[str, int]]:
    assert histogram is not None
    return [(b.label, b.count) for b in histogram.buckets]


def test_month_buckets_run_from_first_to_last_with_empty_ones(dated: searcher.Index) -> None:
    histogram = dated.search("harbour", histogram="month").histogram
    assert _counts(histogram) == [("2011-10", 3), ("2011-11", 0), ("2011-12", 1), ("2012-01", 1)]
    assert histogram is not None and histogram.undated == 1
    first = histogram.buckets[0]
    assert (first.start, first.end) == (date(2011, 10, 1), date(2011, 11, 1))
    assert sum(b.count for b in histogram.buckets) + histogram.undated == 6


def test_weeks_are_iso_weeks_and_years_and_days_add_up(dated: searcher.Index) -> None:
    weeks = dated.search("harbour", histogram="week").histogram
    assert weeks is not None and weeks.buckets[0].label == "2011-W40"
    assert weeks.buckets[0].start == date(2011, 10, 3) and weeks.buckets[0].count == 2
    assert weeks.buckets[-1].label == "2012-W01" and weeks.buckets[-1].count == 1
    assert _counts(dated.search("harbour", histogram="year").histogram) == [
        ("2011", 4),
        ("2012", 1),
    ]
    days = dated.search("harbour", histogram="day").histogram
    assert days is not None and len(days.buckets) == (date(2012, 1, 2) - date(2011, 10, 3)).days + 1
    assert sum(b.count for b in days.buckets) == 5


def test_auto_picks_the_finest_interval_that_fits(dated: searcher.Index) -> None:
    histogram = dated.search("harbour", histogram="auto").histogram
    assert histogram is not None and histogram.interval == "week"
    narrow = dated.search("harbour", histogram="auto", until="2011-10-04").histogram
    assert narrow is not None and narrow.interval == "day"
    assert _counts(narrow) == [("2011-10-03", 1), ("2011-10-04", 1)]


def test_histogram_follows_the_query_and_filters(dated: searcher.Index) -> None:
    histogram = dated.search("harbour", histogram="month", since="2011-12").histogram
    assert _counts(histogram) == [("2011-12", 1), ("2012-01", 1)]
    assert histogram is not None and histogram.undated == 0
    nothing = dated.search("zebra", histogram="month").histogram
    assert nothing is not None and nothing.buckets == () and nothing.undated == 0
    assert dated.search("harbour").histogram is None


def test_bad_intervals_are_refused_by_name(dated: searcher.Index) -> None:
    with pytest.raises(searcher.QueryError, match="histogram interval 'fortnight'"):
        dated.search("harbour", histogram="fortnight")


def test_too_many_buckets_are_refused_with_the_way_out(index_env: Path) -> None:
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            searcher.Article(
                id=f"x{y}", path="x", title="Harbour", body="harbour", date=datetime(y, 1, 1)
            )
            for y in (1950, 2011)
        )
        with pytest.raises(searcher.QueryError, match="ask for a longer interval"):
            ix.search("harbour", histogram="day")
        assert len(_counts(ix.search("harbour", histogram="year").histogram)) == 62


def test_cli_histogram_text_and_json(runner: CliRunner, dated: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "harbour", "--histogram", "month"])
    assert result.exit_code == 0, result.output
    assert "Timeline (articles a month):\n  2011-10       3  " + "█" * 40 in result.stdout
    assert "\n  2011-11       0\n" in result.stdout
    assert "\n  undated       1\n" in result.stdout
    result = runner.invoke(cli, ["query", "harbour", "--histogram", "year", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    last = json.loads(result.stdout.splitlines()[-1])
    assert last == {
        "histogram": {
            "interval": "year",
            "buckets": [
                {"label": "2011", "start": "2011-01-01", "end": "2012-01-01", "count": 4},
                {"label": "2012", "start": "2012-01-01", "end": "2013-01-01", "count": 1},
            ],
            "undated": 1,
        }
    }
    result = runner.invoke(cli, ["query", "harbour", "--histogram", "hourly"])
    assert result.exit_code == 2 and "hourly" in result.output


def _part(interval: str, *buckets: tuple[date, date, int], undated: int = 0) -> searcher.Histogram:
    return searcher.Histogram(
        interval=interval,
        buckets=tuple(
            searcher.HistogramBucket(start=s, end=e, label=s.isoformat(), count=c)
            for s, e, c in buckets
        ),
        undated=undated,
    )


def test_shards_histograms_merge_into_one_with_the_gaps_filled() -> None:
    from searcher.query.histogram import merge_histograms

    one = _part("month", (date(2011, 10, 1), date(2011, 11, 1), 3), undated=1)
    other = _part(
        "month",
        (date(2011, 12, 1), date(2012, 1, 1), 1),
        (date(2012, 1, 1), date(2012, 2, 1), 2),
        undated=2,
    )
    empty = _part("day", undated=4)  # a shard without dated matches
    merged = merge_histograms([one, empty, other])
    assert _counts(merged) == [("2011-10", 3), ("2011-11", 0), ("2011-12", 1), ("2012-01", 2)]
    assert merged.interval == "month" and merged.undated == 7


def test_auto_counts_again_by_the_interval_the_union_needs() -> None:
    from searcher.query.histogram import auto_recount

    day = _part("day", (date(2011, 10, 3), date(2011, 10, 4), 1))
    week = _part("week", (date(2011, 10, 3), date(2011, 10, 10), 1))
    assert auto_recount([day, _part("day", undated=3)]) is None
    assert auto_recount([day, week]) == "week"  # a shard spans more: its interval at least
    early = _part("month", (date(2005, 1, 1), date(2005, 2, 1), 1))
    late = _part("month", (date(2011, 10, 1), date(2011, 11, 1), 1))
    assert auto_recount([early, late]) == "year"  # 82 months together: too many bars
    assert auto_recount([_part("year", (date(1900, 1, 1), date(1901, 1, 1), 1)), late]) == "year"
    assert auto_recount([_part("year", (date(1900, 1, 1), date(1901, 1, 1), 1))]) is None
