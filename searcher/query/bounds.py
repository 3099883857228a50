"""Upper bounds of BM25F scores, for pruning (:mod:`searcher.query.pruning`).

A ranked query is, in the common case, a sum: the field-weighted rewrite
(:func:`searcher.query.ranking.weigh_fields`) turns each word into a term in
``title``, ``body`` and ``lead``, added up by unscaled ``Or`` nodes, and the
feedback words add to it (``a ANDMAYBE b``). :func:`sum_shape` reads such a
query as its :class:`Leaf` terms, each with the weight it carries into the
article's score, or says it is no sum (a phrase, a coordination bonus, ``And``),
which is then scored exhaustively.

A term's score in an article is ``weight * part``, where ``part`` is BM25's
``w * (K1 + 1) / (w + norm(length))`` (:mod:`searcher.store.postings`). So its
largest ``part`` over a posting list (kept with its arrays,
:meth:`~searcher.store.postings.SearcherCache.arrays`), times the weight,
bounds the term; the words are split across fields, so each field's term is
bounded on its own and the bounds added: no article can score more than the
sum of the bounds of the terms it holds.

Imports Whoosh's public query module and the bulk scorer
(:mod:`searcher.query.bulkscore`).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh import query as wq

from searcher.query.bulkscore import BulkScorer, is_quiet


@dataclass(frozen=True)
class Leaf:
    """One term of a sum.

    :param query: the term as it stands in the query.
    :param fieldname: its field; ``text``: its indexed form.
    :param scorable: whether the field scores by BM25 (else by raw weight).
    :param factor: ``boost * idf``, what the bulk scorer multiplies each posting's
        BM25 part by (exactly as it computes it).
    :param weight: ``factor`` times the boosts of the ``Or`` nodes above it: the
        term's share of an article's score per unit of BM25 part.
    :param required: an article must hold a required term to match; the others
        (feedback words) only add to the score of articles that match.
    """

    query: wq.Term
    fieldname: str
    text: bytes
    scorable: bool
    factor: float
    weight: float
    required: bool


def sum_shape(query: wq.Query, scorer: BulkScorer) -> list[Leaf] | None:
    """The terms of ``query`` when it is a sum of terms (see the module
    docstring), else ``None``. Every weight is at least 0; a term that cannot
    be in its field is left out (it matches nothing)."""
    leaves: list[Leaf] = []
    if type(query) is wq.AndMaybe:
        a_sum = _sum(query.a, scorer, 1.0, True, leaves)
        return leaves if a_sum and _sum(query.b, scorer, 1.0, False, leaves) else None
    return leaves if _sum(query, scorer, 1.0, True, leaves) else None


def _sum(
    query: wq.Query, scorer: BulkScorer, boost: float, required: bool, leaves: list[Leaf]
) -> bool:
    """Add the terms of ``query`` to ``leaves``; false when it is no sum."""
    if is_quiet(query):
        return _sum(query.child, scorer, boost, required, leaves)
    if query is wq.NullQuery:
        return True
    if type(query) is wq.Term:
        return _term(query, scorer, boost, required, leaves)
    if isinstance(query, wq.Or) and not query.scale:
        subs = query.subqueries
        # The bulk scorer applies an Or's boost only when it has several parts.
        inner = boost * query.boost if len(subs) > 1 else boost
        if inner < 0:
            return False
        return all(_sum(sub, scorer, inner, required, leaves) for sub in subs)
    return False


def _term(
    query: wq.Term, scorer: BulkScorer, boost: float, required: bool, leaves: list[Leaf]
) -> bool:
    schema = scorer.searcher.schema
    if query.fieldname not in schema:
        return False
    fieldtype = schema[query.fieldname]
    try:
        text = fieldtype.to_bytes(query.text)
    except ValueError:
        return True  # matches nothing
    factor = query.boost
    if fieldtype.scorable:
        factor *= scorer.searcher.idf(query.fieldname, text)
    weight = factor * boost
    if weight < 0:
        return False
    leaves.append(Leaf(query, query.fieldname, text, fieldtype.scorable, factor, weight, required))
    return True
