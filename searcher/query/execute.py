"""The execute stage: a :class:`~searcher.query.plan.QueryPlan` run against an
open searcher.

:func:`execute` scores the plan's ranked query, adding feedback words first
(:mod:`searcher.query.feedback`), keeps the best hits the plan asks for, and
finds every article the asked query matches under the restriction. With a
searcher weighted by BM25F, the query is scored once, term by term
(:mod:`searcher.query.bulkscore`), and the hits (by score, or sorted by date)
and the matching set are read from its scores; otherwise Whoosh's collector runs
it. What it hands on, :class:`Executed`, keeps the :class:`Execution` for
searching deeper (collapsing near-duplicates) and counting respellings.

Imports Whoosh's public query, sorting, index and searching modules,
``searcher.store.postings`` (posting lists and restriction sets kept per open
searcher), :mod:`~searcher.query.plan` (the plan's type) and the execute-stage
modules (``bulkscore``, ``feedback``, ``ranking``); nothing of the present stage.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.index import FileIndex
from whoosh.searching import Results, Searcher

from searcher.query import bulkscore, feedback, pruning, ranking, ties, totals
from searcher.query.plan import QueryPlan
from searcher.query.shardstats import CorpusStats, StatsSearcher, open_stats_searcher
from searcher.store import postings

LOGGER = logging.getLogger(__name__)


def open_searcher(ix: FileIndex) -> Searcher:
    """Return a searcher of ``ix`` that scores as :func:`execute` expects."""
    return ix.searcher(weighting=ranking.make_weighting())


def searching(
    ix: FileIndex, searcher: Searcher | None = None, stats: CorpusStats | None = None
) -> contextlib.AbstractContextManager[Searcher]:
    """The searcher a query runs on: one scoring with the whole index's
    ``stats`` (``ix`` being one shard of several; on ``searcher``'s reader
    when given), else ``searcher`` (kept open), else a new one of ``ix``."""
    if stats is not None:
        opened: contextlib.AbstractContextManager[Searcher] = open_stats_searcher(
            ix, stats, searcher
        )
        return opened
    if searcher is not None:
        return contextlib.nullcontext(searcher)
    return open_searcher(ix)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Executed:
    """What the execute stage hands to the present stage.

    :param execution: the run, to search deeper and count respellings.
    :param results: the best ``depth`` hits.
    :param depth: how many hits were asked for (fewer came: there are no more).
    :param matched: every article the asked query matches under the
        restriction, when it was counted (``None``: it was estimated).
    :param total: how many articles match: ``len(matched)``, or an estimate.
    :param estimated: what the estimate was (or, with fewer hits than
        ``depth``, would have been) made of (:func:`~searcher.query.totals.estimate_parts`;
        ``None``: the total is counted in any case): a sharded index adds
        its shards' up into one index's estimate.
    """

    execution: Execution
    results: Results
    depth: int
    matched: set[int] | None
    total: int
    estimated: tuple[float, int] | None = None

    @property
    def total_exact(self) -> bool:
        """Whether :attr:`total` is a count rather than an estimate."""
        return self.matched is not None


def execute(plan: QueryPlan, searcher: Searcher, *, exact_total: bool = False) -> Executed:
    """Run ``plan`` on the index ``searcher`` opens (made with :func:`open_searcher`).

    :param exact_total: count every matching article even when that is not
        cheap; else a query ranked by relevance whose posting lists hold more
        than :data:`~searcher.query.totals.EXACT_TOTAL_POSTINGS` has its total
        estimated from their lengths. Facets and the histogram count every
        match anyway, and so does sorting by date, which reads them all.
    """
    scorer = bulkscore.BulkScorer(searcher) if bulkscore.supported(searcher) else None
    stats = searcher.corpus_stats if isinstance(searcher, StatsSearcher) else None
    chosen = stats.feedback if stats is not None else None
    if chosen is not None:  # one shard of several: the words all shards' best articles chose
        ranked = feedback.expand_with(plan.ranked, plan.feedback_words, chosen)
    else:
        ranked = feedback.expand(plan.ranked, plan.feedback_words, searcher, scorer)
    execution = Execution(searcher, ranked, plan.restrict, plan.sortedby, scorer)
    depth = plan.depth
    results = execution.results(depth)
    counted = exact_total or plan.facets or plan.histogram or plan.sortedby is not None
    found = len(results.top_n)
    parts = None if counted else totals.estimate_parts(plan.asked, searcher, execution.allowed)
    if found < depth and not counted:  # every match is among the hits
        return Executed(execution, results, depth, {d for _, d in results.top_n}, found, parts)
    if parts is None:
        # The rewrite only re-orders: counting the asked query is the same set,
        # counted from posting lists, unscored.
        matched = execution.matching(plan.asked)
        return Executed(execution, results, depth, matched, len(matched))
    return Executed(execution, results, depth, None, max(totals.estimated(*parts), found), parts)


class Execution:
    """One query's searches: the ranked hits, searched deeper when collapsing
    near-duplicates leaves too few, its matching set, and the counts of
    respelled queries, all under the restriction.

    With a ``scorer``, the query is scored once, term by term, and the hits (by
    score, or sorted by date) and the matching set are read from its scores;
    without, Whoosh's collector runs it.
    """

    def __init__(
        self,
        searcher: Searcher,
        query: wq.Query,
        restrict: wq.Query | None,
        sortedby: sorting.FacetType | None,
        scorer: bulkscore.BulkScorer | None = None,
    ) -> None:
        self.searcher = searcher
        self.scorer = scorer
        # The restriction as a set of docnums, and nothing to search when it is
        # empty: Whoosh's FilterCollector takes an empty allow-set for "no
        # filter" when counting, so len(results) would count everything.
        self.allowed = (
            postings.remembered_filter(
                searcher, restrict, lambda: matching_docs(searcher, restrict)
            )
            if restrict is not None
            else None
        )
        self.query = wq.NullQuery if self.allowed == set() else query
        self.sortedby = sortedby

    def results(self, depth: int) -> Results:
        """Return the best ``depth`` hits (or the first, sorted by date)."""
        top: list[tuple[Any, int]] | None = None
        if self.scorer is not None and self.sortedby is None:
            top = pruning.top(self.scorer, self.query, depth, self.allowed)
        elif self.scorer is not None:
            top = self.scorer.sorted_top(self.query, self.sortedby, depth, self.allowed)
        if top is None:
            # Whoosh's collector: every match, so that ties are cut by id as above.
            found = self.searcher.search(
                self.query, limit=None, filter=self.allowed, sortedby=self.sortedby
            )
            top = ties.runs_by_id(found.top_n, ties.id_reader(self.searcher))[:depth]
        return Results(self.searcher, self.query, top)

    def matching(self, query: wq.Query) -> set[int]:
        """Return every article ``query`` (the asked query, which the ranked query
        rewrites) matches under the restrictions, for the total and the facets."""
        if self.allowed == set():
            return set()
        if self.scorer is not None:
            # The rewrite matches what the asked query matches, and its scores
            # are already at hand.
            found = self.scorer.matching(self.query)
        else:
            # Sets from posting lists: Whoosh's own count re-runs the query doc by doc.
            found = matching_docs(self.searcher, query)
        return found if self.allowed is None else found & self.allowed

    def count(self, query: wq.Query) -> int:
        """Return how many articles ``query`` (planned, see
        :func:`~searcher.query.plan.respelled_query`) finds under the same restrictions."""
        if self.allowed == set():
            return 0
        found = matching_docs(self.searcher, query)
        return len(found if self.allowed is None else found & self.allowed)


def matching_docs(searcher: Searcher, query: wq.Query) -> set[int]:
    """Return the documents ``query`` matches, ignoring scores.

    Terms and term ranges are read as the union of their posting lists, and
    plain ``Or``/``And``/``AndNot`` combine sets: ten times faster than Whoosh's
    ``docs_for_query``, which steps matchers document by document (a month of
    Reuters: 9 ms against 130 ms). Anything else is left to Whoosh.
    """
    kind = type(query)
    if kind is wq.Or:
        return set().union(*(matching_docs(searcher, q) for q in query.subqueries))
    if kind is wq.And:
        sets = sorted((matching_docs(searcher, q) for q in query.subqueries), key=len)
        return set.intersection(*sets) if sets else set()
    if kind is wq.AndNot:
        return matching_docs(searcher, query.a) - matching_docs(searcher, query.b)
    if kind in (wq.Term, wq.TermRange):
        found: set[int] = set()
        for field, text in query.existing_terms(searcher.reader(), expand=True):
            found |= postings.term_docs(searcher, field, text)
        return found
    if query is wq.NullQuery:
        return set()
    return set(searcher.docs_for_query(query))
