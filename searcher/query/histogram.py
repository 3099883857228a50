"""The date histogram: how many matching articles fall in each day, week, month or year.

Counted over the whole matching set, like the facets, from the ``date``
column (one read per matching document, no scoring). Buckets run from the
first dated match to the last, empty ones included, so the counts draw a
timeline as they are; weeks are ISO weeks (Monday to Sunday, ``2011-W42``).
``auto`` picks the finest interval that keeps the buckets to
:data:`AUTO_BUCKETS`.

Part of the present stage. Imports ``searcher.models`` and ``searcher.errors``;
it reads any Whoosh reader it is given, through its public methods.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from whoosh.util.times import datetime_to_long

from searcher.errors import QueryError
from searcher.models import Histogram, HistogramBucket

#: The intervals, finest first; ``auto`` chooses among them.
INTERVALS = ("day", "week", "month", "year")
#: ``auto`` takes the finest interval giving at most this many buckets.
AUTO_BUCKETS = 60
#: No interval may give more buckets than this (a day histogram of decades).
MAX_BUCKETS = 5000
#: A date column value past this is the column's stand-in for "no date".
_LAST_DATE = datetime_to_long(datetime.max)
_DAY = 86_400_000_000  # microseconds: the column counts them from datetime.min


def check_interval(interval: str) -> str:
    """Return ``interval`` (``day``, ``week``, ``month``, ``year`` or ``auto``), checked.

    :raises QueryError: it is none of them.
    """
    if not isinstance(interval, str) or interval.strip().lower() not in (*INTERVALS, "auto"):
        raise QueryError(
            f"histogram interval {interval!r} is not one of {', '.join(INTERVALS)} or auto"
        )
    return interval.strip().lower()


def count_histogram(reader: Any, docnums: Iterable[int], interval: str = "auto") -> Histogram:
    """Return the :class:`Histogram` of the documents ``docnums`` of a Whoosh
    reader, by ``interval`` (checked by :func:`check_interval`).

    :raises QueryError: the interval would give more than :data:`MAX_BUCKETS` buckets.
    """
    days, undated = _day_counts(reader, docnums)
    if not days:
        return Histogram(interval="day" if interval == "auto" else interval, undated=undated)
    first, last = date.fromordinal(min(days)), date.fromordinal(max(days))
    if interval == "auto":
        interval = _auto_interval(first, last)
    _check_size(first, last, interval)
    counts: Counter[date] = Counter()
    for ordinal, count in days.items():
        counts[_bucket_start(date.fromordinal(ordinal), interval)] += count
    return _histogram(counts, first, last, interval, undated)


def merge_histograms(parts: Sequence[Histogram]) -> Histogram:
    """The histogram of the union of disjoint sets of articles (a sharded
    index's shards) whose histograms are ``parts``, all counted by one
    interval (those without buckets may name another).

    :raises QueryError: the union would give more than :data:`MAX_BUCKETS` buckets.
    """
    dated = [part for part in parts if part.buckets]
    undated = sum(part.undated for part in parts)
    if not dated:
        return Histogram(interval=parts[0].interval if parts else "day", undated=undated)
    interval = dated[0].interval
    if any(part.interval != interval for part in dated):
        raise ValueError(f"histograms of several intervals: {[p.interval for p in dated]}")
    counts: Counter[date] = Counter()
    for part in dated:
        for bucket in part.buckets:
            counts[bucket.start] += bucket.count
    first, last = min(counts), max(counts)
    _check_size(first, last, interval)
    return _histogram(counts, first, last, interval, undated)


def auto_recount(parts: Sequence[Histogram]) -> str | None:
    """For histograms counted by ``auto`` on disjoint sets of articles (or
    recounted by the interval this named): ``None`` when
    :func:`merge_histograms` of them is what ``auto`` gives their union, else
    the interval to count them all by again (the union may span more than any
    part, so ``auto`` may choose a longer interval for it)."""
    dated = [part for part in parts if part.buckets]
    if not dated:
        return None
    longest = max(INTERVALS.index(part.interval) for part in dated)
    interval = INTERVALS[longest]
    if any(part.interval != interval for part in dated):
        return interval
    first = min(part.buckets[0].start for part in dated)
    last = max(part.buckets[-1].start for part in dated)
    if interval == INTERVALS[-1] or _bucket_count(first, last, interval) <= AUTO_BUCKETS:
        return None
    return INTERVALS[longest + 1]


def _auto_interval(first: date, last: date) -> str:
    return next((i for i in INTERVALS if _bucket_count(first, last, i) <= AUTO_BUCKETS), "year")


def _check_size(first: date, last: date, interval: str) -> None:
    wanted = _bucket_count(first, last, interval)
    if wanted > MAX_BUCKETS:
        raise QueryError(
            f"a {interval} histogram from {first} to {last} would have {wanted:,} bars "
            f"(at most {MAX_BUCKETS:,}): ask for a longer interval, or narrow the dates"
        )


def _histogram(
    counts: Counter[date], first: date, last: date, interval: str, undated: int
) -> Histogram:
    """Buckets from ``first``'s to ``last``'s, with ``counts`` by bucket start."""
    buckets = tuple(
        HistogramBucket(start=start, end=end, label=_label(start, interval), count=counts[start])
        for start, end in _buckets(first, last, interval)
    )
    return Histogram(interval=interval, buckets=buckets, undated=undated)


def _day_counts(reader: Any, docnums: Iterable[int]) -> tuple[Counter[int], int]:
    """Matching documents by day (a date's ordinal), and how many have no date."""
    days: Counter[int] = Counter()
    undated = 0
    if not reader.has_column("date"):
        return days, sum(1 for _ in docnums)
    column = reader.column_reader("date", translate=False)
    for docnum in docnums:
        value = column[docnum]
        if value is None or value > _LAST_DATE:
            undated += 1
        else:
            days[value // _DAY + 1] += 1
    return days, undated


def _bucket_start(day: date, interval: str) -> date:
    if interval == "day":
        return day
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def _next_start(start: date, interval: str) -> date:
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1) if start.year < date.max.year else date.max


def _bucket_count(first: date, last: date, interval: str) -> int:
    start, end = _bucket_start(first, interval), _bucket_start(last, interval)
    if interval == "day":
        return (end - start).days + 1
    if interval == "week":
        return (end - start).days // 7 + 1
    if interval == "month":
        return (end.year - start.year) * 12 + end.month - start.month + 1
    return end.year - start.year + 1


def _buckets(first: date, last: date, interval: str) -> Iterator[tuple[date, date]]:
    start, stop = _bucket_start(first, interval), _bucket_start(last, interval)
    while True:
        end = _next_start(start, interval)
        yield start, end
        if start >= stop or end == date.max:
            return
        start = end


def _label(start: date, interval: str) -> str:
    if interval == "day":
        return start.isoformat()
    if interval == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if interval == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}"
