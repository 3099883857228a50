"""The search and fetch phases of a sharded query on one shard, as
Elasticsearch's query-then-fetch.

The search phase (:func:`shard_search`) ranks the shard's articles with the
whole index's statistics and hands on only what merging the shards needs: each
hit's id, score, date and near-duplicate signature (:class:`ShardHit`), the
counts (total, facets, histogram, notes) and the words its snippets would
highlight. The caller merges every shard's hits, folds near-duplicates, and
asks the shards holding the final page's hits for them (:func:`fetch`): stored
fields and snippets are read for that page only.

Imports Whoosh's public searching module, ``searcher.models``, and the stages
it runs (:func:`~searcher.query.search.executed_query`, ``present``, ``snippets``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from whoosh.index import FileIndex
from whoosh.searching import Searcher

from searcher.models import SearchHit, SearchResults
from searcher.query.present import article_hit, hit_score, summary
from searcher.query.search import executed_query
from searcher.query.shardstats import CorpusStats
from searcher.query.snippets import query_words, words_cutter


@dataclass(frozen=True, slots=True)
class ShardHit:
    """One hit of a shard's search phase: what merging and folding need.

    ``signature`` is the article's near-duplicate signature (``b""`` when not
    asked for, or the index keeps none)."""

    id: str
    score: float
    date: datetime | None
    signature: bytes = b""


@dataclass(frozen=True, slots=True)
class ShardPage:
    """A shard's answer to the search phase.

    :param results: the counts, notes and query as run, without hits.
    :param hits: the shard's best hits, in its order.
    :param words: the body words the query highlights (for :func:`fetch`).
    :param generation: the shard's generation the hits were read from (it
        changes with every commit).
    """

    results: SearchResults
    hits: tuple[ShardHit, ...]
    words: frozenset[str]
    generation: int


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
            )
            for hit in hits
        )
        return ShardPage(
            summary(plan, executed, ()),
            found,
            query_words(executed.results),
            int(reader.generation() or 0),
        )


def fetch(
    searcher: Searcher, found: Sequence[tuple[str, float]], words: Iterable[str]
) -> list[SearchHit]:
    """The fetch phase on one shard: the hits ``found`` (id and score, from the
    search phase), ranked from 1 in that order, with their stored fields and
    snippets highlighting ``words`` (every shard's :attr:`ShardPage.words`).
    An article deleted since the search phase is left out."""
    cutter = words_cutter(searcher.schema, words)
    hits: list[SearchHit] = []
    for article_id, score in found:
        docnum = searcher.document_number(id=article_id)
        if docnum is not None:
            fields = searcher.stored_fields(docnum)
            hits.append(article_hit(fields, score, len(hits) + 1, cutter))
    return hits
