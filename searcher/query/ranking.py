"""How hits are scored: the weighting model, and the field weights of the
ranking rewrite.

:func:`make_weighting` is BM25F with the Robertson/Sparck Jones IDF, so a word
found in most articles weighs next to nothing (Whoosh's own IDF never drops below 1).

:func:`weigh_fields` is the plan stage's ranking rewrite, run on every query
ranked by relevance: the body field indexes the headline as body text
(:func:`searcher.schema.indexed_body`), so a word's headline term counts
:data:`TITLE_WEIGHT` of its Whoosh score (0: left out), and each body word is
also looked up in the ``lead`` field (headline plus the first words of the
story, see :func:`searcher.schema.lead_text`) at :data:`LEAD_WEIGHT`, because a
news story says in its first sentences what it is about. A term the query names
the headline for (``title:word``) keeps its own weight. The execute stage then
adds pseudo-relevance feedback (:mod:`searcher.query.feedback`) for the
:func:`query_words` of long queries.

The constants were first chosen on the odd TIME queries, then tried on all four
development collections (CISI, CRAN, MED, TIME odd) with
``benchmarks/ranking_sweep.py``, keeping a change only where it gained MAP on
most of them and lost no more than 0.01 on any (the README's "Ranking choices"
table): the headline weight went from 0.1 to 0.2; no other lead weight, k1, b,
per-field b or IDF passed. Then the headline became body text (schema 7), with
headline weight 0 (``benchmarks/ranking.py``: MAP gains on CRAN, MED and TIME,
none lost on CISI; the README's "Ranking choices").

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
#: Score multiplier of a headline match of a word searched in the headline and
#: body. The body field indexes the headline as its first words, and the ``lead``
#: field holds it twice (the headline, then the indexed body's start), so a
#: headline counts there already; 0 leaves the headline term out of the ranked
#: query. A plain-text reader may take a wrapped first line for a headline,
#: which must not outweigh the story (TIME's "headlines" are such lines). With
#: the headline as body text, 0 gained MAP over 0.2 on CRAN, MED and TIME, and
#: none on CISI; 0.2 before it, gained on CISI, CRAN and MED over 0.1.
TITLE_WEIGHT = 0.0
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
    """Re-weight (or, at weight 0, leave out) the headline term of each word
    searched in the headline and body, and add a ``lead`` term beside each body
    term. A headline term of its own (``title:word``) is left as it is."""
    if isinstance(query, wq.Term):
        if query.fieldname == "body" and LEAD_WEIGHT:
            lead = wq.Term("lead", query.text, boost=query.boost * LEAD_WEIGHT)
            return SumOr([query, lead])
        return query
    if isinstance(query, wq.Or):
        body = {q.text for q in query.subqueries if _field_term(q, "body")}
        subs = []
        for sub in query.subqueries:
            if _field_term(sub, "title") and sub.text in body:  # a word's headline twin
                if TITLE_WEIGHT:
                    subs.append(sub.with_boost(sub.boost * TITLE_WEIGHT))
                continue
            subs.append(weigh_fields(sub))
        return SumOr(subs, boost=query.boost, scale=query.scale)
    if isinstance(query, wq.BinaryQuery):  # AndNot, AndMaybe, ...: scored by .a and .b
        return query.apply(weigh_fields)
    if isinstance(query, wq.CompoundQuery):
        rebuilt = copy.copy(query)
        rebuilt.subqueries = [weigh_fields(q) for q in query.subqueries]
        return rebuilt
    return query


def _field_term(query: wq.Query, fieldname: str) -> bool:
    return isinstance(query, wq.Term) and query.fieldname == fieldname


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
