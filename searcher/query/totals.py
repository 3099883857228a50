"""How many articles a query matches, when counting them is not worth it.

Counting a query's matches means reading every posting of every word, which
top-k pruning (:mod:`searcher.query.pruning`) is there to avoid. So a query
whose words' posting lists hold more than :data:`EXACT_TOTAL_POSTINGS` has its
total estimated from their lengths, as if words fell in articles independently
(``Or``: ``N * (1 - prod(1 - n_i / N))``; ``And``: ``N * prod(n_i / N)``;
``a ANDNOT b``: ``N * p_a * (1 - p_b)``), and the results say it is an
estimate (after Elasticsearch's ``track_total_hits``, whose ``"relation"`` is
``"gte"`` there; here the figure may err either way). A smaller query is
counted. Facets, the date histogram and an ``exact_total`` request count every
match from posting lists, without scoring them.

Part of the execute stage. Imports Whoosh's public query and searching modules,
``searcher.store.postings`` (document frequencies kept while the index is open)
and :mod:`~searcher.query.shardstats` (a shard's whole-index frequencies).
"""

from __future__ import annotations

import logging
import math

from whoosh import query as wq
from whoosh.searching import Searcher

from searcher.query.shardstats import StatsSearcher
from searcher.store import postings

LOGGER = logging.getLogger(__name__)

#: Queries whose words' posting lists hold at most this many postings are
#: counted exactly (a few milliseconds); larger ones are estimated.
EXACT_TOTAL_POSTINGS = 50_000


def estimate(query: wq.Query, searcher: Searcher, allowed: set[int] | None) -> int | None:
    """An estimate of how many articles of ``allowed`` (all when ``None``)
    ``query`` (the asked query, see :class:`~searcher.query.plan.QueryPlan`)
    matches, or ``None`` when counting them is cheap or the query's shape
    cannot be estimated (then count them)."""
    parts = estimate_parts(query, searcher, allowed)
    return None if parts is None else estimated(*parts)


def estimate_parts(
    query: wq.Query, searcher: Searcher, allowed: set[int] | None
) -> tuple[float, int] | None:
    """What :func:`estimate` multiplies: the share of all articles ``query``
    matches, and how many articles it is a share of (those of ``allowed``).

    A shard of a sharded index scored with the whole index's statistics reads
    the whole index's posting counts: it counts or estimates as one index of
    all the shards would, and the shares being the same in every shard, the
    caller adds up the articles and multiplies once (:func:`estimated`), giving
    one index's estimate.
    """
    if query_postings(query, searcher) <= EXACT_TOTAL_POSTINGS:
        return None
    docs = searcher.doc_count_all()  # posting counts include deleted articles too
    if docs == 0:
        return None
    share = _share(query, searcher, docs)
    if share is None:
        return None
    within = searcher.reader().doc_count() if allowed is None else len(allowed)
    return share, within


def estimated(share: float, within: int) -> int:
    """The estimated total of :func:`estimate_parts`."""
    return round(share * within)


def query_postings(query: wq.Query, searcher: Searcher) -> int:
    """How many postings the terms of ``query`` hold in this index (deleted
    articles' included)."""
    return sum(
        _frequency(searcher, fieldname, text)
        for fieldname, text in query.iter_all_terms()
        if fieldname in searcher.schema
    )


def _frequency(searcher: Searcher, fieldname: str, text: str | bytes) -> int:
    """The term's document frequency in this index, or in the whole index a
    shard is scored with the statistics of (a term they lack: the shard's own)."""
    if isinstance(searcher, StatsSearcher) and searcher.corpus_stats is not None:
        return int(searcher.doc_frequency(fieldname, text))
    return postings.cache_for(searcher).own_frequency(fieldname, text)


def _share(query: wq.Query, searcher: Searcher, docs: int) -> float | None:
    """The estimated share of all articles ``query`` matches, or ``None``."""
    kind = type(query)
    if kind is wq.Term:
        return min(1.0, _frequency(searcher, query.fieldname, query.text) / docs)
    if isinstance(query, wq.Or) and not query.scale:
        shares = [_share(sub, searcher, docs) for sub in query.subqueries]
        if any(s is None for s in shares):
            return None
        return 1.0 - math.prod(1.0 - s for s in shares if s is not None)
    if kind is wq.And and not any(isinstance(s, wq.Not) for s in query.subqueries):
        shares = [_share(sub, searcher, docs) for sub in query.subqueries]
        if any(s is None for s in shares):
            return None
        return math.prod(s for s in shares if s is not None)
    if kind is wq.AndNot:
        kept, dropped = _share(query.a, searcher, docs), _share(query.b, searcher, docs)
        if kept is None or dropped is None:
            return None
        return kept * (1.0 - dropped)
    return None
