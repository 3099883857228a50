"""The present stage: an executed plan turned into :class:`~searcher.models.SearchResults`.

:func:`present` folds near-duplicates into the hit that leads them
(:func:`collapse`, searching deeper while too few are left), converts one page
of Whoosh hits into :class:`~searcher.models.SearchHit` with snippets
(:mod:`searcher.query.snippets`), shows the query it ran (:func:`explain`), and
adds "did you mean" (:mod:`searcher.query.suggest`) and facet counts
(:mod:`searcher.query.facets`). :mod:`searcher.query.similar` presents its hits
with :func:`to_hit`.

Imports Whoosh's public query, searching and ``util.times`` modules,
``searcher.analysis`` (near-duplicate signatures), ``searcher.models``, the
plan (:class:`~searcher.query.plan.QueryPlan`, :func:`~searcher.query.plan.respelled_query`)
and what execute hands on (:class:`~searcher.query.execute.Executed`), and the
present-stage modules (``snippets``, ``suggest``, ``facets``, ``histogram``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from whoosh import query as wq
from whoosh.searching import Hit, Searcher
from whoosh.util.times import long_to_datetime

from searcher.analysis import neardup
from searcher.models import SearchHit, SearchResults, Segment
from searcher.query.execute import Executed, matching_docs
from searcher.query.facets import count_facets
from searcher.query.histogram import count_histogram
from searcher.query.plan import QueryPlan, respelled_query
from searcher.query.restrictions import empty_result_note
from searcher.query.snippets import SNIPPET_CHARS, snippet_cutter
from searcher.query.suggest import Evidence, spelling_evidence, suggest

LOGGER = logging.getLogger(__name__)

#: "Did you mean" is tried only for queries finding fewer articles than this.
SUGGEST_BELOW = 50


def present(plan: QueryPlan, executed: Executed) -> SearchResults:
    """Return the page of results ``plan`` asks for, from what ran."""
    leaders = collapse(executed, plan.page * plan.limit, plan.collapse)
    highlighter = snippet_cutter(executed.results)
    hits = tuple(
        to_hit(hit, rank, highlighter, tuple(copy["id"] for copy in copies))
        for rank, (hit, copies) in enumerate(leaders, 1)
        if rank > (plan.page - 1) * plan.limit
    )
    return summary(plan, executed, hits)


def summary(plan: QueryPlan, executed: Executed, hits: tuple[SearchHit, ...]) -> SearchResults:
    """The results of ``plan`` around the page of ``hits``: the query as run,
    the total, notes, "did you mean", facets and the histogram."""
    total = executed.total
    words = not plan.browsing
    suggestion = _suggestion(plan, executed) if total < SUGGEST_BELOW and words else None
    reader = executed.execution.searcher.reader()
    restrict = plan.restrict
    notes = plan.notes
    # Facets and the histogram make execute count every match (never estimate).
    matched = executed.matched if executed.matched is not None else set()
    if total == 0 and plan.restrictions:
        count = counter(plan, executed.execution.searcher)
        note = empty_result_note(reader, count, plan.restrictions, words=words)
        notes += (note,) if note else ()
    return SearchResults(
        query=plan.text,
        parsed=explain(plan.asked) + (f" FILTER {explain(restrict)}" if restrict else ""),
        total=total,
        hits=hits,
        page=plan.page,
        facets=count_facets(reader, matched, plan.facets) if plan.facets else None,
        histogram=count_histogram(reader, matched, plan.histogram) if plan.histogram else None,
        suggestion=suggestion,
        notes=notes,
        total_exact=executed.total_exact,
    )


def counter(plan: QueryPlan, searcher: Searcher) -> Callable[[wq.Query | None], int]:
    """How many articles the plan's words find under one restriction (``None``:
    under none); without words, how many the restriction holds."""
    found: set[int] | None = None

    def count(restriction: wq.Query | None) -> int:
        nonlocal found
        if plan.browsing:
            return len(matching_docs(searcher, restriction)) if restriction is not None else 0
        if found is None:
            found = matching_docs(searcher, plan.asked)
        if restriction is None or not found:
            return len(found)
        return len(found & matching_docs(searcher, restriction))

    return count


def collapse(executed: Executed, want: int, fold: bool = True) -> list[tuple[Hit, list[Hit]]]:
    """Return the first ``want`` hits, each with its near-duplicates among the
    scored hits (none unless ``fold``), searching deeper while folding leaves
    too few."""
    results, depth = executed.results, executed.depth
    reader = executed.execution.searcher.reader()
    while True:
        # Not list(results): list() asks len(), and Whoosh's len() counts
        # every match again, document by document.
        hits = list(iter(results))
        if not fold or not reader.has_column("signature"):
            return [(hit, []) for hit in hits[:want]]
        column = reader.column_reader("signature")
        grouped = neardup.group([(i, column[hit.docnum]) for i, hit in enumerate(hits)])
        if len(grouped) >= want or len(hits) < depth:  # enough, or there are no more
            break
        depth = len(hits) * 4
        results = executed.execution.results(depth)
    return [(hits[i], [hits[c] for c in copies]) for i, copies in grouped[:want]]


def signatures(searcher: Searcher, article_ids: Sequence[str]) -> list[bytes]:
    """The near-duplicate signatures of the articles ``article_ids`` (``b""``
    for one without, or not found), for collapsing the hits of several shards."""
    reader = searcher.reader()
    if not reader.has_column("signature"):
        return [b""] * len(article_ids)
    column = reader.column_reader("signature")
    found = []
    for article_id in article_ids:
        docnum = searcher.document_number(id=article_id)
        found.append(b"" if docnum is None else bytes(column[docnum]))
    return found


def _suggestion(plan: QueryPlan, executed: Executed) -> str | None:
    """The query respelled, when that finds clearly more under the same restriction."""
    execution = executed.execution
    searcher = execution.searcher
    return suggest(
        searcher.reader(),
        plan.text,
        executed.total,
        lambda text: execution.count(respelled_query(plan, text, searcher)),
        _stemmer(searcher),
    )


def spelling(searcher: Searcher, text: str) -> Evidence:
    """What the index ``searcher`` reads (one shard of several) knows of the
    spelling of ``text``'s words (:func:`~searcher.query.suggest.spelling_evidence`)."""
    return spelling_evidence(searcher.reader(), text, _stemmer(searcher))


def _stemmer(searcher: Searcher) -> Callable[[str], str]:
    return lambda word: "".join(searcher.schema["body"].process_text(word, mode="query"))


def _snippets(
    hit: Mapping[str, Any], highlighter: Callable[[Mapping[str, Any]], list[tuple[Segment, ...]]]
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
    highlighter: Callable[[Mapping[str, Any]], list[tuple[Segment, ...]]],
    similar_ids: tuple[str, ...] = (),
) -> SearchHit:
    """Convert a Whoosh hit to a :class:`SearchHit` ranked ``rank``, with snippets
    cut by ``highlighter`` (see :func:`snippet_cutter`)."""
    return article_hit(hit.fields(), hit_score(hit), rank, highlighter, similar_ids)


def hit_score(hit: Hit) -> float:
    """A Whoosh hit's score (sorted by date, Whoosh's "score" is the sort key:
    no relevance score)."""
    return float(hit.score) if isinstance(hit.score, int | float) else 0.0


def article_hit(
    hit: Mapping[str, Any],
    score: float,
    rank: int,
    highlighter: Callable[[Mapping[str, Any]], list[tuple[Segment, ...]]],
    similar_ids: tuple[str, ...] = (),
) -> SearchHit:
    """The :class:`SearchHit` of an article's stored fields ``hit``, as :func:`to_hit`."""
    title = hit.get("title") or hit.get("body", "")[:80]
    return SearchHit(
        rank=rank,
        score=score,
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
        crawled=hit.get("crawled"),
    )


def explain(query: wq.Query | None) -> str:
    """Return the query as text, with date ranges shown as ISO dates (and a
    range past the first or last date there is, ``date:>9999-12-31``, as ``NOTHING``)."""
    if query is None:
        return ""

    def iso(match: re.Match[str]) -> str:
        ends = [long_to_datetime(int(g)).isoformat() if g else "" for g in match.groups()]
        return f"date:[{ends[0]} TO {ends[1]}]"

    text = str(query).replace(str(wq.NullQuery), "NOTHING")
    return re.sub(r"date:\[(\d*) TO (\d*)\]", iso, text)
