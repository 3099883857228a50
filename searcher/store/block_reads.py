"""A term's postings and positions in one segment, read a block at a time.

Whoosh hands out postings one at a time through matcher objects; here a W3
posting list's blocks are read whole (ids and weights come out of a block as
whole sequences), and positions only from the blocks that can hold the wanted
documents. :mod:`searcher.store.postings` keeps what is read per open searcher.
"""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING, Any

from whoosh.codec import whoosh3
from whoosh.matching import FilterMatcher
from whoosh.reading import TermNotFound

if TYPE_CHECKING:
    from searcher.store.postings import SegmentPostings


def read_postings(
    segment: SegmentPostings, fieldname: str, text: str | bytes, *, weights: bool = True
) -> tuple[list[int], list[float]] | None:
    """Return the local docnums and (unless ``weights`` is false: empty) weights
    of a term's live postings in a segment, or ``None`` when it lacks the term."""
    opened = _matcher(segment, fieldname, text)
    if opened is None:
        return None
    matcher, by_block = opened
    ids: list[int] = []
    found: list[float] = []
    if by_block:
        _read_blocks(matcher, ids, found if weights else None)
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            if weights:
                found.append(matcher.weight())
            matcher.next()
    deleted = segment.deleted
    if deleted and not weights:
        ids = [d for d in ids if d not in deleted]
    elif deleted:
        kept = [(d, w) for d, w in zip(ids, found, strict=True) if d not in deleted]
        ids = [d for d, _ in kept]
        found = [w for _, w in kept]
    return ids, found


def read_positions(
    segment: SegmentPostings, fieldname: str, text: bytes, wanted: set[int]
) -> dict[int, list[int]]:
    """The positions of a term in the ``wanted`` documents (local docnums) of a
    segment, reading only the posting blocks that can hold them."""
    found: dict[int, list[int]] = {}
    opened = _matcher(segment, fieldname, text) if wanted else None
    if opened is None:
        return found
    matcher, by_block = opened
    if not by_block:
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = matcher.value_as("positions")
            matcher.next()
        return found
    decode = matcher.format.decode_positions
    first, last = min(wanted), max(wanted)
    while True:
        if matcher._maxid >= first:
            if matcher._data is None:
                matcher._read_data()
            ids = accumulate(matcher._data[0])
            matcher._read_values()
            for d, value in zip(ids, matcher._values, strict=True):
                if d in wanted:
                    found[d] = decode(value)
        if matcher._lastblock or matcher._maxid >= last:
            return found
        matcher._goto(matcher._nextoffset)


def _matcher(
    segment: SegmentPostings, fieldname: str, text: str | bytes
) -> tuple[Any, bool] | None:
    """A term's matcher in a segment, deleted documents not left out (callers do
    that), and whether it is a W3 posting list whose blocks can be read whole;
    ``None`` when the segment lacks the term."""
    try:
        matcher = segment.searcher.reader().postings(fieldname, text)
    except TermNotFound:
        return None
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher, isinstance(matcher, whoosh3.W3LeafMatcher) and not matcher._byteids


def _read_blocks(matcher: Any, ids: list[int], weights: list[float] | None) -> None:
    """Read every block of a W3 posting list: ids (and weights) a block at a time."""
    while True:
        if matcher._data is None:
            matcher._read_data()
        ids.extend(accumulate(matcher._data[0]))
        if weights is not None:
            matcher._read_weights()
            weights.extend(matcher._weights)
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)
