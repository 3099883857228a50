"""Answering a query: parse → plan → execute → present, each stage handing a
value to the next (:func:`search` reads as that list).

* parse (:mod:`~searcher.query.parse`, with the query language in
  :mod:`~searcher.query.syntax`): text checks, then a ``ParsedQuery``;
* plan (:mod:`~searcher.query.plan`, with ``restrictions``, ``dates``,
  ``fuzzy``, ``lexicon``, ``checks`` and ``ranking``): a frozen ``QueryPlan``;
* execute (:mod:`~searcher.query.execute`, with ``bulkscore``, ``phrases`` and
  ``feedback``): the ranked hits and the matching set, ``Executed``;
* present (:mod:`~searcher.query.present`, with ``snippets``, ``suggest`` and
  ``facets``): :class:`~searcher.models.SearchResults`.

:func:`similar` scores with the execute stage and presents with the present
stage. :mod:`~searcher.query.limits` bounds every stage.

Layer: above ``store``, ``schema``, ``analysis`` and the floor; beside
``indexing``, which it never imports; below ``index`` and the shells. Whoosh is
used through its public modules only; its internals are in ``store``.
"""

from __future__ import annotations

from searcher.query.dates import DateLike, date_range
from searcher.query.execute import open_searcher
from searcher.query.ids import resolve_id
from searcher.query.limits import DEFAULT_LIMITS, QueryLimits
from searcher.query.present import signatures, spelling
from searcher.query.search import matching, search
from searcher.query.shardsearch import (
    ShardHit,
    ShardPage,
    fetch,
    shard_emptied,
    shard_feedback,
    shard_matches,
    shard_search,
    shard_statistics,
)
from searcher.query.shardstats import CorpusStats, TermKey
from searcher.query.similar import article_words, key_terms, similar, word_statistics
from searcher.query.syntax import apply_exclusions, make_parser

__all__ = [
    "DEFAULT_LIMITS",
    "CorpusStats",
    "DateLike",
    "QueryLimits",
    "ShardHit",
    "ShardPage",
    "TermKey",
    "apply_exclusions",
    "article_words",
    "date_range",
    "fetch",
    "key_terms",
    "make_parser",
    "matching",
    "open_searcher",
    "resolve_id",
    "search",
    "shard_emptied",
    "shard_feedback",
    "shard_matches",
    "shard_search",
    "shard_statistics",
    "signatures",
    "similar",
    "spelling",
    "word_statistics",
]
