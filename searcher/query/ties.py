"""The order of hits with exactly the same score (or date): by article id.

Near-duplicates often score exactly alike. Their order used to follow the order
the articles were indexed in, which no two indexes of the same articles share
(a re-run, another ``--jobs``, a sharded index), so the copy that led and the
page's cut differed between them. Ties are broken by id instead, in one index
and across shards alike (:mod:`searcher.cluster.merging`), and the articles a
page's last place ties among are chosen by id too. Ids are read only for tied
hits, from their stored fields.

Imports Whoosh's public searching module only.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from whoosh.searching import Searcher

K = TypeVar("K")

#: An article's id from its document number.
IdOf = Callable[[int], str]


def id_reader(searcher: Searcher) -> IdOf:
    """The id of a document of ``searcher``, read from its stored fields (once:
    remembered for the life of the function, one search)."""
    known: dict[int, str] = {}

    def id_of(docnum: int) -> str:
        found = known.get(docnum)
        if found is None:
            found = known[docnum] = str(searcher.stored_fields(docnum)["id"])
        return found

    return id_of


def first(
    items: Iterable[tuple[K, int]], limit: int, id_of: IdOf, key: Callable[[K], Any]
) -> list[tuple[K, int]]:
    """The first ``limit`` ``(value, docnum)`` items, in order of ``key(value)``
    (lowest first), items of equal keys in order of their ids."""
    items = list(items)
    chosen = heapq.nsmallest(limit, items, key=lambda item: key(item[0]))
    if 0 < len(chosen) < len(items):
        last = key(chosen[-1][0])
        kept = [item for item in chosen if key(item[0]) != last]
        tied = [item for item in items if key(item[0]) == last]
        if len(tied) > limit - len(kept):
            tied.sort(key=lambda item: id_of(item[1]))
        chosen = kept + tied[: limit - len(kept)]
    return in_order(chosen, id_of, key)


def in_order(
    items: Iterable[tuple[K, int]], id_of: IdOf, key: Callable[[K], Any]
) -> list[tuple[K, int]]:
    """``items`` in order of ``key(value)``, equal keys in order of their ids
    (read only for those)."""
    ordered = sorted(items, key=lambda item: key(item[0]))
    return _runs_by_id(ordered, id_of, lambda item: key(item[0]))


def runs_by_id(items: Iterable[tuple[K, int]], id_of: IdOf) -> list[tuple[K, int]]:
    """``items``, already in order, with each run of equal values in order of
    their ids (Whoosh's own collector leaves them in docnum order)."""
    return _runs_by_id(list(items), id_of, lambda item: item[0])


def _runs_by_id(
    ordered: list[tuple[K, int]], id_of: IdOf, value: Callable[[tuple[K, int]], Any]
) -> list[tuple[K, int]]:
    result: list[tuple[K, int]] = []
    start = 0
    while start < len(ordered):
        end = start + 1
        here = value(ordered[start])
        while end < len(ordered) and value(ordered[end]) == here:
            end += 1
        run = ordered[start:end]
        if len(run) > 1:
            run.sort(key=lambda item: id_of(item[1]))
        result.extend(run)
        start = end
    return result


def best_score(score: float) -> float:
    """The :func:`first` key of a score: highest first."""
    return -score


def as_is(value: K) -> K:
    """The :func:`first` key of a sort key that already sorts lowest first."""
    return value
