"""Every article of a sharded index, or every match of a query, whole, as
one index yields them (:meth:`searcher.Index.articles`, :meth:`~searcher.Index.matches`),
for ``searcher export``.

A query's matches are ranked on every shard with the whole index's
statistics, merged into one index's order (:mod:`searcher.cluster.merging`),
and read from their shards a batch at a time, so memory holds one batch of
articles (and every match's id) at once.

Imports ``searcher.opening`` (each shard read in this process),
``searcher.models``, ``searcher.query`` (the statistics type) and the worker's functions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from searcher.cluster import worker
from searcher.cluster.merging import merge_hits
from searcher.cluster.phases import Run
from searcher.models import Article, SearchResults
from searcher.opening import open_index
from searcher.query import CorpusStats

#: Articles read from the shards at a time.
BATCH = 200


def every_article(shards: list[str]) -> Iterator[Article]:
    """Every article of the ``shards``, shard after shard, each in the order
    its articles were indexed, read here one at a time."""
    for path in shards:
        with open_index(Path(path), mmap=False) as ix:
            yield from ix.articles()


def matches(
    run: Run,
    shards: list[str],
    text: str,
    asked: Mapping[str, Any],
    stats: CorpusStats,
    order: str,
) -> Iterator[Article]:
    """Every article of the ``shards`` that ``text`` matches under the
    restrictions ``asked``, whole, in the ``order`` one index gives them."""
    answers = run(worker.matched_hits, [(p, text, asked, stats) for p in shards])
    owner = {hit.id: path for path, hits in zip(shards, answers, strict=True) for hit in hits}
    ranked = [SearchResults(query=text, parsed="", total=len(h), hits=tuple(h)) for h in answers]
    merged = merge_hits(ranked, order, len(owner))
    del answers, ranked
    for start in range(0, len(merged), BATCH):
        batch = [hit.id for hit in merged[start : start + BATCH]]
        wanted: dict[str, list[str]] = {}
        for article_id in batch:
            wanted.setdefault(owner[article_id], []).append(article_id)
        paths = sorted(wanted)
        found = run(worker.stored, [(p, wanted[p]) for p in paths])
        read = {article.id: article for articles in found for article in articles}
        yield from (read[article_id] for article_id in batch if article_id in read)
