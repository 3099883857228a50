"""Comparing a sharded index's answers with another index's: same ids in the
same order (articles with exactly tied scores in any order among themselves),
scores within 1e-9, same totals, facet counts and timelines."""

from __future__ import annotations

from typing import Any

import searcher

TOLERANCE = 1e-9


def tie_groups(results: searcher.SearchResults) -> list[tuple[float, frozenset[str]]]:
    """The hits as runs of equal scores: (score, ids), best first. A hit's
    near-duplicates count with it: of exactly tied copies, which one leads
    follows the order the articles were indexed in, which shards do not share."""
    groups: list[tuple[float, set[str]]] = []
    for hit in results.hits:
        ids = {hit.id, *hit.similar_ids}
        if groups and abs(groups[-1][0] - hit.score) <= TOLERANCE:
            groups[-1][1].update(ids)
        else:
            groups.append((hit.score, ids))
    return [(score, frozenset(ids)) for score, ids in groups]


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
    assert len(one.hits) == len(other.hits), asked
    mine, theirs = tie_groups(one), tie_groups(other)
    # The last run of ties may be cut differently by the page's end.
    assert [ids for _, ids in mine[:-1]] == [ids for _, ids in theirs[:-1]], asked
    for (score, _), (their_score, _) in zip(mine, theirs, strict=True):
        assert abs(score - their_score) <= TOLERANCE, asked
    for hit, their_hit in zip(one.hits, other.hits, strict=True):
        assert abs(hit.score - their_hit.score) <= TOLERANCE, asked
        assert hit.similar_count == their_hit.similar_count, asked
