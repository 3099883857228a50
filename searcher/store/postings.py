"""What an open searcher keeps of the posting lists it reads.

Posting lists are read a block at a time (:mod:`searcher.store.block_reads`),
for scoring whole queries (:mod:`searcher.query.bulkscore`) and for the sets of
articles a restriction keeps. An open searcher keeps what was
read, per segment, until the index changes (a new searcher): each term's
postings with their BM25 part, field lengths, document frequencies and the
latest restriction sets; and, for top-k pruning (:mod:`searcher.query.pruning`),
a term's postings in every segment as numpy arrays (numpy is imported only then).
"""

from __future__ import annotations

import copy
import logging
import weakref
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec import whoosh3
from whoosh.searching import Searcher

from searcher.store.block_reads import read_postings

if TYPE_CHECKING:
    import numpy as np

LOGGER = logging.getLogger(__name__)

#: Postings kept ready to score per open searcher (16 bytes each): they are
#: dropped when they would grow past this. A Reuters index has about 2 million.
CACHED_POSTINGS = 4_000_000
#: Postings kept as whole-index arrays for top-k pruning per open searcher
#: (:meth:`SearcherCache.arrays`, 16 bytes each): dropped when they would grow
#: past this, or past :data:`ARRAYS_PER_ARTICLE` an article of the index,
#: whichever is more. A cap that stays put while the archive grows stops
#: holding a query's common words: at 1,000,000 stories, ``peers.py``'s
#: queries took p50 166 ms with 8 million and 22 ms with 16 million.
CACHED_ARRAYS = 8_000_000
ARRAYS_PER_ARTICLE = 16
#: Restrictions (their sets of articles) kept per open searcher.
CACHED_FILTERS = 16
#: Document frequencies kept per open searcher (for feedback words and totals).
CACHED_FREQUENCIES = 200_000

#: A term's postings in one segment, ready to score: global docnums and, per
#: posting, its BM25 term-frequency part (its weight in an unscored field).
Postings = tuple["array[int]", "array[float]"]
#: A term's postings in every segment at once, as numpy arrays: global docnums
#: (sorted) and each posting's BM25 part, with the largest part.
Arrays = tuple["np.ndarray", "np.ndarray", float]
_UNREAD = (array("q"), array("d"))  # a marker: not yet looked up


@dataclass
class SegmentPostings:
    """One segment of a searcher: its sub-searcher, docnum offset, deleted
    documents, field lengths and the postings read so far."""

    searcher: Searcher
    offset: int
    deleted: frozenset[int]
    lengths: dict[str, bytes] = field(default_factory=dict)
    postings: dict[tuple[str, bytes], Postings | None] = field(default_factory=dict)


@dataclass
class _Sizes:
    """How many postings a cache (and the views sharing it) keeps."""

    cached: int = 0
    arrayed: int = 0


class SearcherCache:
    """What is kept per open searcher: its segments, BM25 length norms, the
    postings read (up to :data:`CACHED_POSTINGS`), document frequencies and
    restriction sets. Get it with :func:`cache_for`."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.segments = [
            SegmentPostings(sub, offset, _deleted(sub.reader()))
            for sub, offset in searcher.leaf_searchers()
        ]
        self.sizes = _Sizes()
        self.frequencies: dict[tuple[str, str], int] = {}
        self.own: dict[tuple[str, str | bytes], int] = {}
        self.norms: dict[str, list[float]] = {}
        self.filters: dict[wq.Query, set[int]] = {}
        self.whole: dict[tuple[str, bytes], Arrays | None] = {}
        self.arrays_cap = max(CACHED_ARRAYS, ARRAYS_PER_ARTICLE * searcher.doc_count_all())

    def view(self, searcher: Searcher) -> SearcherCache:
        """This cache for another searcher of the same reader that scores with
        the same statistics: the postings, norms, lengths, arrays and filters
        are shared; document frequencies are the new searcher's own."""
        view = copy.copy(self)
        view.searcher = searcher
        view.frequencies = {}
        return view

    def scored(
        self, segment: SegmentPostings, fieldname: str, text: bytes, scorable: bool
    ) -> Postings | None:
        """A term's postings in a segment with each posting's BM25 part
        ``w * (K1 + 1) / (w + norm)`` (``idf * part`` is Whoosh's score), from
        memory or read; ``None`` when the segment lacks the term."""
        key = (fieldname, text)
        postings = segment.postings.get(key, _UNREAD)
        if postings is _UNREAD:
            postings = self._read(segment, fieldname, text, scorable)
            size = len(postings[0]) if postings else 0
            if self.sizes.cached + size > CACHED_POSTINGS:
                self._drop_segment_postings()
            segment.postings[key] = postings
            self.sizes.cached += size
        return postings

    def arrays(self, fieldname: str, text: bytes, scorable: bool) -> Arrays | None:
        """A term's postings in the whole index as numpy arrays (global docnums,
        sorted, and each posting's BM25 part, the same floats :meth:`scored`
        gives) with its largest part, from memory (up to :attr:`arrays_cap`
        postings) or read; ``None`` when no live article holds it."""
        key = (fieldname, text)
        if key in self.whole:
            return self.whole[key]
        found: Arrays | None = None
        pieces = []
        for segment in self.segments:
            postings = segment.postings.get(key, _UNREAD)
            if postings is _UNREAD:
                postings = self._read(segment, fieldname, text, scorable)
            if postings is not None and len(postings[0]):
                pieces.append(postings)
        if pieces:
            import numpy as np  # only for long lists: a short query never loads it

            ids = np.concatenate([np.frombuffer(p[0], dtype=np.int64) for p in pieces])
            parts = np.concatenate([np.frombuffer(p[1], dtype=np.float64) for p in pieces])
            found = (ids, parts, float(parts.max()))
        size = len(found[0]) if found else 0
        if self.sizes.arrayed + size > self.arrays_cap:
            self.whole.clear()
            self.sizes.arrayed = 0
        self.whole[key] = found
        self.sizes.arrayed += size
        return found

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """How many articles hold the term."""
        key = (fieldname, text)
        found = self.frequencies.get(key)
        if found is None:
            if len(self.frequencies) >= CACHED_FREQUENCIES:
                self.frequencies.clear()
            found = self.frequencies[key] = self.searcher.doc_frequency(fieldname, text)
        return found

    def own_frequency(self, fieldname: str, text: str | bytes) -> int:
        """How many articles of this index hold the term (deleted ones too: its
        own count, not the statistics a shard may be scored with)."""
        key = (fieldname, text)
        found = self.own.get(key)
        if found is None:
            if len(self.own) >= CACHED_FREQUENCIES:
                self.own.clear()
            found = self.own[key] = int(self.searcher.reader().doc_frequency(fieldname, text))
        return found

    def drop_postings(self) -> None:
        """Drop every posting kept (lists per segment and whole-index arrays)."""
        self._drop_segment_postings()
        self.whole.clear()
        self.sizes.arrayed = 0

    def _drop_segment_postings(self) -> None:
        for segment in self.segments:
            segment.postings.clear()
        self.sizes.cached = 0

    def _read(
        self, segment: SegmentPostings, fieldname: str, text: bytes, scorable: bool
    ) -> Postings | None:
        found = read_postings(segment, fieldname, text)
        if found is None:
            return None
        local, weights = found
        offset = segment.offset
        ids = array("q", [d + offset for d in local])
        if not scorable:
            return ids, array("d", weights)
        weighting: scoring.BM25F = self.searcher.weighting
        k1 = weighting.K1 + 1
        norms = self._norms(fieldname)
        lengths = self._lengths(segment, fieldname)
        return ids, array(
            "d",
            [k1 * w / (w + norms[lengths[d]]) for d, w in zip(local, weights, strict=True)],
        )

    def _norms(self, fieldname: str) -> list[float]:
        """``K1 * (1 - B + B * length / average length)`` for each of the 256
        quantized lengths Whoosh stores."""
        norms = self.norms.get(fieldname)
        if norms is None:
            weighting: scoring.BM25F = self.searcher.weighting
            k1 = weighting.K1
            b = weighting._field_B.get(fieldname, weighting.B)
            average = self.searcher.avg_field_length(fieldname) or 1
            norms = self.norms[fieldname] = [
                k1 * ((1 - b) + b * whoosh3.byte_to_length(i) / average) for i in range(256)
            ]
        return norms

    def _lengths(self, segment: SegmentPostings, fieldname: str) -> bytes:
        """Each document's quantized length of ``fieldname``, by local docnum."""
        lengths = segment.lengths.get(fieldname)
        if lengths is None:
            reader = segment.searcher.reader()
            lengths = segment.lengths[fieldname] = _length_bytes(reader, fieldname)
        return lengths


_CACHES: weakref.WeakKeyDictionary[Searcher, SearcherCache] = weakref.WeakKeyDictionary()


#: The attribute of a kept searcher holding the caches of the searchers made
#: on its reader with other statistics (one a scoring key).
_SHARED_ATTRIBUTE = "_searcher_caches_by_scoring"


def cache_for(searcher: Searcher) -> SearcherCache:
    """Return what is kept for the open top-level ``searcher`` (made on first use).

    A searcher with a ``shared_cache`` attribute, ``(kept searcher, scoring
    key)``, is one made for one query on the reader of a searcher kept open
    (a shard scoring with the whole index's statistics): its postings, which
    depend only on the reader and on what the key says (the average field
    lengths), are shared with every other such searcher of that key, and kept
    as long as the kept searcher is; its document frequencies are its own.
    """
    cache = _CACHES.get(searcher)
    if cache is None:
        shared = getattr(searcher, "shared_cache", None)
        if shared is None:
            cache = SearcherCache(searcher)
        else:
            kept, key = shared
            caches = kept.__dict__.setdefault(_SHARED_ATTRIBUTE, {})
            base = caches.get(key)
            if base is None:
                caches.clear()  # the statistics moved on: the old ones are stale
                cache = caches[key] = SearcherCache(searcher)
            else:
                cache = base.view(searcher)
        _CACHES[searcher] = cache
    return cache


def reused(searcher: Searcher) -> None:
    """Forget what ``searcher`` kept for the query it last ran (Whoosh's idf
    and filter caches, its frequencies here), before it runs another with
    other statistics: a shard keeps its per-query searchers for reuse, since
    making one makes a searcher a segment."""
    _CACHES.pop(searcher, None)
    searcher._idf_cache.clear()  # shared with its segments' searchers
    searcher._filter_cache.clear()
    searcher.is_closed = False


def term_docs(searcher: Searcher, fieldname: str, text: str | bytes) -> set[int]:
    """Return the live articles (docnums) holding a term, its postings read a
    block at a time (Whoosh's ``all_ids`` steps through them one by one)."""
    found: set[int] = set()
    for segment in cache_for(searcher).segments:
        postings = read_postings(segment, fieldname, text, weights=False)
        if postings:
            offset = segment.offset
            found.update([d + offset for d in postings[0]] if offset else postings[0])
    return found


def remembered_filter(
    searcher: Searcher, query: wq.Query, find: Callable[[], set[int]]
) -> set[int]:
    """Return the articles a restriction (a date range, a source) keeps: ``find()``
    the first time, then from memory while ``searcher`` is open (the
    :data:`CACHED_FILTERS` latest), since readers narrow one period or source
    query after query."""
    filters = cache_for(searcher).filters
    found = filters.pop(query, None)
    if found is None:
        found = find()
        while len(filters) >= CACHED_FILTERS:
            del filters[next(iter(filters))]
    filters[query] = found  # last, as the latest used
    return set(found)


def forget(searcher: Searcher) -> None:
    """Drop the postings, frequencies and filters kept for ``searcher`` (for
    measuring queries on words never read before); its field lengths stay."""
    cache = _CACHES.get(searcher)
    if cache is not None:
        cache.drop_postings()
        cache.frequencies.clear()
        cache.own.clear()
        cache.filters.clear()


def _length_bytes(reader: Any, fieldname: str) -> bytes:
    """Each document's quantized length of ``fieldname`` (a byte per document)."""
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if column is None:
        return bytes(count)
    data = bytes(column._dbfile.get(column._basepos, min(column._count, count)))
    return data.ljust(count, b"\0")


def _deleted(reader: Any) -> frozenset[int]:
    if not reader.has_deletions():
        return frozenset()
    return frozenset(d for d in range(reader.doc_count_all()) if reader.is_deleted(d))
