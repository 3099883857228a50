"""Dates: --since/--until values, date: clauses, and the date acceptance checks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

import searcher
from searcher.cli import cli
from searcher.query.dates import DateLike, clause_query, date_filter, date_range
from tests.conftest import SEED_ID

NOW = datetime(2026, 11, 27, 18, 0)  # a Friday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2011", datetime(2011, 1, 1), datetime(2012, 1, 1)),
        ("2011-10", datetime(2011, 10, 1), datetime(2011, 11, 1)),
        ("2011-12", datetime(2011, 12, 1), datetime(2012, 1, 1)),
        ("2011-10-17", datetime(2011, 10, 17), datetime(2011, 10, 18)),
        ("2011/10/17", datetime(2011, 10, 17), datetime(2011, 10, 18)),
        ("2011-10-17T14:30", datetime(2011, 10, 17, 14, 30), datetime(2011, 10, 17, 14, 31)),
        ("17 October 2011", datetime(2011, 10, 17), datetime(2011, 10, 18)),
        ("17 Oct, 2011", datetime(2011, 10, 17), datetime(2011, 10, 18)),
        ("October 17, 2011", datetime(2011, 10, 17), datetime(2011, 10, 18)),
        ("October 2011", datetime(2011, 10, 1), datetime(2011, 11, 1)),
        ("  today ", datetime(2026, 11, 27), datetime(2026, 11, 28)),
        ("yesterday", datetime(2026, 11, 26), datetime(2026, 11, 27)),
        ("last week", datetime(2026, 11, 16), datetime(2026, 11, 23)),
        ("this week", datetime(2026, 11, 23), datetime(2026, 11, 30)),
        ("Last Month", datetime(2026, 10, 1), datetime(2026, 11, 1)),
        ("last year", datetime(2025, 1, 1), datetime(2026, 1, 1)),
        ("3 days ago", datetime(2026, 11, 24), datetime(2026, 11, 25)),
        ("1 month ago", datetime(2026, 10, 27), datetime(2026, 10, 28)),
    ],
)
def test_date_range_reads_periods(text: str, start: datetime, end: datetime) -> None:
    assert date_range(text, now=NOW) == (start, end)


@pytest.mark.parametrize(
    "text", ["yesterdayish", "2011-13", "2011-02-30", "32 October 2011", "Octember 2011", "", "11"]
)
def test_unreadable_dates_are_errors(text: str) -> None:
    with pytest.raises(searcher.DateError, match="Cannot read the date"):
        date_range(text, now=NOW)


def test_filter_bounds_are_whole_periods() -> None:
    query = date_filter("2011-10-01", "2011-10-31")
    assert (query.fieldname, query.start, query.end) == ("day", "20111001", "20111031")
    assert date_filter(date(2011, 10, 17)).start == "20111017"
    assert date_filter(None, None) is None


def test_filter_bounds_inside_a_day_use_the_timestamp() -> None:
    query = date_filter(datetime(2011, 10, 17, 14, 30), "2011-10-17T16:00")
    assert (query.fieldname, query.startdate, query.enddate) == (
        "date",
        datetime(2011, 10, 17, 14, 30),
        datetime(2011, 10, 17, 16, 0, 59, 999999),
    )


def test_since_after_until_is_an_error() -> None:
    with pytest.raises(searcher.DateError, match="range is empty"):
        date_filter("2011-11", "2011-10")


@pytest.mark.parametrize(
    ("clause", "first", "last"),
    [
        ("2011-10", "20111001", "20111031"),
        ("[2011-10-01 TO 2011-10-31]", "20111001", "20111031"),
        ("[2011-10-01 to 2011-10-16]", "20111001", "20111016"),
        ("[2011-10 TO]", "20111001", None),
        ("[TO 2011]", None, "20111231"),
        (">2011-10-01", "20111002", None),
        (">=2011-10-01", "20111001", None),
        ("<2011-10-01", None, "20110930"),
        ("<=2011-10", None, "20111031"),
        ('"17 October 2011"', "20111017", "20111017"),
    ],
)
def test_date_clauses(clause: str, first: str | None, last: str | None) -> None:
    query = clause_query(clause, now=NOW)
    assert (query.fieldname, query.start, query.end) == ("day", first, last)


def test_date_clause_with_a_time_uses_the_timestamp_within_its_day() -> None:
    # The rest of the day by timestamp, the days after by day terms.
    query = clause_query(">=2011-10-17T14:30", now=NOW)
    timestamps, days = query.subqueries
    assert (timestamps.fieldname, timestamps.startdate, timestamps.enddate) == (
        "date",
        datetime(2011, 10, 17, 14, 30),
        datetime(2011, 10, 17, 23, 59, 59, 999999),
    )
    assert (days.fieldname, days.start, days.end) == ("day", "20111018", None)


STAMPS = [datetime(1987, 2, 25) + timedelta(minutes=53 * i, seconds=i % 50) for i in range(120)]


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("1987-02-26T14:30", None),
        (None, "1987-02-27T09:14"),
        ("1987-02-25T23:10", "1987-02-28T01:01"),
        ("1987-02-26T10:00", "1987-02-26T10:59"),
        ("1987-02-26T10:00", "1987-02-27T03:05"),
        ("1987-02-26", "1987-02-27T00:30"),
        ("1987-02-26T05:20", "1987-02-28"),
    ],
)
def test_bounds_inside_days_select_by_timestamp(
    index_env: Path, since: str | None, until: str | None
) -> None:
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            searcher.Article(id=f"s{i}", path="s.json", title="Cocoa", body="Cocoa.", date=stamp)
            for i, stamp in enumerate(STAMPS)
        )
        first = date_range(since)[0] if since else datetime.min
        end = date_range(until)[1] if until else datetime.max
        expected = {f"s{i}" for i, stamp in enumerate(STAMPS) if first <= stamp < end}
        found = ix.search("cocoa", since=since, until=until, limit=len(STAMPS))
        assert expected and {hit.id for hit in found} == expected


@pytest.mark.parametrize(
    "clause", ["[2011-10-31 TO 2011-10-01]", "[TO]", "[2011 2012]", ">", "soon"]
)
def test_bad_date_clauses_are_errors(clause: str) -> None:
    with pytest.raises(searcher.DateError):
        clause_query(clause, now=NOW)


def _ids(results: searcher.SearchResults) -> list[str]:
    return [hit.id for hit in results]


def test_since_until_keep_the_seed(built_index: searcher.Index) -> None:
    assert SEED_ID in _ids(built_index.search("immunity", since="2011-10-01", until="2011-10-31"))
    assert SEED_ID in _ids(built_index.search("immunity", until="2011-10-17"))
    assert SEED_ID not in _ids(built_index.search("immunity", until="2011-10-16"))
    assert SEED_ID not in _ids(built_index.search("immunity", since="2011-10-18"))


def test_date_clause_equals_since_until(built_index: searcher.Index) -> None:
    by_options = built_index.search("immunity troops", since="2011-10-01", until="2011-10-31")
    for clause in ("date:2011-10", "date:[2011-10-01 TO 2011-10-31]", 'date:"October 2011"'):
        by_clause = built_index.search(f"immunity troops {clause}")
        assert _ids(by_clause) == _ids(by_options)
        assert by_clause.total == by_options.total
    assert SEED_ID in _ids(by_options)
    assert SEED_ID not in _ids(built_index.search("immunity date:[2011-10-01 TO 2011-10-16]"))


def test_date_clause_restricts_even_alone(built_index: searcher.Index) -> None:
    dated = built_index.search("date:2011-10-17")
    assert _ids(dated) == [SEED_ID]


# Oil stories around one day, with times of day, and other stories on that day:
# a date: clause that widened instead of restricting would bring those in.
OIL_STAMPS = [
    datetime(1987, 3, 1, 12, 0),
    datetime(1987, 3, 2, 9, 0),
    datetime(1987, 3, 2, 10, 30),
    datetime(1987, 3, 2, 23, 0),
    datetime(1987, 3, 3, 8, 0),
    datetime(1987, 4, 1, 7, 0),
    None,
]
OTHER_STAMPS = [datetime(1987, 3, 2, 11, 0), datetime(1987, 3, 2, 12, 0), datetime(1987, 3, 3)]


@pytest.fixture
def oil_days(index_env: Path) -> Iterator[searcher.Index]:
    stamps = [("oil", d) for d in OIL_STAMPS] + [("cocoa", d) for d in OTHER_STAMPS]
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            searcher.Article(
                id=f"{word}{n}",
                path=f"{word}{n}.txt",
                title=f"{word} report",
                body=f"The {word} story {n}: " + " ".join(f"w{n}x{i}" for i in range(30)),
                date=stamp,
            )
            for n, (word, stamp) in enumerate(stamps)
        )
        yield ix


@pytest.mark.parametrize(
    ("clause", "since", "until"),
    [
        ("date:1987-03-02", "1987-03-02", "1987-03-02"),
        ("date:[1987-03-02 TO 1987-03-02]", "1987-03-02", "1987-03-02"),
        ('date:"2 March 1987"', "1987-03-02", "1987-03-02"),
        ("date:1987-03", "1987-03", "1987-03"),
        ("date:[1987-03-02 TO 1987-03-03]", "1987-03-02", "1987-03-03"),
        ("date:>1987-03-02", "1987-03-03", None),
        ("date:<=1987-03-02", None, "1987-03-02"),
        ('date:"1987-03-02 10:30"', "1987-03-02 10:30", "1987-03-02 10:30"),
        ('date:>="1987-03-02 10:00"', "1987-03-02 10:00", None),
        ('date:<"1987-03-02 10:00"', None, datetime(1987, 3, 2, 9, 59, 59, 999999)),
        ('date:[1987-03-01 TO "1987-03-02 10:30"]', "1987-03-01", "1987-03-02 10:30"),
        ('date:["1987-03-02 10:00" TO 1987-03-03]', "1987-03-02 10:00", "1987-03-03"),
    ],
)
def test_date_clause_restricts_as_since_until(
    oil_days: searcher.Index, clause: str, since: str | None, until: str | datetime | None
) -> None:
    by_clause = oil_days.search(f"oil {clause}", limit=20)
    by_options = oil_days.search("oil", since=since, until=until, limit=20)
    assert by_clause.total == by_options.total > 0
    assert set(_ids(by_clause)) == set(_ids(by_options))
    assert set(_ids(by_clause)) <= set(_ids(oil_days.search("oil", limit=20)))
    assert " FILTER " in by_clause.parsed


DATED_OIL = sum(stamp is not None for stamp in OIL_STAMPS)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        ("9999-12-31", None, 0),
        (None, "9999-12-31", DATED_OIL),
        ("9999", None, 0),
        ("December 9999", "9999-12-31T23:59", 0),
        ("0001-01-01", None, DATED_OIL),
        (None, "0001-01-01", 0),
        (None, "0999-12-31", 0),  # day terms are ordered: 09991231 is before 19870302
        (date.max, None, 0),
        (None, date.max, DATED_OIL),
        (datetime.max, None, 0),
        (None, datetime.min, 0),
        (date.min, date.max, DATED_OIL),
    ],
)
def test_dates_at_the_ends_of_the_calendar(
    oil_days: searcher.Index, since: DateLike | None, until: DateLike | None, expected: int
) -> None:
    assert oil_days.search("oil", since=since, until=until).total == expected


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("date:9999-12-31", 0),
        ("date:9999", 0),
        ("date:>9999-12-31", 0),
        ('date:>"9999-12-31 10:00"', 0),
        ("date:[9999-12-31 TO]", 0),
        ("date:<=9999-12-31", DATED_OIL),
        ("date:<0001-01-01", 0),
        ('date:<"0001-01-01 10:00"', 0),
        ("date:<1000", 0),
        ("date:>=0001-01-01", DATED_OIL),
        ("date:[0001-01-01 TO 9999-12-31]", DATED_OIL),
    ],
)
def test_date_clauses_at_the_ends_of_the_calendar(
    oil_days: searcher.Index, clause: str, expected: int
) -> None:
    assert oil_days.search(f"oil {clause}").total == expected


OUT_OF_RANGE = ["0000-01-01", "99999", "10000-01-01", "-0001-01-01", "9999999999 days ago"]


@pytest.mark.parametrize("text", [*OUT_OF_RANGE, "99999 years ago"])
def test_dates_out_of_range_are_date_errors(oil_days: searcher.Index, text: str) -> None:
    for kwargs in ({"since": text}, {"until": text}):
        with pytest.raises(searcher.DateError, match=re.escape(repr(text))):
            oil_days.search("oil", **kwargs)
    with pytest.raises(searcher.DateError, match=re.escape(repr(text))):
        oil_days.search(f'oil date:"{text}"')
    with pytest.raises(searcher.DateError):
        oil_days.search(
            "oil", since=datetime(9999, 12, 31, 23, tzinfo=timezone(-timedelta(hours=5)))
        )


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_cli_dates_out_of_range_are_usage_errors(
    runner: CliRunner, oil_days: searcher.Index, text: str
) -> None:
    for args in (["oil", "--since", text], ["oil", "--until", text], [f'oil date:"{text}"']):
        result = runner.invoke(cli, ["query", *args])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1
        assert repr(text) in errors[0]
    result = runner.invoke(cli, ["query", "oil", "--since", "9999-12-31"])
    assert (result.exit_code, result.stderr) == (
        1,
        "note: 7 articles match the words without the filters, but none has a date in the "
        "range asked for (since/until).\nNo articles match 'oil'.\n",
    )


def test_unreadable_date_clause_is_an_error(built_index: searcher.Index) -> None:
    with pytest.raises(searcher.DateError, match="'2011-10-45'"):
        built_index.search("immunity date:2011-10-45")


def test_reuters_day_range_keeps_times_of_day(index_env: Path) -> None:
    """Issue #4: stories stamped 1987-02-26 15:01 are inside --until 1987-02-27."""
    with searcher.open_index(index_env, create=True) as ix:
        ix.add(
            [
                searcher.Article(
                    id="wire#1",
                    path="wire.sgm",
                    title="BAHIA COCOA REVIEW",
                    body="Showers continued throughout the week in the Bahia cocoa zone.",
                    source="Reuters",
                    date=datetime(1987, 2, 26, 15, 1, 1, 790000),
                ),
                searcher.Article(
                    id="wire#2",
                    path="wire.sgm",
                    title="COCOA LATER",
                    body="Cocoa prices a week later.",
                    date=datetime(1987, 2, 28, 0, 0, 1),
                ),
            ]
        )
        found = ix.search("cocoa", since="1987-02-26", until="1987-02-27")
        assert _ids(found) == ["wire#1"]
        assert _ids(ix.search("cocoa", since="1987-02-26", until="1987-02-26")) == ["wire#1"]
        assert _ids(ix.search("cocoa", sort="oldest")) == ["wire#1", "wire#2"]
        assert _ids(ix.search("cocoa", sort="newest")) == ["wire#2", "wire#1"]


def test_cli_dates(runner: CliRunner, built_index: searcher.Index) -> None:
    args = ["query", "immunity", "--json"]
    result = runner.invoke(cli, [*args, "--since", "2011-10-01", "--until", "2011-10-31"])
    assert result.exit_code == 0
    assert SEED_ID in result.stdout
    result = runner.invoke(cli, [*args, "--until", "2011-10-16"])
    assert result.exit_code == 1, "no hits"
    assert SEED_ID not in result.stdout


def test_cli_unreadable_since_exits_2(runner: CliRunner, built_index: searcher.Index) -> None:
    result = runner.invoke(cli, ["query", "immunity", "--since", "yesterdayish"])
    assert result.exit_code == 2
    assert "Invalid value for '--since': Cannot read the date 'yesterdayish'" in result.stderr
    result = runner.invoke(cli, ["query", "immunity date:yesterdayish"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Cannot read the date 'yesterdayish'")


def test_cli_date_clause_matches_options(runner: CliRunner, built_index: searcher.Index) -> None:
    by_clause = runner.invoke(cli, ["query", "immunity troops date:2011-10", "--json", "--explain"])
    by_options = runner.invoke(
        cli,
        ["query", "immunity troops", "--json", "--since", "2011-10-01", "--until", "2011-10-31"],
    )
    assert by_clause.exit_code == by_options.exit_code == 0
    assert json.loads(by_clause.stdout)["hits"] == json.loads(by_options.stdout)["hits"]
    assert SEED_ID in by_clause.stdout
    assert "FILTER day:[20111001 TO 20111031]" in by_clause.stderr


def test_an_article_dated_before_the_year_1000_is_found_by_its_day_and_month(
    tmp_path: Path,
) -> None:
    # Day and month terms are written with four-digit years, as queries ask for them.
    old = searcher.Article(
        id="old",
        path="old.txt",
        title="Oil in the tenth century",
        body="oil",
        date=datetime(999, 5, 1),
    )
    with searcher.open_index(tmp_path / "ix", create=True) as ix:
        ix.add([old])
        assert ix.search("oil", since="0999-05-01", until="0999-05-01").total == 1
        assert ix.search("oil date:0999-05").total == 1
        assert ix.search("oil", facets=True).facets.months == (("0999-05", 1),)
