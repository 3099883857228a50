"""How hits are scored: the weighting model and query rewriting for better ranking."""

from __future__ import annotations

from whoosh import query as wq
from whoosh import scoring
from whoosh.searching import Searcher


def make_weighting() -> scoring.WeightingModel:
    """Return the scoring model: BM25F with Whoosh's default parameters."""
    return scoring.BM25F()


def rewrite(query: wq.Query, searcher: Searcher) -> wq.Query:
    """Return the query to run in place of ``query`` (hook for boosts and expansion)."""
    return query
