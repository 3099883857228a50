"""Running a query: parse it, rank with BM25F, and cut highlighted snippets."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from whoosh import highlight, sorting
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.searching import Hit, Results, Searcher

from searcher.analysis import neardup
from searcher.arguments import require, require_count, require_flag
from searcher.errors import QueryError
from searcher.models import SearchHit, SearchResults, Segment
from searcher.query import bulkscore, feedback, ranking
from searcher.query.clauses import explain, matching_docs
from searcher.query.dates import DateLike, date_filter
from searcher.query.facets import count_facets
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.parse import parse
from searcher.query.plan import make_plan, respelled_query, sort_facet
from searcher.query.snippets import BodyHighlighter
from searcher.query.suggest import suggest
from searcher.store import postings
from searcher.text import deadline

LOGGER = logging.getLogger(__name__)

#: How many highlighted fragments a hit carries, and their size in characters.
SNIPPETS_PER_HIT = 3
SNIPPET_CHARS = 200
#: "Did you mean" is tried only for queries finding fewer articles than this.
SUGGEST_BELOW = 50


class SegmentFormatter(highlight.Formatter):  # type: ignore[misc]
    """Formats each fragment as a tuple of :class:`Segment`, not as markup."""

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return str(text[token.startchar : token.endchar])

    def format_fragment(self, fragment: Any, replace: bool = False) -> tuple[Segment, ...]:
        text, index = fragment.text, fragment.startchar
        segments: list[Segment] = []
        for token in fragment.matches:
            if token.startchar < index:
                continue  # overlapping match, already covered
            if token.startchar > index:
                segments.append(Segment(text[index : token.startchar], False))
            segments.append(Segment(text[token.startchar : token.endchar], True))
            index = token.endchar
        segments.append(Segment(text[index : fragment.endchar], False))
        return tuple(s for s in segments if s.text)

    def format(self, fragments: Sequence[Any], replace: bool = False) -> list[tuple[Segment, ...]]:
        return [self.format_fragment(fragment, replace) for fragment in fragments]


def snippet_cutter(results: Results) -> BodyHighlighter:
    """Return what cuts the snippets of ``results``' hits: up to
    :data:`SNIPPETS_PER_HIT` fragments of about :data:`SNIPPET_CHARS` characters."""
    return BodyHighlighter(
        results,
        fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60),
        formatter=SegmentFormatter(),
        top=SNIPPETS_PER_HIT,
    )


def _snippets(
    hit: Hit, highlighter: Callable[[Hit], list[tuple[Segment, ...]]]
) -> tuple[tuple[Segment, ...], ...]:
    fragments = highlighter(hit)
    if fragments:
        return tuple(fragments)
    body: str = hit.get("body", "")
    if not body:
        return ()
    lead = body[:SNIPPET_CHARS].rsplit(" ", 1)[0] if len(body) > SNIPPET_CHARS else body
    return ((Segment(lead, False),),)


def to_hit(
    hit: Hit,
    rank: int,
    highlighter: Callable[[Hit], list[tuple[Segment, ...]]],
    similar_ids: tuple[str, ...] = (),
) -> SearchHit:
    """Convert a Whoosh hit to a :class:`SearchHit` ranked ``rank``, with snippets
    cut by ``highlighter`` (see :func:`snippet_cutter`)."""
    title = hit.get("title") or hit.get("body", "")[:80]
    return SearchHit(
        rank=rank,
        # Sorted by date, Whoosh's "score" is the sort key: no relevance score.
        score=float(hit.score) if isinstance(hit.score, int | float) else 0.0,
        id=hit["id"],
        path=hit["path"],
        title=title,
        byline=hit.get("byline", ""),
        source=hit.get("source", ""),
        date=hit.get("date"),
        url=hit.get("url", ""),
        snippets=_snippets(hit, highlighter),
        similar_count=len(similar_ids),
        similar_ids=similar_ids,
    )


def open_searcher(ix: FileIndex) -> Searcher:
    """Return a searcher of ``ix`` that scores as :func:`search` does."""
    return ix.searcher(weighting=ranking.make_weighting())


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
    facets: bool = False,
    collapse: bool = True,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    searcher: Searcher | None = None,
) -> SearchResults:
    """Rank the articles of ``ix`` for ``text`` and return one page of hits.

    :param text: words, phrases in quotes, ``AND``/``OR``/``NOT``, ``field:value``
        (``byline:``, ``source:``, ``section:``), ``word~`` (fuzzy) and ``date:``
        clauses (``date:2011-10``, ``date:[2011-10-01 TO 2011-10-31]``, ``date:>2011``).
    :param limit: hits per page (at least 1).
    :param page: which page of hits, from 1.
    :param since: keep articles from the start of this date's period, e.g.
        ``"2011-10"``, ``"17 October 2011"``, ``"last week"``, a date or a datetime.
    :param until: keep articles up to the end of this date's period.
    :param sort: ``"relevance"``, ``"newest"`` or ``"oldest"``.
    :param filters: ``{"byline": ..., "source": ..., "section": ...}``: every
        word of each must match that field.
    :param facets: count all matching articles by source and by month.
    :param collapse: fold near-duplicates (the same wire copy) into one hit.
    :param now: the present, for relative dates (default: now, UTC).
    :param limits: the query's budget: size, expansions and seconds.
    :param searcher: an open searcher of ``ix`` (made with
        :func:`open_searcher`) to reuse; it is left open. Opening one reads
        every segment, so reusing it saves that on each query.
    :raises QueryError: the query is empty, malformed, too costly or too slow.
    :raises DateError: a date cannot be read.
    """
    require(text, "text", str, "a str")
    require_count(limit, "limit")
    require_count(page, "page")
    require_flag(facets, "facets")
    require_flag(collapse, "collapse")
    require(now, "now", (datetime, type(None)), "a datetime or None")
    require(limits, "limits", QueryLimits, "a QueryLimits")
    if not text.strip():
        raise QueryError('Empty query; give words to search for, e.g. "legal immunity".')
    sortedby = sort_facet(sort)
    dates = date_filter(since, until, now=now)
    opened = contextlib.nullcontext(searcher) if searcher is not None else open_searcher(ix)
    with deadline.time_budget(limits.seconds), opened as searcher:
        parsed = parse(text, searcher, now=now, limits=limits)
        plan = make_plan(
            parsed,
            searcher,
            sortedby=sortedby,
            dates=dates,
            filters=filters,
            page=page,
            limit=limit,
            collapse=collapse,
            facets=facets,
            limits=limits,
        )
        scorer = bulkscore.BulkScorer(searcher) if bulkscore.supported(searcher) else None
        final = feedback.expand(plan.ranked, plan.feedback_words, searcher, scorer)
        run = _Run(searcher, final, plan.restrict, plan.sortedby, scorer)
        asked, restrict = plan.asked, plan.restrict
        results = run.results(plan.depth)
        # The rewrite only re-orders: counting the asked query is the same set, and
        # it stays plain Or/And/Term, which matching_docs counts from posting lists.
        matched = run.matched(asked)
        total = len(matched)
        leaders = run.leaders(results, page * limit, collapse, total)
        highlighter = snippet_cutter(results)
        hits = tuple(
            to_hit(hit, rank, highlighter, tuple(copy["id"] for copy in copies))
            for rank, (hit, copies) in enumerate(leaders, 1)
            if rank > (page - 1) * limit
        )
        suggestion = None
        if total < SUGGEST_BELOW:
            suggestion = suggest(
                searcher.reader(),
                text,
                total,
                lambda t: run.count(respelled_query(plan, t, searcher)),
                lambda w: "".join(searcher.schema["body"].process_text(w, mode="query")),
            )
        return SearchResults(
            query=text,
            parsed=explain(asked) + (f" FILTER {explain(restrict)}" if restrict else ""),
            total=total,
            hits=hits,
            page=page,
            facets=count_facets(searcher.reader(), matched) if facets else None,
            suggestion=suggestion,
            notes=parsed.notes,
        )


class _Run:
    """One query's searches: the ranked hits, re-fetched deeper when collapsing
    near-duplicates leaves too few, and the counts of respelled queries.

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
        top: list[tuple[Any, int]] | None = None
        if self.scorer is not None and self.sortedby is None:
            top = self.scorer.top(self.query, depth, self.allowed)
        elif self.scorer is not None:
            top = self.scorer.sorted_top(self.query, self.sortedby, depth, self.allowed)
        if top is not None:
            return Results(self.searcher, self.query, top)
        return self.searcher.search(
            self.query, limit=depth, filter=self.allowed, sortedby=self.sortedby
        )

    def leaders(
        self, results: Results, want: int, collapse: bool, total: int
    ) -> list[tuple[Hit, list[Hit]]]:
        """Return the first ``want`` hits, each with its near-duplicates among the
        scored hits, searching deeper while collapsing leaves too few."""
        while True:
            # Not list(results): list() asks len(), and Whoosh's len() counts
            # every match again, document by document.
            hits = list(iter(results))
            if not collapse:
                return [(hit, []) for hit in hits[:want]]
            reader = self.searcher.reader()
            if not reader.has_column("signature"):
                return [(hit, []) for hit in hits[:want]]
            column = reader.column_reader("signature")
            grouped = neardup.group([(i, column[hit.docnum]) for i, hit in enumerate(hits)])
            if len(grouped) >= want or len(hits) >= total:
                break
            results = self.results(len(hits) * 4)
        return [(hits[i], [hits[c] for c in copies]) for i, copies in grouped[:want]]

    def matched(self, query: wq.Query) -> set[int]:
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
