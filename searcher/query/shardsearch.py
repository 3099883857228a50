"""A sharded query's phases on one shard: statistics (:func:`shard_statistics`),
feedback (:func:`shard_feedback`), search and fetch (as Elasticsearch's
query-then-fetch), and for exports and empty results every match
(:func:`shard_matches`) and what emptied it (:func:`shard_emptied`).

The search phase (:func:`shard_search`) ranks the shard's articles with the
whole index's statistics and hands on only what merging the shards needs: each
hit's id, score, date and near-duplicate signature (:class:`ShardHit`), the
counts (total, facets, histogram, notes) and the words its snippets would
highlight. The caller merges every shard's hits, folds near-duplicates, and
asks the shards holding the final page's hits for them (:func:`fetch`): stored
fields and snippets are read for that page only.

Imports Whoosh's public searching module, ``searcher.models``, and the stages
it runs (:func:`~searcher.query.search.executed_query` and its checked
arguments, ``present``, ``snippets``, ``feedback``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from whoosh.index import FileIndex
from whoosh.searching import Hit, Results, Searcher

from searcher.models import SearchHit, SearchResults, Segment
from searcher.query import feedback
from searcher.query.bulkscore import BulkScorer
from searcher.query.bulkscore import supported as bulkscore_supported
from searcher.query.dates import DateLike
from searcher.query.execute import searching
from searcher.query.fuzzy import NearWords
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.present import article_hit, counter, hit_score, summary, to_hit
from searcher.query.restrictions import Emptied, Restriction, emptied
from searcher.query.search import Asked, every_match, executed_query
from searcher.query.shardstats import CorpusStats, TermKey, local_statistics, query_terms
from searcher.query.snippets import query_words, words_cutter
from searcher.text import deadline


@dataclass(frozen=True, slots=True)
class ShardHit:
    """One hit of a shard's search phase: what merging and folding need.

    ``signature`` is the article's near-duplicate signature (``b""`` when not
    asked for, or the index keeps none); ``docnum`` its document number in the
    shard's generation the hit was read from (:attr:`ShardPage.generation`),
    which the fetch phase reads it by while that generation holds."""

    id: str
    score: float
    date: datetime | None
    signature: bytes = b""
    docnum: int | None = None


@dataclass(frozen=True, slots=True)
class ShardPage:
    """A shard's answer to the search phase.

    :param results: the counts, notes and query as run, without hits.
    :param hits: the shard's best hits, in its order.
    :param words: the body words the query highlights (for :func:`fetch`).
    :param generation: the shard's generation the hits were read from (it
        changes with every commit).
    :param estimated: the share of all articles the query matches (from the
        whole index's posting counts) and this shard's articles it is a share
        of, when one index of all the shards would estimate its total
        (:func:`~searcher.query.totals.estimate_parts`; ``None``: it counts).
    """

    results: SearchResults
    hits: tuple[ShardHit, ...]
    words: frozenset[str]
    generation: int
    estimated: tuple[float, int] | None = None


def shard_search(
    ix: FileIndex,
    text: str,
    stats: CorpusStats,
    *,
    searcher: Searcher | None = None,
    signed: bool = False,
    **options: Any,
) -> ShardPage:
    """The search phase of a sharded query on one shard ``ix``: its best
    ``page * limit`` hits for ``text`` (``options``: :func:`~searcher.query.search`'s),
    scored with the whole index's ``stats``, with their near-duplicate
    signatures when ``signed``; no stored field beyond the id and date is read,
    no snippet cut.

    :raises QueryError, DateError: as :func:`~searcher.query.search`.
    """
    with executed_query(ix, text, stats=stats, searcher=searcher, **options) as (plan, executed):
        hits = list(iter(executed.results))[: plan.page * plan.limit]
        reader = executed.execution.searcher.reader()
        column = None
        if signed and reader.has_column("signature"):
            column = reader.column_reader("signature")
        found = tuple(
            ShardHit(
                hit["id"],
                hit_score(hit),
                hit.get("date"),
                b"" if column is None else bytes(column[hit.docnum]),
                hit.docnum,
            )
            for hit in hits
        )
        return ShardPage(
            summary(plan, executed, ()),
            found,
            query_words(executed.results),
            int(reader.generation() or 0),
            executed.estimated,
        )


def fetch(
    searcher: Searcher,
    found: Sequence[tuple[str, float]],
    words: Iterable[str],
    docnums: Sequence[int | None] | None = None,
) -> list[SearchHit]:
    """The fetch phase on one shard: the hits ``found`` (id and score, from the
    search phase), ranked from 1 in that order, with their stored fields and
    snippets highlighting ``words`` (every shard's :attr:`ShardPage.words`).
    ``docnums``: theirs in ``searcher``'s reader, when the search phase read
    the same generation (``None``, or a number holding another id: found by
    id). An article deleted since the search phase is left out."""
    cutter = words_cutter(searcher.schema, words)
    hits: list[SearchHit] = []
    for (article_id, score), docnum in zip(found, docnums or [None] * len(found), strict=True):
        fields = None if docnum is None else searcher.stored_fields(docnum)
        if fields is None or fields.get("id") != article_id:
            docnum = searcher.document_number(id=article_id)
            fields = None if docnum is None else searcher.stored_fields(docnum)
        if fields is not None:
            hits.append(article_hit(fields, score, len(hits) + 1, cutter))
    return hits


def shard_matches(
    ix: FileIndex,
    text: str,
    stats: CorpusStats,
    *,
    searcher: Searcher | None = None,
    **restrictions: Any,
) -> list[SearchHit]:
    """Every article of one shard ``ix`` that :func:`matching` finds, as hits
    scored with the whole index's ``stats`` (snippets left out), in the
    shard's order: a sharded index merges them into one index's order.
    ``restrictions``: :func:`matching`'s keyword arguments.

    :raises QueryError: as :func:`search`.
    """
    asked = Asked.of(text, restrictions)
    with deadline.time_budget(asked.limits.seconds), searching(ix, searcher, stats) as searcher:
        plan = asked.plan(searcher, stats.near_words())
        return [
            to_hit(hit or Hit(Results(searcher, plan.ranked, []), n), rank, _no_snippets)
            for rank, (n, hit) in enumerate(every_match(plan, searcher), 1)
        ]  # fmt: skip


def shard_emptied(
    ix: FileIndex,
    text: str,
    stats: CorpusStats,
    *,
    searcher: Searcher | None = None,
    **restrictions: Any,
) -> tuple[tuple[str, ...], Sequence[Restriction], Emptied | None]:
    """Why a sharded query found nothing, on one shard ``ix``: the notes of its
    plan, its restrictions, and what this shard counts of them (``None``: it has
    none), which the caller adds up (``Emptied.total``) and says as one index
    would (:func:`~searcher.query.restrictions.emptied_note`).
    ``restrictions``: :func:`matching`'s keyword arguments.
    """
    asked = Asked.of(text, restrictions)
    with deadline.time_budget(asked.limits.seconds), searching(ix, searcher, stats) as searcher:
        plan = asked.plan(searcher, stats.near_words())
        if not plan.restrictions:
            return plan.notes, (), None
        count = counter(plan, searcher)
        found = emptied(searcher.reader(), count, plan.restrictions, words=not plan.browsing)
        return plan.notes, plan.restrictions, found


def _no_snippets(hit: Hit) -> list[tuple[Segment, ...]]:
    return [()]


def shard_statistics(
    ix: FileIndex,
    text: str,
    *,
    since: DateLike | None = None,
    until: DateLike | None = None,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    terms: Iterable[TermKey] | None = None,
    syntax: bool = True,
    match: str = "any",
    searcher: Searcher | None = None,
) -> tuple[CorpusStats, frozenset[TermKey]]:
    """The first phase of a sharded query on one shard ``ix``: its statistics
    for the terms the query scores, and those terms (as this shard expands
    them), to be added up over the shards into the :class:`CorpusStats` that
    :func:`search` then scores every shard with. Given ``terms`` (all shards'),
    their frequencies are counted instead. ``searcher``: an open searcher of
    ``ix`` to reuse, as :func:`search`'s.

    :raises QueryError: as :func:`search`.
    """
    asked = Asked(text, since, until, sort, filters, now, limits, syntax, match)
    with deadline.time_budget(limits.seconds), searching(ix, searcher) as searcher:
        near: NearWords = {}
        browsing, words = False, 0
        if terms is None:
            plan = asked.plan(searcher, near)
            browsing, words = plan.browsing, len(plan.feedback_words)
            # The asked query's terms too: a shard reads their whole-index
            # posting counts to count or estimate its total as one index would.
            terms = set()
            if not browsing:
                terms = query_terms(plan.ranked, searcher) | query_terms(plan.asked, searcher)
        found = frozenset(terms)
        stats = replace(local_statistics(searcher, found, near), browsing=browsing, words=words)
        return stats, found


def shard_feedback(
    ix: FileIndex,
    text: str,
    stats: CorpusStats,
    *,
    since: DateLike | None = None,
    until: DateLike | None = None,
    sort: str = "relevance",
    filters: Mapping[str, str] | None = None,
    now: datetime | None = None,
    limits: QueryLimits = DEFAULT_LIMITS,
    syntax: bool = True,
    match: str = "any",
    searcher: Searcher | None = None,
) -> feedback.ShardVoters:
    """The feedback phase of a sharded query on one shard ``ix``, for a query
    of :data:`~searcher.query.feedback.PRF_MIN_TERMS` words or more: this
    shard's best articles for it, scored with the whole index's ``stats``,
    with their ids and body term counts. The caller keeps the best of all
    shards' (:func:`~searcher.query.feedback.best_voters`), chooses the words
    (:func:`~searcher.query.feedback.choose_words`) and hands them to every
    shard in ``CorpusStats.feedback``.

    :raises QueryError: as :func:`search`.
    """
    asked = Asked(text, since, until, sort, filters, now, limits, syntax, match)
    with deadline.time_budget(limits.seconds), searching(ix, searcher, stats) as searcher:
        plan = asked.plan(searcher, stats.near_words())
        if plan.browsing or len(plan.feedback_words) < feedback.PRF_MIN_TERMS:
            return []
        scorer = BulkScorer(searcher) if bulkscore_supported(searcher) else None
        return feedback.shard_voters(plan.ranked, searcher, scorer)
