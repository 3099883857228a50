"""Phrases for bulk scoring (:mod:`searcher.query.bulkscore`): the articles of one
segment that hold a phrase's words in order within its slop, scored as Whoosh
scores its ``Phrase`` (``SpanNear2``: the sum of the words' scores).

Only the articles holding every word are looked at, and only the posting
blocks that can hold them are read for positions
(:func:`searcher.store.block_reads.read_positions`).

Imports Whoosh's public ``formats`` and ``query`` modules and
``searcher.store.postings``; no other part of query/.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from whoosh import formats
from whoosh import query as wq

from searcher.store import block_reads
from searcher.store.postings import SearcherCache, SegmentPostings


def positional(fieldtype: Any) -> bool:
    """Whether the field records positions in Whoosh's ``Positions`` format,
    which :func:`phrase_scores` reads."""
    return type(fieldtype.format) is formats.Positions


def phrase_scores(
    query: wq.Phrase,
    fieldtype: Any,
    segment: SegmentPostings,
    data: SearcherCache,
    idf: Callable[[str, bytes], float],
    within: dict[int, float] | None = None,
) -> dict[int, float] | None:
    """Return ``{docnum: score}`` of the articles of ``segment`` that hold the
    words of ``query`` in order within its ``slop``, or ``None`` when a word
    cannot be in the field or the segment lacks one.

    :param fieldtype: the phrase's field, :func:`positional`.
    :param data: what the open searcher keeps of posting lists.
    :param idf: the searcher's ``idf(fieldname, text)``.
    :param within: when given, articles not in it are left out.
    """
    fieldname = query.fieldname
    words: list[bytes] = []
    for word in query.words:
        try:
            words.append(fieldtype.to_bytes(word))
        except ValueError:
            return None
    lists = [data.scored(segment, fieldname, word, fieldtype.scorable) for word in words]
    if not lists or any(found is None for found in lists):
        return None
    present = [found for found in lists if found is not None]
    candidates = set(present[0][0]).intersection(*(ids for ids, _ in present[1:]))
    if within is not None:
        candidates.intersection_update(within)
    offset = segment.offset
    local = {d - offset for d in candidates}
    positions = [block_reads.read_positions(segment, fieldname, word, local) for word in words]
    scores: dict[int, float] = {}
    factors = [
        query.boost * (idf(fieldname, word) if fieldtype.scorable else 1.0) for word in words
    ]
    for d in sorted(local):
        if in_order([at[d] for at in positions], query.slop):
            scores[d + offset] = sum(
                factor * parts[bisect.bisect_left(ids, d + offset)]
                for factor, (ids, parts) in zip(factors, present, strict=True)
            )
    return scores


def in_order(positions: list[list[int]], slop: int) -> bool:
    """Whether the words (their positions, in phrase order) stand in order, each
    1 to ``slop`` positions after the one before: what Whoosh's ``SpanNear2``
    (``ordered``, ``mindist=1``) finds on single positions, where a chain of
    spans only grows at its end."""
    ends = set(positions[0])
    gaps = range(1, slop + 1)
    for following in positions[1:]:
        if not ends:
            return False
        ends = {p for p in following if any(p - gap in ends for gap in gaps)}
    return bool(ends)
