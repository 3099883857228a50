"""Top-k scoring that skips what cannot reach the top: MaxScore over terms.

The bulk scorer (:mod:`searcher.query.bulkscore`) scores every article a query
matches. For the best ``k`` most of that is wasted: here a query that is a sum
of terms (:func:`searcher.query.bounds.sum_shape`) is scored term by term, the
terms with the largest upper bound first, into partial scores. After each term,
the ``k``-th best partial score is a floor the final ``k``-th best cannot fall
below, and the terms left can add at most the sum of their bounds. Once that sum
is below the floor, no article not yet seen can enter the top ``k``: the terms
left (the common words, the headline and lead terms with small weights, the
feedback words) are only looked up for the articles still in the running,
which are dropped as soon as even the rest of the bounds cannot lift them to
the floor.

The articles left are then scored exactly as the bulk scorer scores them, the
same sums in the same order (:func:`exact_scores`), so the top ``k`` is the
exhaustive top ``k``: same articles, order and scores (ties by docnum). Bounds
carry a margin far above floating-point rounding, so rounding never drops an
article; ``tests/query/test_pruning.py`` checks the equality on random indexes
and queries, and ``benchmarks/pruning_check.py`` on every query of the
ranking benchmarks. Anything else (phrases, ``And``, a coordination bonus,
restrictions by Whoosh's matchers) is scored exhaustively.

Part of the execute stage. Imports Whoosh's public query module,
``searcher.store.postings`` (the posting lists an open searcher keeps),
:mod:`~searcher.query.bulkscore` and :mod:`~searcher.query.bounds`.
"""

from __future__ import annotations

import bisect
import heapq
import logging
import math

from whoosh import query as wq

from searcher.query import ties
from searcher.query.bounds import Leaf, sum_shape, term_bound
from searcher.query.bulkscore import BulkScorer, is_quiet

LOGGER = logging.getLogger(__name__)

#: Relative margin on bounds and floors, far above the rounding of a sum of
#: a few dozen floats (about 1e-15), so that rounding never prunes an article.
MARGIN = 1e-9
#: A sum of terms is pruned (by :func:`top`, unless told) only when its terms'
#: posting lists hold more than this many postings: below, the bookkeeping per
#: term costs more than scoring every posting (``benchmarks/pruning_check.py``
#: times both ways).
PRUNE_FROM_POSTINGS = 4_000


def top(
    scorer: BulkScorer,
    query: wq.Query,
    limit: int,
    allowed: set[int] | None = None,
    *,
    prune: bool | None = None,
) -> list[tuple[float, int]]:
    """Return the best ``limit`` ``(score, docnum)`` pairs of ``query``, best first
    (ties by id), among the articles in ``allowed`` (all when ``None``).
    A sum of terms is pruned when ``prune`` is true, or when it is ``None`` and
    pruning pays (:func:`pays`); anything else is scored exhaustively. Both
    ways give the same list."""
    leaves = sum_shape(query, scorer) if prune is not False else None
    if leaves is None or (prune is None and not pays(scorer, leaves)):
        return scorer.top(query, limit, allowed)
    return _pruned(scorer, query, leaves, limit, allowed)


def pays(scorer: BulkScorer, leaves: list[Leaf]) -> bool:
    """Whether the terms ``leaves`` hold more than :data:`PRUNE_FROM_POSTINGS`
    postings, read from their document frequencies (no posting is read)."""
    postings = 0
    for leaf in leaves:
        postings += scorer.doc_frequency(leaf.fieldname, leaf.query.text)
        if postings > PRUNE_FROM_POSTINGS:
            return True
    return False


def _pruned(
    scorer: BulkScorer,
    query: wq.Query,
    leaves: list[Leaf],
    limit: int,
    allowed: set[int] | None,
) -> list[tuple[float, int]]:
    bounds = {id(leaf): term_bound(leaf, scorer) * (1 + MARGIN) for leaf in leaves}
    # Required terms first (only they admit articles), each group largest bound first.
    order = sorted(leaves, key=lambda leaf: (not leaf.required, -bounds[id(leaf)]))
    rest = [0.0] * (len(order) + 1)  # rest[i]: the bounds of order[i:]
    for i in range(len(order) - 1, -1, -1):
        rest[i] = rest[i + 1] + bounds[id(order[i])]
    partial: dict[int, float] = {}
    floor = -math.inf
    admitting = True
    for i, leaf in enumerate(order):
        if admitting and leaf.required and rest[i] >= floor:
            _add_all(scorer, leaf, partial, allowed)
        else:
            admitting = False
            # Only the articles that the terms left could still lift to the floor.
            keep = floor - rest[i]
            partial = {d: s for d, s in partial.items() if s >= keep}
            _add_found(scorer, leaf, partial, floor - rest[i + 1])
        if len(partial) >= limit:
            floor = heapq.nlargest(limit, partial.values())[-1]
            floor -= abs(floor) * MARGIN + MARGIN
    candidates = sorted(d for d, s in partial.items() if s >= floor)
    found = exact_scores(scorer, query, leaves, candidates)
    return ties.first(found, limit, scorer.id_of, ties.best_score)


def _add_all(
    scorer: BulkScorer, leaf: Leaf, partial: dict[int, float], allowed: set[int] | None
) -> None:
    """Add a term's share to the partial score of every article holding it."""
    weight = leaf.weight
    get = partial.get
    for ids, parts in scorer.postings(leaf.fieldname, leaf.text, leaf.scorable):
        if allowed is None:
            for d, p in zip(ids, parts, strict=True):
                partial[d] = get(d, 0.0) + weight * p
        else:
            for d, p in zip(ids, parts, strict=True):
                if d in allowed:
                    partial[d] = get(d, 0.0) + weight * p


def _add_found(scorer: BulkScorer, leaf: Leaf, partial: dict[int, float], keep: float) -> None:
    """Add a term's share to the articles of ``partial`` that hold it, reading
    only the posting blocks where it can lift one of them to ``keep`` (the floor
    less the bounds of the terms after it): the others cannot reach the top."""
    weight = leaf.weight
    if weight <= 0:
        return
    docs = sorted(partial)
    needs = [(keep - partial[d]) / weight for d in docs]
    for d, p in _lookup(scorer, leaf, docs, needs).items():
        partial[d] += weight * p


def _lookup(
    scorer: BulkScorer, leaf: Leaf, docs: list[int], needs: list[float]
) -> dict[int, float]:
    """The BM25 part of ``leaf`` in each of ``docs`` (sorted) that holds it, but
    where a posting block's bound is below every ``needs`` (the least part each
    doc must get) of the docs it could hold: such blocks are not read."""
    found: dict[int, float] = {}
    data = scorer.data
    segments = data.segments
    for n, segment in enumerate(segments):
        low = bisect.bisect_left(docs, segment.offset)
        high = (
            bisect.bisect_left(docs, segments[n + 1].offset, low)
            if n + 1 < len(segments)
            else len(docs)
        )
        if high > low:
            found.update(
                data.lookup(
                    segment,
                    leaf.fieldname,
                    leaf.text,
                    leaf.scorable,
                    docs[low:high],
                    needs[low:high],
                )
            )
    return found


def exact_scores(
    scorer: BulkScorer, query: wq.Query, leaves: list[Leaf], docs: list[int]
) -> list[tuple[float, int]]:
    """``(score, docnum)`` of each of ``docs`` (sorted) that ``query``, a sum of
    ``leaves``, matches: the bulk scorer's scores, the same sums in the same order."""
    every = [-math.inf] * len(docs)
    terms = {id(leaf.query): (leaf.factor, _lookup(scorer, leaf, docs, every)) for leaf in leaves}
    scored = ((_score(query, d, terms), d) for d in docs)
    return [(s, d) for s, d in scored if s is not None]


def _score(
    query: wq.Query, d: int, terms: dict[int, tuple[float, dict[int, float]]]
) -> float | None:
    """What :meth:`BulkScorer.scores` gives article ``d``, as it computes it."""
    if type(query) is wq.Term:
        factor, parts = terms.get(id(query), (0.0, {}))
        p = parts.get(d)
        return None if p is None else factor * p
    if is_quiet(query):
        return _score(query.child, d, terms)
    if type(query) is wq.AndMaybe:
        base = _score(query.a, d, terms)
        if base is None:
            return None
        more = _score(query.b, d, terms)
        return base if more is None else base + more
    if isinstance(query, wq.Or):
        subs = query.subqueries
        if len(subs) == 1:
            return _score(subs[0], d, terms)
        total: float | None = None
        for sub in subs:
            s = _score(sub, d, terms)
            if s is not None:
                total = s if total is None else total + s
        if total is not None and query.boost != 1.0:
            total = total * query.boost
        return total
    return None


def prunable(query: wq.Query, scorer: BulkScorer) -> bool:
    """Whether :func:`top` prunes ``query`` (a sum of terms) rather than score it exhaustively."""
    return sum_shape(query, scorer) is not None
