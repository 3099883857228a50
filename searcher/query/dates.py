"""Dates as users write them: ``--since``/``--until`` values and ``date:`` clauses.

Every expression names a period, ``[start, end)`` in naive UTC: ``2011`` is the
whole year, ``2011-10`` the month, ``17 October 2011`` the day. ``since`` keeps
articles from the start of its period, ``until`` up to the end of its period,
so ``--until 2011-10-16`` keeps all of 16 October. A date we cannot read raises
:class:`~searcher.errors.DateError`; it is never silently dropped.

>>> date_range("2011-10", now=datetime(2026, 1, 1))
(datetime.datetime(2011, 10, 1, 0, 0), datetime.datetime(2011, 11, 1, 0, 0))
>>> date_range("17 October 2011", now=datetime(2026, 1, 1))[0]
datetime.datetime(2011, 10, 17, 0, 0)
>>> date_range("last week", now=datetime(2026, 11, 27, 18, 0))
(datetime.datetime(2026, 11, 16, 0, 0), datetime.datetime(2026, 11, 23, 0, 0))

The parser plugin that finds ``date:`` clauses in query text is in
:mod:`searcher.query.syntax`; it reads each clause's value with :func:`clause_query`.
Imports Whoosh's public query module and the floor (``arguments``, ``errors``,
``text.dates``); no other stage.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from whoosh import query as wq

from searcher.config import require
from searcher.errors import ArgumentTypeError, DateError
from searcher.text.dates import MONTHS

#: What ``since``/``until`` accept: a datetime (an instant), a date (that day)
#: or a string read by :func:`date_range`.
DateLike = datetime | date | str

HELP = (
    "use e.g. 2011-10-17, 2011-10, 2011, '17 October 2011', 'October 2011', "
    "today, yesterday, 'last week', 'this month' or '3 days ago'"
)

_ISO = re.compile(
    r"(?P<year>\d{4})(?:[-/](?P<month>\d{1,2})(?:[-/](?P<day>\d{1,2})"
    r"(?:[t ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?)?)?"
)
_DAY_MONTH_YEAR = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)? (?P<mname>[a-z]+)\.?,? (?P<year>\d{4})"
)
_MONTH_DAY_YEAR = re.compile(
    r"(?P<mname>[a-z]+)\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})"
)
_MONTH_YEAR = re.compile(r"(?P<mname>[a-z]+)\.?,? (?P<year>\d{4})")
_AGO = re.compile(r"(?P<count>\d+) (?P<unit>day|week|month|year)s? ago")
_RELATIVE = re.compile(r"(?P<which>this|last) (?P<unit>week|month|year)")


def now_utc() -> datetime:
    """The current time as a naive UTC datetime, like the dates in the index."""
    return datetime.now(UTC).replace(tzinfo=None)


def _later(value: datetime, step: timedelta) -> datetime:
    """``value + step``, or the last instant Python has (``datetime.max``) when
    that is beyond it: the end of a period on 31 December 9999. Such an end
    leaves the range open (:func:`_range_query`)."""
    try:
        return value + step
    except OverflowError:
        return datetime.max


def _add_months(value: datetime, months: int) -> datetime:
    index = value.year * 12 + value.month - 1 + months
    if index // 12 > datetime.max.year:
        return datetime.max
    return value.replace(year=index // 12, month=index % 12 + 1, day=1)


def _day(value: datetime) -> tuple[datetime, datetime]:
    start = datetime(value.year, value.month, value.day)
    return start, _later(start, timedelta(days=1))


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1)
    return start, _add_months(start, 1)


def _iso(match: re.Match[str]) -> tuple[datetime, datetime]:
    year, month, day = match["year"], match["month"], match["day"]
    if month is None:
        start = datetime(int(year), 1, 1)
        return start, _add_months(start, 12)
    if day is None:
        return _month(int(year), int(month))
    if match["hour"] is None:
        return _day(datetime(int(year), int(month), int(day)))
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
    start = datetime(int(year), int(month), int(day), hour, minute, second)
    return start, _later(start, timedelta(seconds=1 if match["second"] else 60))


def _named(match: re.Match[str]) -> tuple[datetime, datetime] | None:
    month = MONTHS.get(match["mname"])
    if month is None:
        return None
    if "day" in match.groupdict():
        return _day(datetime(int(match["year"]), month, int(match["day"])))
    return _month(int(match["year"]), month)


def _relative(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    today = datetime(now.year, now.month, now.day)
    if text == "today":
        return _day(today)
    if text == "yesterday":
        return _day(today - timedelta(days=1))
    match = _AGO.fullmatch(text)
    if match:
        count, unit = int(match["count"]), match["unit"]
        if unit in ("day", "week"):
            return _day(today - timedelta(days=count * (7 if unit == "week" else 1)))
        months = count * (12 if unit == "year" else 1)
        then = _add_months(today, -months)
        return _day(then.replace(day=min(today.day, (_add_months(then, 1) - then).days)))
    match = _RELATIVE.fullmatch(text)
    if not match:
        return None
    back = 1 if match["which"] == "last" else 0
    unit = match["unit"]
    if unit == "week":
        start = today - timedelta(days=today.weekday() + 7 * back)
        return start, start + timedelta(days=7)
    if unit == "month":
        start = _add_months(today, -back)
        return start, _add_months(start, 1)
    return datetime(today.year - back, 1, 1), datetime(today.year - back + 1, 1, 1)


def date_range(text: str, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the period ``[start, end)`` that ``text`` names.

    Reads ``2011``, ``2011-10``, ``2011-10-17`` (also with ``/``), ISO times
    (``2011-10-17T14:30``), ``17 October 2011``, ``October 17, 2011``,
    ``October 2011``, ``today``, ``yesterday``, ``this``/``last``
    ``week``/``month``/``year`` (calendar weeks start on Monday) and
    ``3 days ago`` (also weeks, months, years).

    Dates run from 1 January of year 1 to 31 December 9999, Python's range.

    :param now: the present, for relative dates (default: the current UTC time).
    :raises DateError: ``text`` is not a date we can read, or is out of that range.
    """
    require(text, "text", str, "a str")
    require(now, "now", (datetime, type(None)), "a datetime or None")
    cleaned = " ".join(text.strip().lower().replace(",", ", ").split()).replace(" ,", ",")
    try:
        match = _ISO.fullmatch(cleaned)
        if match:
            return _iso(match)
        for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR):
            match = pattern.fullmatch(cleaned)
            found = _named(match) if match else None
            if found:
                return found
        found = _relative(cleaned, now or now_utc())
    except ValueError as exc:  # 2011-02-30, month 13, year 0
        raise DateError(f"Cannot read the date {text!r} ({exc}); {HELP}.") from exc
    except OverflowError as exc:  # 9999999 days ago
        raise DateError(
            f"The date {text!r} is out of range: dates run from year 1 to 9999; {HELP}."
        ) from exc
    if found is None:
        raise DateError(f"Cannot read the date {text!r}; {HELP}.")
    return found


def _period(value: DateLike, now: datetime | None, name: str) -> tuple[datetime, datetime]:
    if isinstance(value, datetime):
        try:
            instant = value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as exc:  # 9999-12-31 23:00 at UTC-5 is in the year 10000
            raise DateError(
                f"The date {value} is out of range in UTC: dates run from year 1 to 9999."
            ) from exc
        return instant, _later(instant, timedelta(microseconds=1))
    if isinstance(value, date):
        return _day(datetime(value.year, value.month, value.day))
    if isinstance(value, str):
        return date_range(value, now=now)
    raise ArgumentTypeError(f"{name} must be a datetime, date or str, not {type(value).__name__}")


def date_filter(
    since: DateLike | None = None, until: DateLike | None = None, *, now: datetime | None = None
) -> wq.Query | None:
    """Return the query keeping articles dated from ``since`` through ``until``
    (both inclusive of their whole period), or ``None`` when both are ``None``.

    :raises DateError: a date cannot be read, or ``since`` is after ``until``.
    """
    if since is None and until is None:
        return None
    start = _period(since, now, "since")[0] if since is not None else None
    end = _period(until, now, "until")[1] if until is not None else None
    if start is not None and end is not None and start >= end:
        raise DateError(f"The range is empty: since {since} is after until {until}.")
    return _range_query(start, end)


def _midnight(value: datetime | None) -> bool:
    return value is None or value == datetime(value.year, value.month, value.day)


def _range_query(start: datetime | None, end: datetime | None) -> wq.Query:
    """The articles dated in ``[start, end)``; ``None`` leaves that end open.

    Whole days become a range of ``day`` terms (``19870226``), one term per day
    that has articles; a range of the ``date`` field itself expands to thousands
    of numeric terms and takes a second on Reuters. A bound inside a day (from a
    datetime or an ISO time) adds a ``date`` range over that day's part only.

    The first and last instants Python has (``datetime.min``, ``datetime.max``)
    leave their end open; as the other end (``date:>9999-12-31``) they leave
    nothing, and the query matches nothing.
    """
    start = None if start == datetime.min else start
    end = None if end == datetime.max else end
    if start == datetime.max or end == datetime.min:
        return wq.NullQuery
    parts: list[wq.Query] = []
    first_day, last_day = start, end  # the whole days: [first_day, last_day)
    if not _midnight(start):
        assert start is not None
        first_day = _later(_day_start(start), timedelta(days=1))
        head_end = first_day if end is None else min(end, first_day)
        parts.append(_timestamps(start, head_end))
    if not _midnight(end) and (end is None or first_day is None or end > first_day):
        assert end is not None
        last_day = _day_start(end)
        parts.append(_timestamps(last_day if first_day is None else max(first_day, last_day), end))
    # No whole days when the bounds lie inside the first or the last day there is.
    if (first_day is None or last_day is None or first_day < last_day) and (
        first_day != datetime.max and last_day != datetime.min
    ):
        first = _day_term(first_day) if first_day is not None else None
        last = _day_term(last_day - timedelta(days=1)) if last_day is not None else None
        parts.append(wq.TermRange("day", first, last, constantscore=True))
    if len(parts) == 1:
        return parts[0]
    return wq.Or(parts)


def _day_term(value: datetime) -> str:
    """The ``day`` term of ``value``'s day: ``19870226``. Not ``%Y``, which
    writes year 999 as ``999`` on Linux, out of order with four-digit years."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _day_start(value: datetime) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=value.tzinfo)


def _timestamps(start: datetime, end: datetime) -> wq.Query:
    """The articles stamped in ``[start, end)``, within one day."""
    return wq.DateRange("date", start, end - timedelta(microseconds=1), constantscore=True)


def clause_query(value: str, *, now: datetime | None = None) -> wq.Query:
    """Return the query of one ``date:`` clause's value.

    ``2011-10`` (that period), ``[2011-10-01 TO 2011-10-31]`` (inclusive; either
    end may be left out), ``>2011-10-01`` (after that day), ``>=``, ``<``, ``<=``,
    and quoted expressions: ``"17 October 2011"``.

    :raises DateError: the value is not a date or range we can read.
    """
    value = value.strip()

    def period(text: str) -> tuple[datetime, datetime]:
        return date_range(text, now=now)

    if value.startswith("[") and value.endswith("]"):
        parts = re.split(r"\s+to\s+|^to\s+|\s+to$", value[1:-1].strip(), flags=re.IGNORECASE)
        if len(parts) != 2:
            raise DateError(
                f"Cannot read the date range {value!r}; write [2011-10-01 TO 2011-10-31]."
            )
        low, high = (p.strip().strip("\"'") for p in parts)
        start = period(low)[0] if low else None
        end = period(high)[1] if high else None
        if start is None and end is None:
            raise DateError(f"The date range {value!r} has no ends; give at least one date.")
        if start is not None and end is not None and start >= end:
            raise DateError(f"The date range {value!r} is empty: its start is after its end.")
        return _range_query(start, end)
    op_match = re.match(r"(>=|<=|>|<)", value)
    op = op_match.group(1) if op_match else ""
    text = value[len(op) :].strip().strip("\"'")
    if not text:
        raise DateError(f"The date clause date:{value} has no date; {HELP}.")
    start, end = period(text)
    bounds = {
        "": (start, end),
        ">": (end, None),
        ">=": (start, None),
        "<": (None, start),
        "<=": (None, end),
    }
    return _range_query(*bounds[op])
