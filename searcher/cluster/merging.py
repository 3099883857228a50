"""Merging the shards' answers into the answer of one index.

The shards score with the whole index's statistics, so their scores compare:
the page is the best hits of all of them (or the first by date), re-ranked;
totals and facet counts add up.

Imports ``searcher.models`` and ``searcher.query`` (a shard's hits) only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from searcher.models import SearchHit, SearchResults
from searcher.query import ShardHit, ShardPage
from searcher.query.totals import estimated

#: A hit of the merged search phase: its shard's number and the hit.
Placed = tuple[int, ShardHit]


def _key(sort: str, article_id: str, score: float, date: datetime | None) -> tuple[object, ...]:
    """Order of hits across shards (undated articles last when sorted by date),
    exact ties by id, as one index orders them (:mod:`searcher.query.ties`)."""
    if sort == "relevance":
        return (-score, article_id)
    if date is None:
        return (1, 0.0, article_id)
    stamp = date.timestamp()
    return (0, -stamp if sort == "newest" else stamp, article_id)


def merge_hits(answers: Sequence[SearchResults], sort: str, depth: int) -> list[SearchHit]:
    """The first ``depth`` of all shards' hits, in order."""
    tagged = [
        (_key(sort, hit.id, hit.score, hit.date), hit) for answer in answers for hit in answer.hits
    ]
    tagged.sort(key=lambda item: item[0])
    return [hit for _, hit in tagged[:depth]]


def merge_found(pages: Sequence[Sequence[ShardHit]], sort: str, depth: int) -> list[Placed]:
    """The first ``depth`` of all shards' search-phase hits, in order, each
    with its shard's number."""
    tagged = [
        (_key(sort, hit.id, hit.score, hit.date), (n, hit))
        for n, hits in enumerate(pages)
        for hit in hits
    ]
    tagged.sort(key=lambda item: item[0])
    return [placed for _, placed in tagged[:depth]]


def total_of(pages: Sequence[ShardPage], fewer: int | None, depth: int) -> tuple[int, bool]:
    """The whole index's total from the shards' first search round, and
    whether it is a count: as one index scoring its best ``depth``, ``fewer``
    (the matches, all found, when fewer than ``depth``), else the matches counted, when one
    index would count them (then every shard counted its own), else one
    index's estimate, its share of the articles of all shards (every shard's
    share is the same, from the whole index's posting counts)."""
    if fewer is not None:
        return fewer, True
    parts = [page.estimated for page in pages if page.estimated is not None]
    shares = {share for share, _ in parts}
    if len(parts) < len(pages) or len(shares) != 1:
        # Counted (or, a query no two shards read alike, their own estimates).
        exact = all(page.results.total_exact for page in pages)
        return sum(page.results.total for page in pages), exact
    within = sum(articles for _, articles in parts)
    return max(estimated(shares.pop(), within), depth), False


def page_of(
    leaders: Sequence[tuple[Placed, Sequence[Placed]]],
    fetched: Mapping[Placed, SearchHit],
    start: int,
) -> tuple[SearchHit, ...]:
    """The ``leaders`` (the page's, the first ranked ``start + 1``) as their
    ``fetched`` hits, each with its near-duplicates among the merged hits (a
    leader deleted since the search phase is left out)."""
    return tuple(
        replace(
            fetched[leader],
            rank=rank,
            similar_count=len(copies),
            similar_ids=tuple(hit.id for _, hit in copies),
        )
        for rank, (leader, copies) in enumerate(
            ((leader, copies) for leader, copies in leaders if leader in fetched), start + 1
        )
    )
