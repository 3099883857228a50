"""Article dates: read in their common shapes, never guessed."""

from __future__ import annotations

from datetime import datetime

import pytest

from searcher.text.dates import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Last updated: 17 October, 2011", datetime(2011, 10, 17)),
        ("17 October 2011", datetime(2011, 10, 17)),
        ("October 17, 2011", datetime(2011, 10, 17)),
        ("Oct. 17, 2011 10:30", datetime(2011, 10, 17, 10, 30)),
        ("2011-10-17", datetime(2011, 10, 17)),
        ("2011-10-17T09:30:00Z", datetime(2011, 10, 17, 9, 30)),
        ("2011-10-17T09:30:00+02:00", datetime(2011, 10, 17, 7, 30)),
        ("2011/10/17", datetime(2011, 10, 17)),
        ("26-FEB-1987 15:01:01.79", datetime(1987, 2, 26, 15, 1, 1, 790000)),
        ("Mon, 17 Oct 2011 10:00:00 GMT", datetime(2011, 10, 17, 10, 0)),
        ("31 December 9999", datetime(9999, 12, 31)),
        ("0001-01-01", datetime(1, 1, 1)),
    ],
)
def test_reads_common_shapes(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "31 February 2011",
        "2011-13-01",
        "Monday",
        "0000-01-01",
        # In UTC these fall before the year 1 or after the year 9999.
        "9999-12-31T23:00:00-05:00",
        "0001-01-01T00:30:00+01:00",
    ],
)
def test_unreadable_dates_stay_empty(text: str) -> None:
    assert parse_date(text) is None
