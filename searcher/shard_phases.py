"""What one index answers in the phases of a query over a sharded index
(:mod:`searcher.cluster`), this index being one shard: its term statistics,
the feedback documents, spelling, an article's key terms (its words and their
frequencies), near-duplicate signatures. :class:`searcher.Index` has these
methods; a program searching one index never needs them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from whoosh.index import FileIndex

from searcher import query, store
from searcher.models import Article, SearchHit
from searcher.query.dates import DateLike


class ShardPhases:
    """The shard's side of a sharded query, on an open index's kept searcher."""

    _ix: FileIndex
    _reading: store.Reading
    _copies: store.Copies

    def _with_copies(self, hits: tuple[SearchHit, ...]) -> tuple[SearchHit, ...]:
        """``hits``, each naming its exact duplicates left out of the index
        (``hits`` itself when none has any)."""
        copies = self._copies.copies_of(self._ix.latest_generation())
        if not any(hit.id in copies for hit in hits):
            return hits
        return tuple(replace(h, duplicate_ids=copies.get(h.id, ())) for h in hits)

    def generation(self) -> int:
        """The generation of the index its searches read now (every commit
        makes a new one): a sharded index keeps statistics for as long as its
        shards keep theirs."""
        with self._reading.guarded():
            return int(self._reading.current().reader().generation() or 0)

    def shard_search(
        self, text: str, stats: query.CorpusStats, *, signed: bool = False, **options: Any
    ) -> query.ShardPage:
        """The search phase of a sharded query, this index being one shard: its
        best hits as ids, scores, dates (and, when ``signed``, near-duplicate
        signatures), with the counts (:func:`searcher.query.shard_search`;
        ``options``: :meth:`search`'s).

        :raises QueryError, DateError: as :meth:`search`.
        """
        with self._reading.guarded():
            return query.shard_search(
                self._ix, text, stats, searcher=self._reading.current(), signed=signed, **options
            )

    def fetch(
        self,
        found: Sequence[tuple[str, float]],
        words: Iterable[str],
        docnums: Sequence[int | None] | None = None,
        generation: int | None = None,
    ) -> tuple[SearchHit, ...]:
        """The fetch phase of a sharded query, this index being one shard: the
        hits ``found`` (ids and scores from :meth:`shard_search`) with their
        stored fields and snippets highlighting ``words``, ranked from 1.
        ``docnums``: the hits' document numbers in ``generation`` (the search
        phase's), read by number while the index is at that generation."""
        with self._reading.guarded():
            searcher = self._reading.current()
            if generation != int(searcher.reader().generation() or 0):
                docnums = None
            hits = query.fetch(searcher, found, words, docnums)
        return self._with_copies(tuple(hits))

    def statistics(
        self,
        text: str,
        *,
        since: DateLike | None = None,
        until: DateLike | None = None,
        sort: str = "relevance",
        filters: Mapping[str, str] | None = None,
        terms: Iterable[query.TermKey] | None = None,
        syntax: bool = True,
        match: str = "any",
    ) -> tuple[query.CorpusStats, frozenset[query.TermKey]]:
        """The first phase of a query over a sharded index, this index being one
        shard: its statistics for the terms the query scores, and those terms.
        Given ``terms`` (every shard's), their frequencies are counted instead.
        Add the shards' up with ``CorpusStats.total`` and pass the sum to
        :meth:`search` as ``stats``.

        :raises QueryError: as :meth:`search`.
        """
        with self._reading.guarded():
            return query.shard_statistics(
                self._ix, text, since=since, until=until, sort=sort, filters=filters,
                terms=terms, syntax=syntax, match=match, searcher=self._reading.current(),
            )  # fmt: skip

    def feedback_documents(
        self, text: str, stats: query.CorpusStats, **options: Any
    ) -> list[tuple[float, Counter[str], str]]:
        """As :func:`searcher.query.shard_feedback`, this index being one shard
        (``options``: as :meth:`statistics`'s)."""
        with self._reading.guarded():
            return query.shard_feedback(
                self._ix, text, stats, searcher=self._reading.current(), **options
            )

    def matched_hits(self, text: str, stats: query.CorpusStats, **options: Any) -> list[SearchHit]:
        """As :func:`searcher.query.shard_matches`, this index being one shard:
        every match, scored with the whole index's ``stats``, in order
        (``options``: as :meth:`statistics`'s)."""
        with self._reading.guarded():
            return query.shard_matches(
                self._ix, text, stats, searcher=self._reading.current(), **options
            )

    def emptied(
        self, text: str, stats: query.CorpusStats, **options: Any
    ) -> tuple[tuple[str, ...], Sequence[Any], Any]:
        """As :func:`searcher.query.shard_emptied`, this index being one shard:
        what it counts of the restrictions that emptied a query's result."""
        with self._reading.guarded():
            return query.shard_emptied(
                self._ix, text, stats, searcher=self._reading.current(), **options
            )

    def stored(self, article_ids: Sequence[str]) -> list[Article]:
        """The stored articles whose whole ids are ``article_ids``, in that order
        (those not in this index left out)."""
        with self._reading.guarded():
            searcher = self._reading.current()
            found = (searcher.document_number(id=article_id) for article_id in article_ids)
            return [Article.from_stored(searcher.stored_fields(n)) for n in found if n is not None]

    def spelling(self, text: str) -> dict[str, Any]:
        """What this index, one shard of several, knows of the spelling of ``text``'s words."""
        with self._reading.guarded():
            return query.spelling(self._reading.current(), text)

    def key_terms(self, article_id: str) -> tuple[str, list[tuple[str, float]]]:
        """The article's whole id and the terms :meth:`similar` searches for."""
        with self._reading.guarded():
            return query.key_terms(self._reading.current(), article_id)

    def article_words(self, article_id: str) -> tuple[str, dict[str, float]]:
        """The article's whole id and its body words, weighted, from which a
        sharded index chooses its key terms (:meth:`key_terms`) with every
        shard's frequencies (:meth:`word_statistics`)."""
        with self._reading.guarded():
            return query.article_words(self._reading.current(), article_id)

    def word_statistics(self, words: Sequence[str]) -> tuple[query.CorpusStats, dict[str, int]]:
        """This shard's statistics for the body ``words`` (as :meth:`statistics`'s)
        and the collection frequencies of those it holds."""
        with self._reading.guarded():
            return query.word_statistics(self._reading.current(), words)

    def signatures(self, article_ids: Sequence[str]) -> list[bytes]:
        """The near-duplicate signatures of the articles ``article_ids`` (``b""``
        for one without, or not here): a sharded index collapses its shards'
        hits with them."""
        with self._reading.guarded():
            return query.signatures(self._reading.current(), article_ids)
