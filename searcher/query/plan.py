"""The plan stage: a parsed query made ready to run, as a frozen :class:`QueryPlan`.

:func:`make_plan` takes the restrictions out of the query (``date:``,
``byline:``, ``source:``, ``section:`` clauses, ``filters=``, ``since``/``until``,
see :mod:`searcher.query.restrictions`), expands fuzzy words
(:mod:`searcher.query.fuzzy`), checks what is left against the index
(:mod:`searcher.query.checks`), and, for a ranking by relevance, rewrites it
with field weights (:func:`searcher.query.ranking.weigh_fields`) and names the
words that vote for feedback, which the execute stage adds.

Imports Whoosh's public query, parser, sorting and searching modules, the
floor, and the parse-stage and plan-stage modules of query/ (``parse``,
``syntax``, ``limits``, ``restrictions``, ``fuzzy``, ``checks``, ``ranking``);
nothing of the execute or present stages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from whoosh import qparser, sorting
from whoosh import query as wq
from whoosh.searching import Searcher

from searcher.config import require
from searcher.errors import ArgumentError, QueryError
from searcher.query import ranking
from searcher.query.checks import check_query, fit_clauses
from searcher.query.fuzzy import NearWords, expand_fuzzy
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.parse import ParsedQuery, query_fields
from searcher.query.prose import read_box
from searcher.query.restrictions import (
    Restriction,
    clause_restriction,
    filter_queries,
    split_restrictions,
)
from searcher.query.syntax import apply_exclusions

LOGGER = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "oldest")
#: Near-duplicates are looked for among this many hits beyond the page, so
#: "+N similar" counts the copies among the best page + 20 matches (copies of
#: one story score alike, so they rank together). Deeper costs time: scoring the
#: best 110 instead of 30 takes about twice as long on Reuters.
COLLAPSE_WINDOW = 20


@dataclass(frozen=True)
class QueryPlan:
    """What the plan stage hands to the execute and present stages.

    :param text: the query as typed.
    :param notes: what is not searched for (stop words, symbols).
    :param asked: the query as asked: restrictions taken out, fuzzy words
        expanded, checked against the index. It is counted and shown.
    :param ranked: the query to score: ``asked`` rewritten with field weights
        (``asked`` itself when sorted by date). It matches what ``asked`` matches.
    :param feedback_words: the words of ``asked`` that let the execute stage
        add feedback words (:func:`searcher.query.feedback.expand`); empty when
        sorted by date.
    :param restrict: what keeps articles without ranking them, or ``None``.
    :param restrictions: each restriction with what it is, for saying which
        one emptied the results.
    :param sortedby: Whoosh's sort facet, ``None`` for relevance.
    :param page: which page of hits, from 1; ``limit``: hits per page.
    :param collapse: fold near-duplicates into one hit.
    :param facets: the facets to count over all matching articles (checked names).
    :param histogram: the date histogram's interval (checked), or ``None``.
    :param parser: the parser that read the query, to read respellings alike.
    :param syntax: whether the text was read with query syntax (respellings too).
    :param browsing: the text had no words to search for: the restrictions
        chose the articles.
    """

    text: str
    notes: tuple[str, ...]
    asked: wq.Query
    ranked: wq.Query
    feedback_words: tuple[str, ...]
    restrict: wq.Query | None
    restrictions: tuple[Restriction, ...]
    sortedby: sorting.FacetType | None
    page: int
    limit: int
    collapse: bool
    facets: tuple[str, ...]
    histogram: str | None
    parser: qparser.QueryParser
    syntax: bool = True
    browsing: bool = False

    @property
    def depth(self) -> int:
        """How many of the best hits to score: the pages up to this one, and
        the collapse window."""
        return self.page * self.limit + (COLLAPSE_WINDOW if self.collapse else 0)


def make_plan(
    parsed: ParsedQuery,
    searcher: Searcher,
    *,
    sortedby: sorting.FacetType | None = None,
    dates: wq.Query | None = None,
    filters: Mapping[str, str] | None = None,
    page: int = 1,
    limit: int = 10,
    collapse: bool = True,
    facets: tuple[str, ...] = (),
    histogram: str | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    syntax: bool = True,
    near: NearWords | None = None,
) -> QueryPlan:
    """Return the plan of ``parsed`` on the index ``searcher`` opens.

    :param sortedby: the sort, from :func:`sort_facet`.
    :param dates: the ``since``/``until`` restriction
        (:func:`searcher.query.dates.date_filter`), or ``None``.
    :param filters: ``{"byline": ..., "source": ..., "section": ...}``: every
        word of each must match that field.
    :param syntax: whether the text was read with query syntax.

    Without words to search for (``parsed.query`` is ``None``), the
    restrictions choose the articles, less any excluded words, newest first
    unless ``sortedby`` says oldest.

    :raises QueryError: a filter has no words, the query only excludes words
        and nothing restricts it, or the query would run away
    :param near: fuzzy words' near words (:func:`~searcher.query.fuzzy.expand_fuzzy`).
    :raises QueryError: a filter has no words, or the query would run away
        (:func:`searcher.query.checks.check_query`).
    """
    # Restrictions (from clauses, filters and dates) become one set of
    # documents: counting an And over a date range walks it doc by doc.
    query, found = split_restrictions(parsed.query) if parsed.query is not None else (None, [])
    labelled = [clause_restriction(q) for q in found]
    labelled += filter_queries(searcher.schema, filters or {})
    if dates is not None:
        labelled.append(Restriction("a date in the range asked for (since/until)", dates))
    restrictions = [r.query for r in labelled]
    restrict = (
        (wq.And(restrictions) if len(restrictions) > 1 else restrictions[0])
        if restrictions
        else None
    )
    notes = parsed.notes
    if query is None:
        query, restrict, sortedby, note = _browse(parsed, restrict, sortedby)
        notes += note
    # The user's query is checked and shown; the ranking rewrite (field
    # weights, feedback terms) only re-orders what it matches.
    asked = expand_fuzzy(query, searcher, max_edits=limits.max_fuzzy_edits, near=near)
    asked, pruned = fit_clauses(asked, searcher.reader(), parsed.text, limits=limits)
    notes += (pruned,) if pruned else ()
    check_query(asked, searcher.reader(), limits=limits)
    # Sorted by date, scores play no part: the ranking rewrite is not needed.
    by_relevance = sortedby is None
    return QueryPlan(
        text=parsed.text,
        notes=notes,
        asked=asked,
        ranked=ranking.weigh_fields(asked) if by_relevance else asked,
        feedback_words=tuple(ranking.query_words(asked)) if by_relevance else (),
        restrict=restrict,
        restrictions=tuple(labelled),
        sortedby=sortedby,
        page=page,
        limit=limit,
        collapse=collapse,
        facets=facets,
        histogram=histogram,
        parser=parsed.parser,
        syntax=syntax,
        browsing=parsed.query is None,
    )


def _browse(
    parsed: ParsedQuery, restrict: wq.Query | None, sortedby: sorting.FacetType | None
) -> tuple[wq.Query, None, sorting.FacetType, tuple[str, ...]]:
    """The query of a search without words: the restrictions, less what the text
    excludes, newest first (relevance means nothing without words)."""
    if restrict is None:
        if parsed.excluded is not None:
            raise QueryError(
                f"The query {parsed.text.strip()!r} only excludes words; add a word to "
                f"search for, or a filter (source, byline, section, since, until) to "
                f"list the articles without them."
            )
        raise QueryError(
            'Empty query; give words to search for, e.g. "legal immunity", or a filter '
            "(source, byline, section, since, until) to list articles newest first."
        )
    notes: tuple[str, ...] = ()
    query = restrict
    if parsed.excluded is not None:
        query = wq.AndNot(restrict, parsed.excluded)
        notes = (
            f"The query only excludes words ({parsed.text.strip()}): these are the "
            f"articles without them that pass the filters.",
        )
    return query, None, sortedby if sortedby is not None else sort_facet("newest"), notes


def respelled_query(plan: QueryPlan, text: str, searcher: Searcher) -> wq.Query:
    """Return the query ``text`` (a respelling of the plan's query) asks, planned
    as the plan's was: read by its parser, its restrictions taken out (the
    plan's apply), fuzzy words expanded. It is only counted, never run."""
    reading = read_box(text, query_fields(searcher.schema), syntax=plan.syntax)
    query, _ = split_restrictions(apply_exclusions(plan.parser.parse(reading.text)))
    return expand_fuzzy(query, searcher)


def sort_facet(sort: str) -> sorting.FacetType | None:
    """Return the Whoosh facet that sorts by ``sort`` (``None``: by relevance).

    :raises ValueError: ``sort`` is not one of :data:`SORTS`.
    """
    if require(sort, "sort", str, "a str") not in SORTS:
        names = ", ".join(repr(s) for s in SORTS[:-1]) + f" or {SORTS[-1]!r}"
        raise ArgumentError(f"sort must be {names}, not {sort!r}")
    if sort == "relevance":
        return None
    # Undated articles go last in both orders. (Whoosh's Every("date") would
    # say which are dated, but walks every numeric term: slow.)
    if sort == "oldest":
        return sorting.FieldFacet("date")  # an undated article sorts as the largest date
    # Newest first: by month, "" (undated) last, then by date.
    return sorting.MultiFacet(
        [sorting.FieldFacet("month", reverse=True), sorting.FieldFacet("date", reverse=True)]
    )
