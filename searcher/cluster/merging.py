"""Merging the shards' answers into the answer of one index.

The shards score with the whole index's statistics, so their scores compare:
the page is the best hits of all of them (or the first by date), re-ranked;
totals and facet counts add up.

Imports ``searcher.models`` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from searcher.models import SearchHit, SearchResults


def _key(sort: str, hit: SearchHit) -> tuple[object, ...]:
    """Order of hits across shards (undated articles last when sorted by date),
    exact ties by id, as one index orders them (:mod:`searcher.query.ties`)."""
    if sort == "relevance":
        return (-hit.score, hit.id)
    if hit.date is None:
        return (1, 0.0, hit.id)
    stamp = hit.date.timestamp()
    return (0, -stamp if sort == "newest" else stamp, hit.id)


def merge_hits(
    answers: Sequence[SearchResults],
    signatures: Sequence[list[bytes] | None],
    sort: str,
    depth: int,
) -> tuple[list[SearchHit], list[bytes]]:
    """The first ``depth`` of all shards' hits, in order, with their
    near-duplicate signatures (``b""`` when the shards sent none)."""
    tagged = [
        (_key(sort, hit), hit, sigs[i] if sigs is not None else b"")
        for answer, sigs in zip(answers, signatures, strict=True)
        for i, hit in enumerate(answer.hits)
    ]
    tagged.sort(key=lambda item: item[0])
    kept = tagged[:depth]
    return [hit for _, hit, _ in kept], [sig for _, _, sig in kept]


def page_of(
    leaders: Sequence[tuple[SearchHit, Sequence[SearchHit]]], start: int, stop: int
) -> tuple[SearchHit, ...]:
    """Leaders ``start`` to ``stop`` (from 0), ranked from ``start + 1``, each
    with its near-duplicates among the merged hits."""
    return tuple(
        replace(
            hit,
            rank=rank,
            similar_count=len(copies),
            similar_ids=tuple(copy.id for copy in copies),
        )
        for rank, (hit, copies) in enumerate(leaders[start:stop], start + 1)
    )
