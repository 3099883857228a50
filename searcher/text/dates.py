"""Reading the dates that articles print, into naive UTC datetimes.

Articles state dates in many shapes; :func:`parse_date` reads the common ones
and returns ``None`` for anything else, so an unknown date stays empty rather
than being guessed.

>>> parse_date("Last updated: 17 October, 2011")
datetime.datetime(2011, 10, 17, 0, 0)
>>> parse_date("26-FEB-1987 15:01:01.79")
datetime.datetime(1987, 2, 26, 15, 1, 1, 790000)
>>> parse_date("2019-11-19T13:00:00-05:00")
datetime.datetime(2019, 11, 19, 18, 0)
>>> parse_date("soon") is None
True
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_TIME = (
    r"(?:[ T,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<frac>\d{1,6}))?)?)?"
)
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[ -]+{_MONTH},?[ -]+(?P<year>\d{{4}}){_TIME}"
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_MONTH} +(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? +(?P<year>\d{{4}}){_TIME}"
)
_ISO = re.compile(
    r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
_SLASHED = re.compile(r"\b(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})\b")


def naive_utc(value: datetime) -> datetime:
    """``value`` as the index keeps dates: in UTC, without a time zone.

    >>> from datetime import timedelta, timezone
    >>> naive_utc(datetime(2019, 11, 19, 8, tzinfo=timezone(timedelta(hours=-5))))
    datetime.datetime(2019, 11, 19, 13, 0)
    """
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _build(match: re.Match[str], month: int) -> datetime | None:
    parts = match.groupdict()
    frac = (parts.get("frac") or "").ljust(6, "0")[:6]
    try:
        value = datetime(
            int(parts["year"]),
            month,
            int(parts["day"]),
            int(parts.get("hour") or 0),
            int(parts.get("minute") or 0),
            int(parts.get("second") or 0),
            int(frac or 0),
        )
    except ValueError:
        return None
    tz = parts.get("tz")
    if tz:
        iso = "+00:00" if tz == "Z" else tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
        value = datetime.fromisoformat(value.isoformat() + iso)
    try:
        return naive_utc(value)
    except OverflowError:  # 9999-12-31T23:00-05:00 is in the year 10000 in UTC
        return None


def parse_date(text: str) -> datetime | None:
    """Return the first date found in ``text`` as a naive UTC datetime, or ``None``.

    Reads ISO 8601 (with or without time and offset), ``17 October, 2011``,
    ``October 17, 2011``, ``26-FEB-1987 15:01:01.79``, ``2011/10/17`` and
    RFC 2822 (``Mon, 17 Oct 2011 10:00:00 GMT``).

    :param text: a string that holds a date, possibly among other words.
    """
    text = text.strip()
    if not text:
        return None
    match = _ISO.search(text)
    if match:
        return _build(match, int(match["month"]))
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match and match["month"].lower() in MONTHS:
            return _build(match, MONTHS[match["month"].lower()])
    match = _SLASHED.search(text)
    if match:
        return _build(match, int(match["month"]))
    try:
        return naive_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
