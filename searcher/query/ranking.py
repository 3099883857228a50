"""How hits are scored: the weighting model and query rewriting for better ranking.

:func:`make_weighting` is BM25F with the Robertson/Sparck Jones IDF, so a word
found in most articles weighs next to nothing (Whoosh's own IDF never drops below 1).

:func:`rewrite` runs on every query, after parsing:

* **Fields.** A headline match counts :data:`TITLE_WEIGHT` of its Whoosh score, and
  each body word is also looked up in the ``lead`` field (headline plus the first
  words of the story, see :func:`searcher.schema.lead_text`) at :data:`LEAD_WEIGHT`,
  because a news story says in its first sentences what it is about.
* **Pseudo-relevance feedback** (RM3-like) for descriptive queries of at least
  :data:`PRF_MIN_TERMS` words: the best :data:`PRF_DOCS` articles of a first pass
  vote for :data:`PRF_TERMS` words, weighted by how often they occur there, how
  rare they are in the collection, and how well each article scored. The words
  only add to the score of articles the query already matches, so ``NOT``,
  ``AND``, phrases and field searches keep their meaning.

The constants were chosen on the odd TIME queries (``benchmarks/ranking_sweep.py``;
figures in ``benchmarks/ranking.py``), with an eye on robustness across ``.txt``
layouts rather than on the best single figure.
"""

from __future__ import annotations

import copy
import heapq
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.matching import WrappingMatcher
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import Searcher

from searcher.query.bulkscore import BulkScorer

LOGGER = logging.getLogger(__name__)

#: BM25 term-frequency saturation and length normalisation (Whoosh's defaults;
#: 0.9-2.0 and 0.5-0.9 measured no better).
K1 = 1.2
B = 0.75
#: Score multiplier of a headline match. The headline is also the start of the
#: ``lead`` field, so it is counted there already; and a plain-text reader may take
#: a wrapped first line for a headline, which must not outweigh the story itself.
TITLE_WEIGHT = 0.1
#: Score multiplier of a match in the ``lead`` field, added to the body match.
LEAD_WEIGHT = 0.5
#: Pseudo-relevance feedback: queries with at least this many distinct words ...
PRF_MIN_TERMS = 3
#: ... are expanded from this many top articles of a first pass ...
PRF_DOCS = 10
#: ... with this many words (the query's own words included, so they are re-weighted;
#: 20 scored alike on TIME and cost ~20 ms more per query) ...
PRF_TERMS = 10
#: ... whose weights sum to this share of the query's own weight.
PRF_WEIGHT = 0.5
#: How fast an article's vote fades with its score: ``exp(-PRF_SHARPNESS * (1 - s/top))``.
PRF_SHARPNESS = 5.0
#: Articles whose vote is below this are not read.
PRF_MIN_VOTE = 0.02
#: Only this many of the most frequent words of the top articles are considered.
PRF_CANDIDATES = 150
_TEXT_FIELDS = ("title", "body")


class NewsBM25F(scoring.BM25F):  # type: ignore[misc]
    """BM25F with the Robertson/Sparck Jones IDF, ``log(1 + (N - n + 0.5) / (n + 0.5))``."""

    def idf(self, searcher: Searcher, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        return _idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))


def _idf(docs: int, df: int) -> float:
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def make_weighting() -> scoring.WeightingModel:
    """Return the scoring model: :class:`NewsBM25F` with :data:`K1` and :data:`B`."""
    return NewsBM25F(B=B, K1=K1)


class _SumOr(wq.Or):  # type: ignore[misc]
    """An ``Or`` scored by Whoosh's tree of union matchers, on every index size.

    Below 5,000 documents Whoosh preloads an unscaled ``Or`` into an array matcher
    instead. Nested in the parser's scaled ``Or``, that gave other scores than the
    union tree on TIME (once a top score of 8.7 where the query's own terms scored
    28.2 and the extra term was boosted 1e-5), so small and large indexes would rank
    differently.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


class _QuietMatcher(WrappingMatcher):  # type: ignore[misc]
    """Scores like its child but reports no matched terms to the collector."""

    def term_matchers(self) -> Iterator[Any]:
        return iter(())

    def matching_terms(self, id: int | None = None) -> Iterator[Any]:
        return iter(())


class _Unhighlighted(WrappingQuery):  # type: ignore[misc]
    """Feedback words: they add to scores, but snippets do not highlight them,
    since the reader never typed them."""

    #: Read by :mod:`searcher.query.bulkscore`: the words count for no coordination bonus.
    quiet = True

    def leaves(self) -> Iterator[wq.Query]:
        return iter(())

    def normalize(self) -> wq.Query:
        return _Unhighlighted(self.child.normalize())

    def matcher(self, searcher: Searcher, context: Any = None) -> Any:
        return _QuietMatcher(self.child.matcher(searcher, context))


def _fields(query: wq.Query) -> wq.Query:
    """Re-weight headline terms and add a ``lead`` term beside each body term."""
    if isinstance(query, wq.Term):
        if query.fieldname == "title":
            return query.with_boost(query.boost * TITLE_WEIGHT)
        if query.fieldname == "body" and LEAD_WEIGHT:
            lead = wq.Term("lead", query.text, boost=query.boost * LEAD_WEIGHT)
            return _SumOr([query, lead])
        return query
    if isinstance(query, wq.Or):
        subs = [_fields(q) for q in query.subqueries]
        return _SumOr(subs, boost=query.boost, scale=query.scale)
    if isinstance(query, wq.CompoundQuery):
        rebuilt = copy.copy(query)
        rebuilt.subqueries = [_fields(q) for q in query.subqueries]
        return rebuilt
    return query


def _query_words(query: wq.Query) -> list[str]:
    """The positive search words of ``query`` (no excluded or field-specific ones)."""
    if isinstance(query, wq.AndNot):
        return _query_words(query.a)
    if isinstance(query, wq.Not):
        return []
    if isinstance(query, wq.Term):
        return [query.text] if query.fieldname in _TEXT_FIELDS else []
    words: list[str] = []
    for sub in query.children():
        words += [w for w in _query_words(sub) if w not in words]
    return words


def _term_counts(searcher: Searcher, docnum: int) -> Counter[str]:
    """Body term frequencies of one article: from its term vector, else re-analysed."""
    reader = searcher.reader()
    if reader.has_vector(docnum, "body"):
        return Counter(dict(reader.vector_as("weight", docnum, "body")))
    fast = _fast_body_analyzer(searcher)
    body = searcher.stored_fields(docnum).get("body", "")
    counts = Counter(fast.terms(fast.tokens(body)))
    counts.pop("", None)  # words the filters drop
    return counts


_FAST: dict[int, Any] = {}


def _fast_body_analyzer(searcher: Searcher) -> Any:
    """The indexer's cached fast analyzer for the body field (same terms, a
    dict lookup per known word instead of the filter chain)."""
    analyzer = searcher.schema["body"].analyzer
    fast = _FAST.get(id(analyzer))
    if fast is None:
        from searcher.analysis.fast import FastAnalyzer  # the indexer's, loaded only here

        _FAST.clear()  # one schema at a time: ids of dead analyzers may be reused
        fast = _FAST[id(analyzer)] = (analyzer, FastAnalyzer(analyzer))
    return fast[1]


def _by_weight(item: tuple[str, float]) -> float:
    return item[1]


def _weigh_by_rarity(
    candidates: list[tuple[str, float]], docs: int, frequency: Callable[[str], int]
) -> dict[str, float]:
    """Return ``weight * idf`` of the candidates (heaviest first) that may be among
    the best :data:`PRF_TERMS`: once even the rarest word could not make a
    lighter candidate beat the current last of the best, the rest are skipped
    (the choice is the same, with fewer document frequencies to look up)."""
    most = _idf(docs, 0)
    scored: dict[str, float] = {}
    best: list[float] = []
    for term, weight in candidates:
        if len(best) == PRF_TERMS and weight * most < best[0]:
            break
        score = scored[term] = weight * _idf(docs, frequency(term))
        if len(best) < PRF_TERMS:
            heapq.heappush(best, score)
        elif score > best[0]:
            heapq.heapreplace(best, score)
    return scored


def _feedback(
    query: wq.Query, searcher: Searcher, words: list[str], scorer: BulkScorer | None
) -> wq.Query | None:
    """Return the expansion words of ``query`` as a weighted ``Or``, or ``None``."""
    if scorer is not None:
        best = scorer.top(query, PRF_DOCS)
    else:
        # Block-quality skipping costs more than it saves on a query this long.
        results = searcher.search(query, limit=PRF_DOCS, optimize=False)
        best = [(hit.score, hit.docnum) for hit in results]
    if not best or best[0][0] <= 0:
        return None
    top = best[0][0]
    weights: defaultdict[str, float] = defaultdict(float)
    for score, docnum in best:
        vote = math.exp(-PRF_SHARPNESS * (1 - score / top))
        if vote < PRF_MIN_VOTE:
            break
        counts = _term_counts(searcher, docnum)
        length = sum(counts.values()) or 1
        for term, count in counts.items():
            weights[term] += vote * count / length
    frequency = scorer.doc_frequency if scorer is not None else searcher.doc_frequency
    scored = _weigh_by_rarity(
        heapq.nlargest(PRF_CANDIDATES, weights.items(), key=_by_weight),
        searcher.doc_count_all(),
        lambda term: frequency("body", term),
    )
    chosen = heapq.nlargest(PRF_TERMS, sorted(scored.items()), key=_by_weight)
    total = sum(weight for _, weight in chosen)
    if total <= 0:
        return None
    scale = PRF_WEIGHT * len(words) / total
    LOGGER.debug("feedback words: %s", ", ".join(term for term, _ in chosen))
    terms = [wq.Term("body", term, boost=scale * weight) for term, weight in chosen]
    return _Unhighlighted(_SumOr(terms))


def rewrite(query: wq.Query, searcher: Searcher, scorer: BulkScorer | None = None) -> wq.Query:
    """Return the query to run in place of ``query``: field weights, then feedback.

    The rewritten query matches the same articles as ``query``; only scores change.

    :param query: the parsed query.
    :param searcher: an open searcher of the index (used for the feedback pass).
    :param scorer: scores the feedback pass when given (else Whoosh's collector does).
    """
    weighted = _fields(query)
    words = _query_words(query)
    if PRF_DOCS < 1 or len(words) < PRF_MIN_TERMS:
        return weighted
    expansion = _feedback(weighted, searcher, words, scorer)
    if expansion is None:
        return weighted
    return wq.AndMaybe(weighted, expansion)
