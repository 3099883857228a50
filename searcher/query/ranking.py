"""How hits are scored: the weighting model, and the field weights of the
ranking rewrite.

:func:`make_weighting` is BM25F with the Robertson/Sparck Jones IDF, so a word
found in most articles weighs next to nothing (Whoosh's own IDF never drops below 1).

:func:`weigh_fields` is the plan stage's ranking rewrite, run on every query
ranked by relevance: a headline match counts :data:`TITLE_WEIGHT` of its Whoosh
score, and each body word is also looked up in the ``lead`` field (headline plus
the first words of the story, see :func:`searcher.schema.lead_text`) at
:data:`LEAD_WEIGHT`, because a news story says in its first sentences what it is
about. The execute stage then adds pseudo-relevance feedback
(:mod:`searcher.query.feedback`) for the :func:`query_words` of long queries.

The constants were first chosen on the odd TIME queries, then tried on all four
development collections (CISI, CRAN, MED, TIME odd) with
``benchmarks/ranking_sweep.py``, keeping a change only where it gained MAP on
most of them and lost no more than 0.01 on any (the README's "Ranking choices"
table): the headline weight went from 0.1 to 0.2; no other lead weight, k1, b,
per-field b or IDF passed.

Imports Whoosh's public query and scoring modules; nothing of searcher.
"""

from __future__ import annotations

import copy
import logging
import math

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher

LOGGER = logging.getLogger(__name__)

#: BM25 term-frequency saturation and length normalisation (Whoosh's defaults;
#: 0.9-2.0 and 0.5-0.9 measured no better).
K1 = 1.2
B = 0.75
#: Score multiplier of a headline match. The headline is also the start of the
#: ``lead`` field, so it is counted there already; and a plain-text reader may take
#: a wrapped first line for a headline, which must not outweigh the story itself
#: (TIME's "headlines" are such lines: 0.3 and more lose MAP there). 0.2 gains on
#: CISI, CRAN and MED beside the feedback weight of 1; 0.1 was chosen on TIME alone.
TITLE_WEIGHT = 0.2
#: Score multiplier of a match in the ``lead`` field, added to the body match.
LEAD_WEIGHT = 0.5
_TEXT_FIELDS = ("title", "body")


class NewsBM25F(scoring.BM25F):  # type: ignore[misc]
    """BM25F with the Robertson/Sparck Jones IDF, ``log(1 + (N - n + 0.5) / (n + 0.5))``."""

    def idf(self, searcher: Searcher, fieldname: str, text: str) -> float:
        parent = searcher.get_parent()
        return rsj_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))


def rsj_idf(docs: int, df: int) -> float:
    """The Robertson/Sparck Jones IDF of a word in ``df`` of ``docs`` articles."""
    return math.log(1 + (docs - df + 0.5) / (df + 0.5))


def make_weighting() -> scoring.WeightingModel:
    """Return the scoring model: :class:`NewsBM25F` with :data:`K1` and :data:`B`."""
    return NewsBM25F(B=B, K1=K1)


class SumOr(wq.Or):  # type: ignore[misc]
    """An ``Or`` scored by Whoosh's tree of union matchers, on every index size.

    Below 5,000 documents Whoosh preloads an unscaled ``Or`` into an array matcher
    instead. Nested in the parser's scaled ``Or``, that gave other scores than the
    union tree on TIME (once a top score of 8.7 where the query's own terms scored
    28.2 and the extra term was boosted 1e-5), so small and large indexes would rank
    differently.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def weigh_fields(query: wq.Query) -> wq.Query:
    """Re-weight headline terms and add a ``lead`` term beside each body term."""
    if isinstance(query, wq.Term):
        if query.fieldname == "title":
            return query.with_boost(query.boost * TITLE_WEIGHT)
        if query.fieldname == "body" and LEAD_WEIGHT:
            lead = wq.Term("lead", query.text, boost=query.boost * LEAD_WEIGHT)
            return SumOr([query, lead])
        return query
    if isinstance(query, wq.Or):
        subs = [weigh_fields(q) for q in query.subqueries]
        return SumOr(subs, boost=query.boost, scale=query.scale)
    if isinstance(query, wq.CompoundQuery):
        rebuilt = copy.copy(query)
        rebuilt.subqueries = [weigh_fields(q) for q in query.subqueries]
        return rebuilt
    return query


def query_words(query: wq.Query) -> list[str]:
    """The positive search words of ``query`` (no excluded or field-specific ones)."""
    if isinstance(query, wq.AndNot):
        return query_words(query.a)
    if isinstance(query, wq.Not):
        return []
    if isinstance(query, wq.Term):
        return [query.text] if query.fieldname in _TEXT_FIELDS else []
    words: list[str] = []
    for sub in query.children():
        words += [w for w in query_words(sub) if w not in words]
    return words
