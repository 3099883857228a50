"""What an open searcher keeps: a shard's per-query searchers (scoring with the
whole index's statistics) share the postings read, for as long as the
statistics stay the same."""

from __future__ import annotations

import searcher
from searcher.query import bulkscore
from searcher.query.shardstats import CorpusStats, open_stats_searcher
from searcher.store import postings
from tests.conftest import whoosh_index


def test_per_query_shard_searchers_share_postings_while_the_statistics_hold(
    built_index: searcher.Index,
) -> None:
    ix = whoosh_index(built_index)
    with ix.searcher() as kept:
        stats = CorpusStats(docs=1000, lengths={"body": 300_000, "lead": 30_000})
        other = CorpusStats(docs=1000, lengths={"body": 600_000, "lead": 60_000})
        first = open_stats_searcher(ix, stats, kept)
        scored = bulkscore.BulkScorer(first).data.arrays("body", b"troop", True)
        assert scored is not None
        again = open_stats_searcher(ix, CorpusStats(docs=1000, lengths=dict(stats.lengths)), kept)
        cache, shared = postings.cache_for(first), postings.cache_for(again)
        assert shared.whole is cache.whole and shared.segments is cache.segments
        assert shared.frequencies is not cache.frequencies, "each query's own frequencies"
        assert bulkscore.BulkScorer(again).data.arrays("body", b"troop", True) is scored
        moved = open_stats_searcher(ix, other, kept)
        fresh = bulkscore.BulkScorer(moved).data.arrays("body", b"troop", True)
        assert fresh is not None and fresh is not scored
        # Longer documents on average: the same posting weighs more.
        assert (fresh[1] > scored[1]).all()
