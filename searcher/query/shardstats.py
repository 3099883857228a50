"""Scoring one shard of a sharded index with the statistics of the whole index.

BM25F scores with collection statistics: the number of articles, each term's
document frequency, each field's average length. A shard that scored with its
own would rank its articles as if it were the whole index, and the shards'
scores would not compare. A sharded query therefore runs in phases (as
Elasticsearch's DFS query-then-fetch): each shard reports its
:func:`local_statistics` for the query's terms, the caller adds them up into one
:class:`CorpusStats`, and each shard then scores with it, on a
:class:`StatsSearcher`, which answers Whoosh's scorers and
:mod:`searcher.query.bulkscore` from the whole index's figures.

This is the query side's stopgap seam for global statistics until the
collection-statistics object of ``store/`` lands; it reads only the public
``Searcher`` methods that Whoosh's weighting models read.

Imports Whoosh's public query, index and searching modules,
:mod:`~searcher.query.ranking` and ``searcher.store.postings`` (what a reused
per-query searcher forgets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from searcher.query import ranking
from searcher.query.fuzzy import NearWords
from searcher.store import postings

#: How many per-query searchers a shard's kept searcher keeps for reuse
#: (one a query running at once on it).
SPARE_SEARCHERS = 4

#: A term as the statistics name it: field name and the term's bytes.
TermKey = tuple[str, bytes]


@dataclass(frozen=True)
class CorpusStats:
    """Statistics of a whole (sharded) index, added up over its shards.

    :param docs: documents, deleted ones included (Whoosh's ``doc_count_all``).
    :param lengths: each scorable field's total length over all documents.
    :param frequencies: each query term's document frequency.
    :param near: each fuzzy word's near words in the index, so that every
        shard expands it to the same words.
    :param browsing: the query has no words to score: its matches are listed
        by date (newest first, unless the sort asks oldest).
    :param words: how many search words the query has (feedback words are
        added to queries of :data:`~searcher.query.feedback.PRF_MIN_TERMS` or more).
    :param feedback: the feedback words chosen from the best articles of all
        shards, with their weights (``None``: each shard chooses its own).
    """

    docs: int
    lengths: Mapping[str, int] = field(default_factory=dict)
    frequencies: Mapping[TermKey, int] = field(default_factory=dict)
    near: Mapping[tuple[str, int, int], frozenset[str]] = field(default_factory=dict)
    browsing: bool = False
    words: int = 0
    feedback: tuple[tuple[str, float], ...] | None = None

    def near_words(self) -> NearWords:
        """:attr:`near` as :func:`~searcher.query.fuzzy.expand_fuzzy` takes it."""
        return {key: set(words) for key, words in self.near.items()}

    @classmethod
    def total(cls, parts: Iterable[CorpusStats]) -> CorpusStats:
        """The statistics of the shards whose ``parts`` these are, added up."""
        docs = 0
        lengths: dict[str, int] = {}
        frequencies: dict[TermKey, int] = {}
        near: dict[tuple[str, int, int], frozenset[str]] = {}
        browsing = False
        searched = 0
        for part in parts:
            browsing = browsing or part.browsing
            searched = max(searched, part.words)
            for word, words in part.near.items():
                near[word] = near.get(word, frozenset()) | words
            docs += part.docs
            for name, length in part.lengths.items():
                lengths[name] = lengths.get(name, 0) + length
            for key, df in part.frequencies.items():
                frequencies[key] = frequencies.get(key, 0) + df
        return cls(docs, lengths, frequencies, near, browsing, searched)


def term_key(searcher: Searcher, fieldname: str, text: str | bytes) -> TermKey:
    """The key of a term in :attr:`CorpusStats.frequencies`."""
    if isinstance(text, bytes):
        return fieldname, text
    return fieldname, searcher.schema[fieldname].to_bytes(text)


def query_terms(query: wq.Query, searcher: Searcher) -> set[TermKey]:
    """The terms of ``query`` (fuzzy words and ranges expanded) this shard holds."""
    reader = searcher.reader()
    terms: set[tuple[str, str | bytes]] = set()
    for leaf in query.leaves():
        if isinstance(leaf, wq.MultiTerm):  # wildcards and ranges: the words they stand for
            terms.update(leaf.existing_terms(reader, expand=True))
        else:
            terms.update(leaf.terms(phrases=True))
    return {term_key(searcher, f, t) for f, t in terms if f in searcher.schema}


def local_statistics(
    searcher: Searcher, terms: Iterable[TermKey], near: NearWords | None = None
) -> CorpusStats:
    """This shard's statistics: its documents, field lengths, the ``terms``'
    frequencies and the ``near`` words its lexicon holds."""
    reader = searcher.reader()
    schema = searcher.schema
    lengths = {
        name: int(reader.field_length(name)) for name in schema.names() if schema[name].scorable
    }
    frequencies = {(f, t): int(reader.doc_frequency(f, t)) for f, t in terms}
    found = {key: frozenset(words) for key, words in (near or {}).items()}
    return CorpusStats(int(reader.doc_count_all()), lengths, frequencies, found)


class StatsSearcher(Searcher):  # type: ignore[misc]
    """A searcher of one shard that reports the whole index's statistics to the
    scorers: documents, document frequencies (a term the statistics lack is
    counted in this shard alone) and average field lengths.

    Segment searchers are made with ``stats=None`` and report their own, as
    Whoosh's sorting and the scorers' per-segment parts expect.
    """

    #: Where a per-query searcher goes back when closed, to be used again.
    spare: list[StatsSearcher] | None = None

    def __init__(self, reader: Any, *, stats: CorpusStats | None = None, **kwargs: Any) -> None:
        super().__init__(reader, **kwargs)
        self.corpus_stats = stats
        # Searcher copies doc_frequency from its reader onto each instance.
        if stats is not None:
            self.doc_frequency = self._doc_frequency

    def close(self) -> None:
        super().close()
        if self.spare is not None and len(self.spare) < SPARE_SEARCHERS:
            self.spare.append(self)

    def doc_count_all(self) -> int:
        if self.corpus_stats is None:
            return int(super().doc_count_all())
        return self.corpus_stats.docs

    def _doc_frequency(self, fieldname: str, text: str | bytes) -> int:
        stats = self.corpus_stats
        if stats is not None and fieldname in self.schema:
            found = stats.frequencies.get(term_key(self, fieldname, text))
            if found is not None:
                return found
        return int(self.ixreader.doc_frequency(fieldname, text))

    def avg_field_length(self, fieldname: str, default: float | None = None) -> float | None:
        stats = self.corpus_stats
        if stats is None or fieldname not in stats.lengths:
            return super().avg_field_length(fieldname, default)  # type: ignore[no-any-return]
        if not self.schema[fieldname].scorable:
            return default
        return stats.lengths[fieldname] / (stats.docs or 1)

    def holds(self, fieldname: str, text: bytes) -> bool | None:
        """Whether the whole index holds a term (``None``: not known here)."""
        if self.corpus_stats is None:
            return None
        found = self.corpus_stats.frequencies.get((fieldname, text))
        return None if found is None else found > 0


def open_stats_searcher(
    ix: FileIndex, stats: CorpusStats | None, kept: Searcher | None = None
) -> StatsSearcher:
    """A searcher of ``ix`` scoring as :func:`searcher.query.execute.execute`
    expects, with the whole index's ``stats``: on the reader of ``kept`` (an
    open searcher of ``ix``, which keeps it open: opening a reader reads every
    segment), else on a new one. One on ``kept``'s reader goes back to it when
    closed, for the next query to use (making one makes a searcher for each
    segment: a millisecond on a shard of 58 segments)."""
    weighting = ranking.make_weighting()
    if kept is None or stats is None:
        reader = ix.reader() if kept is None else kept.reader()
        return StatsSearcher(
            reader, fromindex=ix, weighting=weighting, stats=stats, closereader=kept is None
        )
    spare: list[StatsSearcher] = kept.__dict__.setdefault("spare_stats_searchers", [])
    try:
        opened = spare.pop()
    except IndexError:
        opened = StatsSearcher(
            kept.reader(), fromindex=ix, weighting=weighting, stats=stats, closereader=False
        )
        opened.spare = spare
    else:
        postings.reused(opened)
        opened.corpus_stats = stats
    # Postings scored with these field lengths are the same for every query
    # until the statistics change: kept with ``kept`` (store.postings.cache_for).
    opened.shared_cache = (kept, (stats.docs, tuple(sorted(stats.lengths.items()))))
    return opened
