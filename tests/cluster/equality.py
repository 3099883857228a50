"""Comparing a sharded index's answers with another index's: same ids in the
same order (exact ties by id in both), the same near-duplicates folded into
each hit, scores within 1e-9, same totals, facet counts and timelines, and
each article shown alike (stored fields and snippets, fetched from its shard)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import searcher

TOLERANCE = 1e-9


def one_and_four(folder: Path, corpus: Path) -> tuple[Path, Path]:
    """``corpus`` indexed under ``folder`` twice, as one unsharded index
    (``xNone``) and as four shards (``x4``): their paths."""
    for shards in (None, 4):
        with searcher.open_index(folder / f"x{shards}", create=True, shards=shards) as ix:
            ix.update(corpus, jobs=1)
    return folder / "xNone", folder / "x4"


def assert_same_counts(
    one: searcher.SearchResults, other: searcher.SearchResults, asked: Any
) -> None:
    """Same totals, facet counts and timelines (an unsharded index scores
    coordination per segment, so its scores may differ in the last digits)."""
    assert one.total == other.total, asked
    assert one.facets == other.facets, asked
    assert one.histogram == other.histogram, asked
    assert one.suggestion == other.suggestion, asked


def assert_same(one: searcher.SearchResults, other: searcher.SearchResults, asked: Any) -> None:
    assert_same_counts(one, other, asked)
    assert [hit.id for hit in one.hits] == [hit.id for hit in other.hits], asked
    assert [hit.similar_ids for hit in one.hits] == [hit.similar_ids for hit in other.hits], asked
    for hit, their_hit in zip(one.hits, other.hits, strict=True):
        assert abs(hit.score - their_hit.score) <= TOLERANCE, asked
        assert hit.rank == their_hit.rank, asked
        assert _shown(hit) == _shown(their_hit), (asked, hit.id)


def _shown(hit: searcher.SearchHit) -> tuple[object, ...]:
    """What a hit shows of its article."""
    return (
        hit.path, hit.title, hit.byline, hit.source, hit.date, hit.url,
        hit.snippets, hit.crawled, hit.duplicate_ids, hit.similar_count,
    )  # fmt: skip
