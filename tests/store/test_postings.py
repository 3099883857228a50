"""What an open searcher keeps: a shard's per-query searchers (scoring with the
whole index's statistics) share the postings read, for as long as the
statistics stay the same."""

from __future__ import annotations

import pytest

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


def test_a_closed_shard_searcher_is_reused_and_scores_with_the_new_statistics(
    built_index: searcher.Index,
) -> None:
    ix = whoosh_index(built_index)
    with ix.searcher() as kept:
        stats = CorpusStats(docs=1000, lengths={"body": 300_000, "lead": 30_000})
        other = CorpusStats(
            docs=2000,
            lengths={"body": 900_000, "lead": 60_000},
            frequencies={("body", b"troop"): 500},
        )
        with open_stats_searcher(ix, stats, kept) as first:
            before = first.idf("body", "troop")
            fresh = bulkscore.BulkScorer(first).data.arrays("body", b"troop", True)
        with open_stats_searcher(ix, other, kept) as again:
            assert again is first, "the closed searcher is used again"
            assert not again.is_closed
            assert again.doc_count_all() == 2000 and again.doc_frequency("body", "troop") == 500
            assert again.idf("body", "troop") != before, "no idf kept from the last query"
            reused = bulkscore.BulkScorer(again).data.arrays("body", b"troop", True)
            # One made while the other is in use: a new one, scoring alike.
            with open_stats_searcher(ix, other, kept) as new:
                assert new is not again
                assert new.idf("body", "troop") == again.idf("body", "troop")
                expected = bulkscore.BulkScorer(new).data.arrays("body", b"troop", True)
        assert fresh is not None and reused is not None and expected is not None
        assert (reused[1] == expected[1]).all() and (reused[0] == expected[0]).all()


def test_the_arrays_kept_grow_with_the_index(
    built_index: searcher.Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cap fixed while the archive grows stops holding a query's common words
    (at 1,000,000 stories the peers.py queries took 166 ms instead of 22)."""
    ix = whoosh_index(built_index)
    monkeypatch.setattr(postings, "CACHED_ARRAYS", 0)
    with ix.searcher() as s:
        articles = s.doc_count_all()
        monkeypatch.setattr(postings, "ARRAYS_PER_ARTICLE", 1000)
        roomy = postings.cache_for(s)
        assert roomy.arrays_cap == 1000 * articles
        kept = roomy.arrays("body", b"troop", True)
        assert kept is not None and roomy.arrays("body", b"troop", True) is kept
    with ix.searcher() as s:
        monkeypatch.setattr(postings, "ARRAYS_PER_ARTICLE", 0)
        tight = postings.cache_for(s)
        first = tight.arrays("body", b"troop", True)
        assert tight.arrays("body", b"price", True) is not None  # drops the arrays kept
        assert first is not None and tight.arrays("body", b"troop", True) is not first
