"""Scoring a whole query at once, term by term: Whoosh's BM25F scores without its matcher tree.

Whoosh scores a query by walking a tree of matcher objects one document at a
time, with several Python calls per posting per tree node; on Reuters that is
most of a query's time. Here each term's posting list is read a block at a time
and kept with each posting's BM25 part (:mod:`searcher.store.postings`), scored in one
comprehension, and ``Or``, ``And``, ``AndNot``, ``AndMaybe`` and ``Not`` combine
the per-term ``{docnum: score}`` maps; a phrase is checked on the positions of
the articles holding all its words (:mod:`searcher.query.phrases`). Other queries
(wildcards, ranges) still run through Whoosh's own matcher, document by document,
and are combined the same way.

The scores are Whoosh's: the same BM25F (idf, average field length and quantized
field lengths as Whoosh reads them), the same boosts, and the same coordination
bonus (Whoosh's ``CoordMatcher``) for a scaled ``Or``, counted as
Whoosh counts at the start of each segment. Whoosh recounts the bonus's terms
when a sub-matcher runs out part-way through a segment, so the last articles of a
segment may score a little differently there; here every article of a segment
is counted alike (``tests/store/test_scores_match_whoosh.py`` compares with
Whoosh's matchers).

Part of the execute stage. Imports Whoosh's public ``query``, ``scoring``,
``sorting`` and ``searching`` modules, ``searcher.store.postings`` and
:mod:`searcher.query.phrases`; no other part of query/.
"""

from __future__ import annotations

import bisect
import heapq
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.searching import Searcher

from searcher.query import phrases, ties
from searcher.store import postings
from searcher.store.postings import Postings, SearcherCache, SegmentPostings

LOGGER = logging.getLogger(__name__)

Scores = dict[int, float]
_N = TypeVar("_N", int, float)


@dataclass
class _Part:
    """A query's matches in one segment: global docnum → score; per document, how
    many of its visible terms match (only when a coordination bonus needs it); and
    how many visible terms it has (Whoosh's ``term_matchers``)."""

    scores: Scores
    counts: dict[int, int] | None
    terms: int


_EMPTY = _Part({}, None, 0)


def supported(searcher: Searcher) -> bool:
    """Whether :class:`BulkScorer` scores as ``searcher`` does (its weighting is BM25F)."""
    return isinstance(searcher.weighting, scoring.BM25F)


class BulkScorer:
    """Scores queries over all of ``searcher``'s articles, remembering each query's
    scores for the life of this object (one search).

    :param searcher: an open top-level searcher whose weighting is BM25F.
    """

    def __init__(self, searcher: Searcher) -> None:
        if not supported(searcher):
            raise ValueError("BulkScorer needs a searcher weighted by BM25F")
        self.searcher = searcher
        self._data = postings.cache_for(searcher)
        self._schema = searcher.schema
        self._weighting: scoring.BM25F = searcher.weighting
        self._context = searcher.context(needs_current=True)
        self._memo: dict[wq.Query, Scores] = {}
        self._parts: dict[tuple[wq.Query, int], _Part] = {}
        #: An article's id, to order exactly tied hits by.
        self.id_of = ties.id_reader(searcher)

    def scores(self, query: wq.Query) -> Scores:
        """Return ``{docnum: score}`` for every live article ``query`` matches."""
        found = self._memo.get(query)
        if found is None:
            found = {}
            for segment in self._data.segments:
                found.update(self._segment_scores(query, segment).scores)
            self._memo[query] = found
        return found

    def _segment_scores(self, query: wq.Query, segment: SegmentPostings) -> _Part:
        """A whole query's scores in one segment, remembered for this search (the
        feedback pass scores the query that the final query then contains)."""
        key = (query, id(segment))
        part = self._parts.get(key)
        if part is None:
            part = self._parts[key] = self._part(query, segment, False)
        return part

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """How many articles hold the term (remembered for the open searcher)."""
        return self._data.doc_frequency(fieldname, text)

    def top(
        self, query: wq.Query, limit: int, allowed: set[int] | None = None
    ) -> list[tuple[float, int]]:
        """Return the best ``limit`` ``(score, docnum)`` pairs, best first (ties by
        id, :mod:`~searcher.query.ties`), of the articles in ``allowed`` (all when ``None``)."""
        scores = self.scores(query)
        docs: Iterable[int] = scores if allowed is None else allowed.intersection(scores)
        best = heapq.nlargest(limit, docs, key=scores.__getitem__)
        if len(best) == limit:
            # Ties with the last kept: the lowest ids, whatever the order of the scores.
            last = scores[best[-1]]
            above = [d for d in best if scores[d] > last]
            tied = [d for d in docs if scores[d] == last]
            if len(tied) > limit - len(above):
                tied.sort(key=self.id_of)
            best = above + tied[: limit - len(above)]
        return ties.in_order([(scores[d], d) for d in best], self.id_of, ties.best_score)

    def matching(self, query: wq.Query) -> set[int]:
        """Return every live article ``query`` matches, from posting lists where
        it can (terms, ``Or``, ``And``, ``AndNot``), without scoring them."""
        kind = type(query)
        if kind is wq.AndMaybe:  # it matches what its first part matches
            return self.matching(query.a)
        if is_quiet(query):
            return self.matching(query.child)
        if isinstance(query, wq.Or) and not query.scale:
            return set().union(*(self.matching(sub) for sub in query.subqueries))
        if kind is wq.And and not any(isinstance(sub, wq.Not) for sub in query.subqueries):
            sets = sorted((self.matching(sub) for sub in query.subqueries), key=len)
            return set.intersection(*sets) if sets else set()
        if kind is wq.AndNot:
            return self.matching(query.a) - self.matching(query.b)
        if kind is wq.Term and query.fieldname in self._schema:
            fieldtype = self._schema[query.fieldname]
            try:
                text = fieldtype.to_bytes(query.text)
            except ValueError:
                return set()
            found: set[int] = set()
            for ids, _ in self.postings(query.fieldname, text, fieldtype.scorable):
                found.update(ids)
            return found
        return set(self.scores(query))

    @property
    def data(self) -> SearcherCache:
        """The posting lists the open searcher keeps."""
        return self._data

    def postings(self, fieldname: str, text: bytes, scorable: bool) -> list[Postings]:
        """A term's postings in each segment that holds it: global docnums and
        each posting's BM25 part (its weight in an unscored field)."""
        found = (self._data.scored(s, fieldname, text, scorable) for s in self._data.segments)
        return [p for p in found if p is not None]

    def sorted_top(
        self, query: wq.Query, sortedby: Any, limit: int, allowed: set[int] | None = None
    ) -> list[tuple[Any, int]] | None:
        """Return the first ``limit`` ``(sort key, docnum)`` pairs of the articles
        ``query`` matches in ``allowed``, in the order of Whoosh's ``sortedby``
        (sort keys from its own categorizer, ties by id), or ``None`` when the
        sort needs a score."""
        categorizer = sorting.MultiFacet.from_sortedby(sortedby).categorizer(self.searcher)
        if categorizer.needs_current:
            return None
        docs = sorted(self.matching(query) if allowed is None else self.matching(query) & allowed)
        items: list[tuple[Any, int]] = []
        for segment in self._data.segments:
            start = segment.offset
            end = start + segment.searcher.doc_count_all()
            mine = docs[bisect.bisect_left(docs, start) : bisect.bisect_left(docs, end)]
            if mine:
                categorizer.set_searcher(segment.searcher, start)
                key_for = categorizer.key_for
                items.extend((key_for(None, d - start), d) for d in mine)
        return ties.first(items, limit, self.id_of, ties.as_is)

    # One segment -------------------------------------------------------------

    def _part(
        self,
        query: wq.Query,
        segment: SegmentPostings,
        counts: bool,
        within: Scores | None = None,
    ) -> _Part:
        """Score ``query`` in one segment; with ``within``, a term or ``Or`` may
        leave out the articles not in it (the caller has no use for them)."""
        if isinstance(query, wq.Term):
            return self._term(query, segment, counts, within)
        if isinstance(query, wq.Or):
            return self._or(query, segment, counts, within)
        if type(query) is wq.Phrase:
            return self._phrase(query, segment, counts, within)
        if type(query) is wq.And:
            return self._and(query, segment, counts)
        if type(query) is wq.AndNot:
            return self._and_not(query, segment, counts)
        if type(query) is wq.AndMaybe:
            return self._and_maybe(query, segment, counts)
        if query is wq.NullQuery:
            return _EMPTY
        if is_quiet(query):
            part = self._part(query.child, segment, False, within)
            return _Part(part.scores, {} if counts else None, 0)
        return self._by_matcher(query, segment, counts)

    def _term(
        self, query: wq.Term, segment: SegmentPostings, counts: bool, within: Scores | None
    ) -> _Part:
        if query.fieldname not in self._schema or type(query) is not wq.Term:
            return self._by_matcher(query, segment, counts)
        fieldtype = self._schema[query.fieldname]
        try:
            text = fieldtype.to_bytes(query.text)
        except ValueError:
            return _EMPTY
        postings = self._data.scored(segment, query.fieldname, text, fieldtype.scorable)
        if postings is None:
            # Scoring a shard with the whole index's statistics, a term counts
            # for the coordination bonus when the index holds it, whichever
            # segments do: shards cut the segments differently.
            held = getattr(self.searcher, "holds", None)
            if held is not None and held(query.fieldname, text):
                return _Part({}, {} if counts else None, 1)
            return _EMPTY
        ids, parts = postings
        factor = query.boost
        if fieldtype.scorable:
            factor *= self.searcher.idf(query.fieldname, text)
        if within is None:
            scores = {d: factor * p for d, p in zip(ids, parts, strict=True)}
        else:
            scores = {d: factor * p for d, p in zip(ids, parts, strict=True) if d in within}
        return _Part(scores, dict.fromkeys(scores, 1) if counts else None, 1)

    def _phrase(
        self, query: wq.Phrase, segment: SegmentPostings, counts: bool, within: Scores | None
    ) -> _Part:
        """Whoosh's ``Phrase``, matched on positions (:mod:`searcher.query.phrases`)."""
        fieldname = query.fieldname
        fieldtype = self._schema[fieldname] if fieldname in self._schema else None  # noqa: SIM401 (a Schema has no get)
        if fieldtype is None or not phrases.positional(fieldtype):
            return self._by_matcher(query, segment, counts)
        scores = phrases.phrase_scores(
            query, fieldtype, segment, self._data, self.searcher.idf, within
        )
        if scores is None:
            return _EMPTY
        words = len(query.words)
        return _Part(scores, dict.fromkeys(scores, words) if counts else None, words)

    def _or(
        self, query: wq.Or, segment: SegmentPostings, counts: bool, within: Scores | None
    ) -> _Part:
        subs = query.subqueries
        if not subs:
            return _EMPTY
        if len(subs) == 1:  # Whoosh matches the only child, boost and scale unused
            return self._part(subs[0], segment, counts, within)
        scale = query.scale
        need = counts or bool(scale)
        parts = [self._part(sub, segment, need, within) for sub in subs]
        scores = _add([p.scores for p in parts])
        matched = _add([p.counts for p in parts if p.counts is not None]) if need else None
        if query.boost != 1.0:
            boost = query.boost
            scores = {d: s * boost for d, s in scores.items()}
        terms = sum(p.terms for p in parts)
        if scale and terms and matched is not None:
            scores = _coordinate(scores, matched, terms, scale)
        return _Part(scores, matched if counts else None, terms)

    def _and(self, query: wq.And, segment: SegmentPostings, counts: bool) -> _Part:
        subs = query.subqueries
        if not subs:
            return _EMPTY
        if len(subs) == 1:
            return self._part(subs[0], segment, counts)
        positive = [s for s in subs if not isinstance(s, wq.Not)]
        if not positive:
            return self._by_matcher(query, segment, counts)
        parts = [self._part(sub, segment, counts) for sub in positive]
        excluded = [self._part(s.query, segment, False) for s in subs if isinstance(s, wq.Not)]
        smallest: Scores = min((p.scores for p in parts), key=len)
        common = set(smallest)
        for part in parts:
            common.intersection_update(part.scores)
        for part in excluded:
            common.difference_update(part.scores)
        # Each NOT inside an And scores 1 (the weight of Whoosh's InverseMatcher).
        bonus = float(len(excluded))
        boost = query.boost
        scores = {d: (sum(p.scores[d] for p in parts) + bonus) * boost for d in common}
        matched = None
        if counts:
            matched = {d: sum(p.counts[d] for p in parts if p.counts) for d in common}
        return _Part(scores, matched, sum(p.terms for p in parts + excluded))

    def _and_not(self, query: wq.AndNot, segment: SegmentPostings, counts: bool) -> _Part:
        kept = self._part(query.a, segment, counts)
        dropped = self._part(query.b, segment, False)
        scores = {d: s for d, s in kept.scores.items() if d not in dropped.scores}
        matched = None
        if kept.counts is not None:
            matched = {d: kept.counts[d] for d in scores}
        return _Part(scores, matched, kept.terms + dropped.terms)

    def _and_maybe(self, query: wq.AndMaybe, segment: SegmentPostings, counts: bool) -> _Part:
        base = (
            self._part(query.a, segment, True) if counts else self._segment_scores(query.a, segment)
        )
        extra = self._part(query.b, segment, counts, base.scores)
        more = extra.scores
        scores = {d: s + more[d] if d in more else s for d, s in base.scores.items()}
        matched = None
        if base.counts is not None and extra.counts is not None:
            plus = extra.counts
            matched = {d: c + plus.get(d, 0) for d, c in base.counts.items()}
        return _Part(scores, matched, base.terms + extra.terms)

    def _by_matcher(self, query: wq.Query, segment: SegmentPostings, counts: bool) -> _Part:
        """Any other query: Whoosh's own matcher, one document at a time."""
        sub = segment.searcher
        matcher = query.matcher(sub, self._context)
        terms = sum(1 for _ in matcher.term_matchers())
        offset = segment.offset
        scores: Scores = {}
        matched: dict[int, int] | None = {} if counts else None
        while matcher.is_active():
            docnum = matcher.id()
            scores[docnum + offset] = matcher.score()
            if matched is not None:
                matched[docnum + offset] = sum(1 for _ in matcher.matching_terms(docnum))
            matcher.next()
        return _Part(scores, matched, terms)


def is_quiet(query: wq.Query) -> bool:
    """Whether ``query`` hides its terms from the coordination bonus and snippets
    (:mod:`searcher.query.feedback` marks feedback words so)."""
    return bool(getattr(query, "quiet", False)) and hasattr(query, "child")


def _add(maps: list[dict[int, _N]]) -> dict[int, _N]:
    """Add up per-document values (scores, or counts of matching terms)."""
    if not maps:
        return {}
    if len(maps) == 2 and len(maps[1]) > len(maps[0]):
        maps = maps[::-1]  # a + b == b + a; with more, the sums go in query order
    total = dict(maps[0])
    get = total.get
    for other in maps[1:]:
        for d, value in other.items():
            total[d] = get(d, 0) + value
    return total


def _coordinate(scores: Scores, matched: dict[int, int], terms: int, scale: float) -> Scores:
    """Whoosh's coordination bonus (``CoordMatcher._sqr``): articles matching more
    of the query's terms gain."""
    if terms == scale:
        return dict.fromkeys(scores, 0.0)
    spread = (terms - scale) ** 2
    shrink = (terms - 1) / terms
    return {d: (s + (matched.get(d, 0) - 1) / spread) * shrink for d, s in scores.items()}
