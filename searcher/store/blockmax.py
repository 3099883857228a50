"""Score bounds from W3 block summaries, and posting lists read only where they can matter.

A W3 posting list is written in blocks of up to 128 postings; each block starts
with a summary (its last docnum, its largest weight, its shortest field length
as a length byte) and a term's info holds the same for its whole list. BM25's
part of a posting, ``(K1 + 1) * w / (w + norm(length))``, grows with the weight
``w`` and shrinks as the length grows, so the largest weight with the shortest
length bounds every posting's part, none decoded:

* :func:`term_bound` bounds a term's part in a segment from its term info
  (Whoosh's ``max_weight()`` and ``min_length()``);
* :func:`read_wanted` reads a term's postings for some wanted documents only,
  decoding just the blocks that hold one of them and whose bound reaches what
  one of them needs (top-k pruning's candidates, :mod:`searcher.query.pruning`).

Bounds carry a margin above float32 rounding (term infos store weights as
float32), so a bound is never below a posting's true part. Whoosh internals
(the matcher's block fields) are read here only, in ``searcher.store``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

from whoosh.reading import TermNotFound
from whoosh.util.numeric import length_to_byte

#: Relative margin of a bound: above float32 rounding (2**-24) of stored weights.
ROUNDING = 2.0**-20

#: ``part(weight, length_byte)``: a posting's BM25 part (its weight, unscored).
PartOf = Callable[[float, int], float]


def term_bound(reader: Any, fieldname: str, text: bytes, part: PartOf) -> float:
    """The most one posting of the term adds in the segment ``reader`` reads
    (``part`` of its largest weight at its shortest length), from its term info;
    0.0 when the segment lacks the term."""
    try:
        info = reader.term_info(fieldname, text)
    except TermNotFound:
        return 0.0
    return bound(info.max_weight(), length_to_byte(info.min_length() or 0), part)


def bound(weight: float, length_byte: int, part: PartOf) -> float:
    """``part`` of the largest weight at the shortest length, with the margin."""
    if weight <= 0:
        return 0.0
    return part(weight * (1 + ROUNDING), length_byte) * (1 + ROUNDING)


def read_wanted(
    matcher: Any,
    wanted: Sequence[int],
    needs: Sequence[float],
    part: PartOf,
) -> tuple[list[int], list[float]]:
    """The ids and weights of a W3 posting list's postings for the ``wanted``
    local docnums (sorted), decoding only the blocks that hold one of them whose
    need (``needs[i]``, the least part ``wanted[i]`` must get) the block's bound
    reaches. Postings of other blocks are left out: they cannot matter."""
    ids: list[int] = []
    weights: list[float] = []
    low = 0  # wanted[low:] are above the blocks passed
    end = len(wanted)
    while low < end:
        high = bisect.bisect_right(wanted, matcher._maxid, low)
        if high > low and min(needs[low:high]) <= bound(
            matcher._maxweight, length_to_byte(matcher._minlength or 0), part
        ):
            if matcher._data is None:
                matcher._read_data()
            matcher._read_weights()
            block_ids = list(accumulate(matcher._data[0]))
            block_weights = matcher._weights
            for i in range(low, high):
                at = bisect.bisect_left(block_ids, wanted[i])
                if at < len(block_ids) and block_ids[at] == wanted[i]:
                    ids.append(wanted[i])
                    weights.append(block_weights[at])
        low = high
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return ids, weights
