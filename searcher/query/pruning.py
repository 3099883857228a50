"""Top-k scoring that skips what cannot reach the top: MaxScore over terms.

The bulk scorer (:mod:`searcher.query.bulkscore`) scores every article a query
matches. For the best ``k`` most of that is wasted: here a query that is a sum
of terms (:func:`searcher.query.bounds.sum_shape`) is scored term by term, the
terms with the largest upper bound first, into partial scores: each term's
postings are numpy arrays over the whole index
(:meth:`searcher.store.postings.SearcherCache.arrays`, kept while the index is
open), added into one array of partial scores indexed by docnum. After a term,
the ``k``-th best partial score among the matching articles holding it is a
floor the final ``k``-th best cannot fall below, and the terms left can add at
most the sum of their bounds. Once that sum is below the floor, no article not
yet seen can enter the top ``k``: the terms left (the common words, the
headline and lead terms with small weights) are only looked up (binary search,
or added whole when that is cheaper) for the articles still in the running,
which are dropped as soon as even the rest of the bounds cannot lift them to
the floor.

Feedback words are optional terms: they add to the score of articles a
required term admits, never admit one. Added early (their bounds are large),
they lift the floor; an article they lifted that holds no required term added
yet is looked up in the required terms left (:func:`_admitted`). Feedback's
first pass keeps its partial scores (``keep``), and the query with feedback
words starts from them instead of adding those terms again.

The articles left are then scored exactly as the bulk scorer scores them, the
same sums in the same order (:func:`exact_scores`), so the top ``k`` is the
exhaustive top ``k``: same articles, order and scores (ties by id). Bounds
carry a margin far above floating-point rounding, so rounding never drops an
article; ``tests/query/test_pruning.py`` checks the equality on random indexes
and queries, and ``benchmarks/pruning_check.py`` on every query of the
ranking benchmarks. Anything else (phrases, ``And``, a coordination bonus,
restrictions by Whoosh's matchers) is scored exhaustively.

Part of the execute stage. Imports Whoosh's public query module, numpy (only
when a query is pruned), :mod:`~searcher.query.bulkscore` and
:mod:`~searcher.query.bounds`; the posting arrays come from ``searcher.store.postings``.
"""

from __future__ import annotations

import logging
import math
import weakref
from typing import TYPE_CHECKING

from whoosh import query as wq

from searcher.query import ties
from searcher.query.bounds import Leaf, sum_shape
from searcher.query.bulkscore import BulkScorer, is_quiet

if TYPE_CHECKING:
    import numpy as np

    from searcher.store.postings import Arrays

LOGGER = logging.getLogger(__name__)

#: Relative margin on bounds and floors, far above the rounding of a sum of
#: a few dozen floats (about 1e-15), so that rounding never prunes an article.
MARGIN = 1e-9
#: A sum of terms is pruned (by :func:`top`, unless told) only when its terms'
#: posting lists hold more than this many postings: below, the bookkeeping per
#: term costs more than scoring every posting (``benchmarks/pruning_check.py``
#: times both ways).
PRUNE_FROM_POSTINGS = 4_000
#: A term left once no unseen article can reach the top is added to every
#: article holding it when its postings are fewer than this many times the
#: articles still in the running, else looked up for those (binary search).
DENSE_ADD = 4
#: Articles lifted by optional terms alone are looked up in the required terms
#: left when they are fewer than their postings over this.
LOOKUP_COST = 8

#: Per search (its scorer): the required terms of a first pass and every
#: article's partial score on them (:func:`top`'s ``keep``).
_KEPT: weakref.WeakKeyDictionary[BulkScorer, tuple[list[Leaf], np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def top(
    scorer: BulkScorer,
    query: wq.Query,
    limit: int,
    allowed: set[int] | None = None,
    *,
    prune: bool | None = None,
    keep: bool = False,
) -> list[tuple[float, int]]:
    """Return the best ``limit`` ``(score, docnum)`` pairs of ``query``, best first
    (ties by id), among the articles in ``allowed`` (all when ``None``).
    A sum of terms is pruned when ``prune`` is true, or when it is ``None`` and
    pruning pays (:func:`pays`); anything else is scored exhaustively. Both
    ways give the same list."""
    leaves = sum_shape(query, scorer) if prune is not False else None
    if leaves is None or (prune is None and not pays(scorer, leaves)):
        return scorer.top(query, limit, allowed)
    return _pruned(scorer, query, leaves, limit, allowed, keep)


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
    keep: bool,
) -> list[tuple[float, int]]:
    import numpy as np  # only for long lists: a short query never loads it

    data = scorer.data
    terms: list[tuple[Leaf, Arrays]] = []
    for leaf in leaves:
        found = data.arrays(leaf.fieldname, leaf.text, leaf.scorable)
        if found is None:
            continue
        if leaf.weight <= 0:
            if leaf.required:  # it admits articles it adds nothing to
                return scorer.top(query, limit, allowed)
            continue
        terms.append((leaf, found))
    size = scorer.searcher.doc_count_all()
    mask = None
    if allowed is not None:
        mask = np.zeros(size, dtype=bool)
        mask[np.fromiter(allowed, dtype=np.int64, count=len(allowed))] = True
    # Terms a first pass of this search added (every article holding them), then the others.
    done, partial, held = _resumed(scorer, terms)
    if partial is None or held is None:
        partial, held = np.zeros(size), np.zeros(size, dtype=bool)
    elif mask is not None:
        held &= mask
    order = sorted((t for t in terms if all(t is not d for d in done)), key=_bound, reverse=True)
    bounds = [_bound(t) for t in order]
    rest = [0.0] * (len(order) + 1)  # rest[i]: the bounds of order[i:]
    for i in range(len(order) - 1, -1, -1):
        rest[i] = rest[i + 1] + bounds[i]
    admitting = max((i for i, (leaf, _) in enumerate(order) if leaf.required), default=-1)
    most = sum(_bound(t) for t in done)  # the most an article scores on the terms added
    floor = -math.inf
    if done and most >= rest[0]:
        floor = _raised(floor, partial[held], limit)
    unseen = 0.0  # the most optional terms added to an article holding no required one
    i = 0
    # Terms added to every article holding them, until no article holding none of
    # the required ones among them can reach the floor.
    while i <= admitting and (floor == -math.inf or unseen + rest[i] >= floor):
        if rest[i] < floor and _admitted(order[i:], partial, held, mask, floor - rest[i]):
            break
        leaf, (ids, parts, _) = order[i]
        partial[ids] += leaf.weight * parts
        if leaf.required:
            held[ids if mask is None else ids[mask[ids]]] = True
        else:
            unseen += bounds[i]
        most += bounds[i]
        if most >= unseen + rest[i + 1]:  # the floor could now stop the adding
            floor = _raised(floor, partial[ids][held[ids]], limit)
        i += 1
    if keep and mask is None and all(leaf.required for leaf, _ in order[:i]):
        _KEPT[scorer] = ([leaf for leaf, _ in done + order[:i]], partial.copy(), held.copy())
    # The articles still in the running: the terms left are looked up for them only.
    docs = np.flatnonzero(held & (partial >= floor - rest[i]) if floor > -math.inf else held)
    scores = partial[docs]
    floor = _raised(floor, scores, limit)
    rising = scores >= floor - rest[i]
    docs, scores = docs[rising], scores[rising]
    for j in range(i, len(order)):
        leaf, (ids, parts, _) = order[j]
        if len(ids) < DENSE_ADD * len(docs):  # adding them all costs less than finding docs
            partial[ids] += leaf.weight * parts
            scores = partial[docs]
        else:
            at = np.searchsorted(ids, docs)
            at[at == len(ids)] = 0
            hit = ids[at] == docs
            added = leaf.weight * parts[at[hit]]
            scores[hit] += added
            partial[docs[hit]] += added
        floor = _raised(floor, scores, limit)
        rising = scores >= floor - rest[j + 1]
        docs, scores = docs[rising], scores[rising]
    candidates = docs[scores >= floor].tolist()
    scored = exact_scores(scorer, query, leaves, candidates)
    return ties.first(scored, limit, scorer.id_of, ties.best_score)


def _admitted(
    left: list[tuple[Leaf, Arrays]],
    partial: np.ndarray,
    held: np.ndarray,
    mask: np.ndarray | None,
    need: float,
) -> bool:
    """Whether the articles holding none of the required terms added yet that
    the optional terms added lifted to ``need`` (the floor less the bounds of
    the terms ``left``) are few enough to look up: then those holding a
    required term of ``left`` are marked as held, and true is returned."""
    import numpy as np

    postings = sum(len(ids) for leaf, (ids, _, _) in left if leaf.required)
    lifted = np.flatnonzero(~held & (partial >= need))
    if mask is not None:
        lifted = lifted[mask[lifted]]
    if len(lifted) * LOOKUP_COST >= postings:
        return False
    for leaf, (ids, _, _) in left:
        if leaf.required and len(lifted):
            at = np.searchsorted(ids, lifted)
            at[at == len(ids)] = 0
            held[lifted[ids[at] == lifted]] = True
    return True


def _bound(term: tuple[Leaf, Arrays]) -> float:
    """The most ``term`` adds to an article's score (with the margin)."""
    return _above(term[0].weight * term[1][2])


def _above(value: float) -> float:
    return value * (1 + MARGIN) + MARGIN


def _resumed(
    scorer: BulkScorer, terms: list[tuple[Leaf, Arrays]]
) -> tuple[list[tuple[Leaf, Arrays]], np.ndarray | None, np.ndarray | None]:
    """The terms of ``terms`` a first pass of this search kept (:func:`top`'s
    ``keep``), with copies of its partial scores and of which articles hold one
    of them; nothing when it kept none or others."""
    kept = _KEPT.get(scorer)
    if kept is None:
        return [], None, None
    left = list(terms)
    done = []
    for old in kept[0]:
        same = (old.fieldname, old.text, old.weight)
        at = next(
            (
                n
                for n, (leaf, _) in enumerate(left)
                if leaf.required and (leaf.fieldname, leaf.text, leaf.weight) == same
            ),
            None,
        )
        if at is None:
            return [], None, None
        done.append(left.pop(at))
    return done, kept[1].copy(), kept[2].copy()


def _raised(floor: float, values: np.ndarray, k: int) -> float:
    """The floor the ``k``-th best score cannot fall below, raised to the
    ``k``-th largest of ``values`` (partial scores of distinct articles, lower
    bounds of their scores) less the margin, when that is higher."""
    import numpy as np

    above = values[values > floor] if floor > -math.inf else values
    if len(above) < k:
        return floor
    kth = float(np.partition(above, len(above) - k)[len(above) - k])
    return max(floor, kth - (abs(kth) * MARGIN + MARGIN))


def exact_scores(
    scorer: BulkScorer, query: wq.Query, leaves: list[Leaf], docs: list[int]
) -> list[tuple[float, int]]:
    """``(score, docnum)`` of each of ``docs`` (sorted) that ``query``, a sum of
    ``leaves``, matches: the bulk scorer's scores, the same sums in the same
    order (float64 array operations round as Python's floats do)."""
    import numpy as np

    wanted = np.array(docs, dtype=np.int64)
    terms = {id(leaf.query): (leaf.factor, *_parts(scorer, leaf, wanted)) for leaf in leaves}
    values, matched = _scores(query, terms, len(docs))
    return [(s, d) for s, d, m in zip(values.tolist(), docs, matched.tolist(), strict=True) if m]


#: Per term of a query (by ``id``): its factor, and per wanted article whether
#: it holds the term and the posting's BM25 part (0.0 where it does not).
_Parts = dict[int, tuple[float, "np.ndarray", "np.ndarray"]]


def _parts(scorer: BulkScorer, leaf: Leaf, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``docs`` (sorted) hold ``leaf``, and its BM25 part in each (0.0 if not)."""
    import numpy as np

    found = scorer.data.arrays(leaf.fieldname, leaf.text, leaf.scorable)
    if found is None or not len(docs):
        return np.zeros(len(docs), dtype=bool), np.zeros(len(docs))
    ids, parts, _ = found
    at = np.searchsorted(ids, docs)
    at[at == len(ids)] = 0
    hit = ids[at] == docs
    return hit, np.where(hit, parts[at], 0.0)


def _scores(query: wq.Query, terms: _Parts, count: int) -> tuple[np.ndarray, np.ndarray]:
    """What :meth:`BulkScorer.scores` gives each of ``count`` articles, computed
    as it computes them, and whether it matches: values and a mask."""
    import numpy as np

    if type(query) is wq.Term:
        found = terms.get(id(query))
        if found is None:
            return np.zeros(count), np.zeros(count, dtype=bool)
        factor, hit, parts = found
        return factor * parts, hit
    if is_quiet(query):
        return _scores(query.child, terms, count)
    if type(query) is wq.AndMaybe:
        base, matched = _scores(query.a, terms, count)
        more, adds = _scores(query.b, terms, count)
        return np.where(adds, base + more, base), matched
    if isinstance(query, wq.Or):
        subs = query.subqueries
        if len(subs) == 1:
            return _scores(subs[0], terms, count)
        total, matched = np.zeros(count), np.zeros(count, dtype=bool)
        for sub in subs:
            value, holds = _scores(sub, terms, count)
            total = np.where(holds, np.where(matched, total + value, value), total)
            matched |= holds
        if query.boost != 1.0:
            total = np.where(matched, total * query.boost, total)
        return total, matched
    return np.zeros(count), np.zeros(count, dtype=bool)


def prunable(query: wq.Query, scorer: BulkScorer) -> bool:
    """Whether :func:`top` prunes ``query`` (a sum of terms) rather than score it exhaustively."""
    return sum_shape(query, scorer) is not None
