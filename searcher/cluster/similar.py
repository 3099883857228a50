"""More like this over shards, as one index answers it: the article's words
read in the shard holding it, their frequencies added up over every shard,
the key terms chosen from those sums (Bo1, as one index chooses them), then
searched for in every shard with the whole index's statistics, and the hits
merged.

Imports ``searcher.query`` (the key terms' choice, the statistics type),
``searcher.models`` and the worker's functions.
"""

from __future__ import annotations

from dataclasses import replace

from searcher.cluster import worker
from searcher.cluster.merging import merge_hits
from searcher.cluster.phases import Run
from searcher.models import SearchResults
from searcher.query import CorpusStats
from searcher.query.similar import choose_key_terms


def similar(run: Run, shards: list[str], owner: str, article_id: str, limit: int) -> SearchResults:
    """The ``limit`` articles of all ``shards`` most like ``article_id`` (its
    whole id), which the shard ``owner`` holds."""
    full_id, words = run(worker.article_words, [(owner, article_id)])[0]
    if not words:
        return SearchResults(query=full_id, parsed="", total=0, hits=())
    asked = sorted(words)
    counted = run(worker.word_statistics, [(p, asked) for p in shards])
    stats = CorpusStats.total(found for found, _ in counted)
    held: dict[str, int] = {}
    for _, frequencies in counted:
        for word, frequency in frequencies.items():
            held[word] = held.get(word, 0) + frequency
    terms = choose_key_terms(words, stats.docs, stats.lengths.get("body", 0), held.get)
    if not terms:
        return SearchResults(query=full_id, parsed="", total=0, hits=())
    answers = run(worker.similar, [(p, full_id, limit, terms, stats) for p in shards])
    merged = merge_hits(answers, "relevance", limit)
    return SearchResults(
        query=full_id,
        parsed=answers[0].parsed,
        total=sum(found.total for found in answers),
        hits=tuple(replace(hit, rank=rank) for rank, hit in enumerate(merged, 1)),
    )
