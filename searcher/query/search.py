"""Answering a query: the stages in order, each handing a value to the next.

:func:`search` checks its arguments, then runs parse
(:mod:`searcher.query.parse`: text checks, a :class:`~searcher.query.parse.ParsedQuery`)
→ plan (:mod:`searcher.query.plan`: restrictions, fuzzy words, checks against
the index, field weights, a frozen :class:`~searcher.query.plan.QueryPlan`)
→ execute (:mod:`searcher.query.execute`: feedback, scoring, the matching set)
→ present (:mod:`searcher.query.present`: collapsing, hits, snippets,
suggestions, facets), all within the query's time budget.

Imports the stage modules, ``searcher.text.deadline`` and the floor.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh.index import FileIndex
from whoosh.searching import Hit, Searcher

from searcher.config import require, require_count, require_flag
from searcher.errors import QueryError
from searcher.models import SearchResults
from searcher.query.dates import DateLike, date_filter
from searcher.query.execute import Executed, execute, searching
from searcher.query.facets import facet_names
from searcher.query.fuzzy import NearWords
from searcher.query.histogram import check_interval
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.parse import parse
from searcher.query.plan import QueryPlan, make_plan, sort_facet
from searcher.query.present import present
from searcher.query.shardstats import (
    CorpusStats,
)
from searcher.text import deadline

LOGGER = logging.getLogger(__name__)


def search(
    ix: FileIndex,
    text: str,
    *,
    limit: int = 10,
    page: int = 1,
    since: DateLike | None = None,
    until: DateLike | None = None,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    facets: bool | str | Sequence[str] = False,
    histogram: str | None = None,
    collapse: bool = True,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    searcher: Searcher | None = None,
    syntax: bool = True,
    match: str = "any",
    stats: CorpusStats | None = None,
    exact_total: bool = False,
) -> SearchResults:
    """Rank the articles of ``ix`` for ``text`` and return one page of hits.

    :param text: words, phrases in quotes, ``AND``/``OR``/``NOT``, ``field:value``
        (``byline:``, ``source:``, ``section:``), ``word~`` (fuzzy) and ``date:``
        clauses (``date:2011-10``, ``date:[2011-10-01 TO 2011-10-31]``, ``date:>2011``).
        Empty (or only ``-word``) when a filter or date range chooses the
        articles: they are then listed newest first.
    :param limit: hits per page (at least 1).
    :param page: which page of hits, from 1.
    :param since: keep articles from the start of this date's period, e.g.
        ``"2011-10"``, ``"17 October 2011"``, ``"last week"``, a date or a datetime.
    :param until: keep articles up to the end of this date's period.
    :param sort: ``"relevance"``, ``"newest"`` or ``"oldest"``.
    :param filters: ``{"byline": ..., "source": ..., "section": ...}``: every
        word of each must match that field.
    :param facets: count all matching articles by facet: ``True`` by source
        and month, or the facets named (:data:`~searcher.query.facets.FACET_NAMES`:
        source, byline, section, keywords, topics, places, people, orgs,
        exchanges, companies, month, year), as a list or comma-separated.
    :param histogram: count all matching articles by ``day``, ``week``,
        ``month`` or ``year`` of their date, or ``auto`` (the interval chosen
        from the span of their dates).
    :param collapse: fold near-duplicates (the same wire copy) into one hit.
    :param now: the present, for relative dates (default: now, UTC).
    :param limits: the query's budget: size, expansions and seconds.
    :param syntax: read query syntax where it is well formed and meant
        (prose stays words: ``systems?`` is a question); ``False``: the whole
        text is words.
    :param match: ``"any"``: any word may match, more matching words rank
        higher; ``"all"``: every word must match.
    :param searcher: an open searcher of ``ix`` (made with
        :func:`open_searcher`) to reuse; it is left open. Opening one reads
        every segment, so reusing it saves that on each query.
    :param stats: score with these statistics of a whole sharded index, of
        which ``ix`` is one shard (:mod:`searcher.query.shardstats`); the
        ``searcher`` is then not used.
    :param exact_total: count every match even when that means reading every
        posting of common words; else such a total is estimated from the
        words' posting counts, and ``total_exact`` is false.
    :raises QueryError: the query is empty, malformed, too costly or too slow.
    :raises DateError: a date cannot be read.
    """
    with executed_query(
        ix, text, limit=limit, page=page, since=since, until=until, sort=sort,
        filters=filters, facets=facets, histogram=histogram, collapse=collapse, now=now,
        limits=limits, searcher=searcher, syntax=syntax, match=match, stats=stats,
        exact_total=exact_total,
    ) as (plan, executed):  # fmt: skip
        return present(plan, executed)


@contextlib.contextmanager
def executed_query(
    ix: FileIndex,
    text: str,
    *,
    limit: int = 10,
    page: int = 1,
    since: DateLike | None = None,
    until: DateLike | None = None,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    facets: bool | str | Sequence[str] = False,
    histogram: str | None = None,
    collapse: bool = True,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    searcher: Searcher | None = None,
    syntax: bool = True,
    match: str = "any",
    stats: CorpusStats | None = None,
    exact_total: bool = False,
) -> Iterator[tuple[QueryPlan, Executed]]:
    """:func:`search`'s query parsed, planned and executed, its arguments
    checked; the body of the ``with`` presents it, within the query's time
    budget and on its searcher."""
    require(text, "text", str, "a str")
    require_count(limit, "limit")
    require_count(page, "page")
    facet_list = facet_names(facets)
    interval = check_interval(histogram) if histogram is not None else None
    require_flag(collapse, "collapse")
    require(now, "now", (datetime, type(None)), "a datetime or None")
    require(limits, "limits", QueryLimits, "a QueryLimits")
    require_flag(syntax, "syntax")
    require_flag(exact_total, "exact_total")
    require(match, "match", str, "a str")
    _require_words_or_restriction(text, filters, since, until)
    # A sort or a date that cannot be read fails before the index is opened.
    sortedby = sort_facet(sort)
    dates = date_filter(since, until, now=now)
    with deadline.time_budget(limits.seconds), searching(ix, searcher, stats) as searcher:
        parsed = parse(text, searcher, now=now, limits=limits, syntax=syntax, match=match)
        plan = make_plan(
            parsed,
            searcher,
            sortedby=sortedby,
            dates=dates,
            filters=filters,
            page=page,
            limit=limit,
            collapse=collapse,
            facets=facet_list,
            histogram=interval,
            limits=limits,
            syntax=syntax,
            near=None if stats is None else stats.near_words(),
        )
        yield plan, execute(plan, searcher, exact_total=exact_total)


def matching(
    searcher: Searcher,
    text: str,
    *,
    since: DateLike | None = None,
    until: DateLike | None = None,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    syntax: bool = True,
    match: str = "any",
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
) -> list[int]:
    """Every article ``text`` matches under the restrictions (all of
    :func:`search`'s hits, uncollapsed), as document numbers of ``searcher``,
    best first, or by date as ``sort`` says; no hit or snippet is made.

    :raises QueryError, DateError: as :func:`search`.
    """
    asked = Asked(text, since, until, sort, filters, now, limits, syntax, match)
    with deadline.time_budget(limits.seconds):
        return [n for n, _ in every_match(asked.plan(searcher), searcher)]


def every_match(plan: QueryPlan, searcher: Searcher) -> list[tuple[int, Hit | None]]:
    """Every article ``plan`` matches, in its order: its document number, and
    its ranked hit (``None`` for one the ranked query does not reach)."""
    executed = execute(plan, searcher, exact_total=True)
    matched = executed.matched or set()  # (counted, as exact_total asks: never None)
    results = executed.execution.results(max(len(matched), 1))
    ordered = [(hit.docnum, hit) for hit in results if hit.docnum in matched]
    seen = {n for n, _ in ordered}
    return ordered + [(n, None) for n in sorted(matched) if n not in seen]


@dataclass(frozen=True)
class Asked:
    """A query's arguments, checked, for the plan of its matches (one hit, nothing
    collapsed, no facets) that each phase of a sharded query, and :func:`matching`, makes."""

    text: str
    since: DateLike | None
    until: DateLike | None
    sort: str
    filters: Mapping[str, str] | None
    now: datetime | None
    limits: QueryLimits
    syntax: bool
    match: str

    @classmethod
    def of(cls, text: str, restrictions: Mapping[str, Any]) -> Asked:
        """``text`` with :func:`matching`'s keyword arguments (those not given: their defaults)."""
        given = dict(restrictions)
        unknown = set(given) - set(_ASKED_DEFAULTS)
        if unknown:
            raise TypeError(f"unexpected keyword arguments: {', '.join(sorted(unknown))}")
        return cls(text, **{**_ASKED_DEFAULTS, **given})

    def __post_init__(self) -> None:
        require(self.text, "text", str, "a str")
        require_flag(self.syntax, "syntax")
        require(self.match, "match", str, "a str")
        _require_words_or_restriction(self.text, self.filters, self.since, self.until)

    def plan(self, searcher: Searcher, near: NearWords | None = None) -> QueryPlan:
        parsed = parse(
            self.text,
            searcher,
            now=self.now,
            limits=self.limits,
            syntax=self.syntax,
            match=self.match,
        )
        return make_plan(
            parsed,
            searcher,
            sortedby=sort_facet(self.sort),
            dates=date_filter(self.since, self.until, now=self.now),
            filters=self.filters,
            page=1,
            limit=1,
            collapse=False,
            facets=(),
            limits=self.limits,
            syntax=self.syntax,
            near=near,
        )


_ASKED_DEFAULTS: dict[str, Any] = {
    "since": None,
    "until": None,
    "sort": "relevance",
    "filters": None,
    "now": None,
    "limits": DEFAULT_LIMITS,
    "syntax": True,
    "match": "any",
}


def _require_words_or_restriction(
    text: str, filters: Mapping[str, str] | None, since: object, until: object
) -> None:
    if not text.strip() and not filters and since is None and until is None:
        raise QueryError(
            'Empty query; give words to search for, e.g. "legal immunity", or a filter '
            "(source, byline, section, since, until) to list articles newest first."
        )
