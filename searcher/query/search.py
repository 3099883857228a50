"""Running a query: parse it, rank with BM25F, and cut highlighted snippets."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from whoosh import highlight
from whoosh.index import FileIndex
from whoosh.searching import Hit, Results, Searcher

from searcher.arguments import require, require_count, require_flag
from searcher.errors import QueryError
from searcher.models import SearchHit, SearchResults, Segment
from searcher.query.clauses import explain
from searcher.query.dates import DateLike, date_filter
from searcher.query.execute import execute, open_searcher
from searcher.query.facets import count_facets
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.parse import parse
from searcher.query.plan import make_plan, respelled_query, sort_facet
from searcher.query.snippets import BodyHighlighter
from searcher.query.suggest import suggest
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
        executed = execute(plan, searcher)
        run, results, matched = executed.execution, executed.results, executed.matched
        asked, restrict = plan.asked, plan.restrict
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
