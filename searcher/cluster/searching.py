"""A query over the shards, in phases, as Elasticsearch's DFS query-then-fetch:

1. statistics: each shard's for the terms the query scores, added up into the
   whole index's (:class:`~searcher.query.CorpusStats`); for queries of three
   words or more, the feedback words chosen from all shards' best articles;
2. search: each shard's best hits scored with them, as ids, scores, dates and
   near-duplicate signatures only, with the counts (total, facets, timeline);
3. merge: the hits of all shards in one order, near-duplicates folded, searched
   deeper while folding leaves too few;
4. fetch: the final page's hits, with stored fields and snippets, from the
   shards that hold them.

The statistics of a query are kept (:class:`StatsCache`) with each shard's
generation: the same query again skips phase 1 while no shard has changed.

Imports ``searcher.query`` (statistics, feedback, the plan's fold window),
``searcher.analysis`` (near-duplicate grouping), ``searcher.models`` and the
package's worker functions, phases and merging.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from searcher.analysis import neardup
from searcher.cluster import phases, worker
from searcher.cluster.merging import Placed, merge_found, page_of, total_of
from searcher.models import SearchHit, SearchResults
from searcher.query import CorpusStats, ShardHit, ShardPage, feedback
from searcher.query.dates import now_utc
from searcher.query.plan import COLLAPSE_WINDOW

#: How many queries' statistics a sharded index keeps.
STATS_KEPT = 512


@dataclass
class Known:
    """What is known of a query while no shard changes: the whole index's
    statistics, the shards' generations they were counted at, and, once
    asked, what "did you mean" says for the total it was asked for."""

    stats: CorpusStats
    generations: tuple[int, ...]
    suggestion: str | None = None
    suggested_for: int | None = None


class StatsCache:
    """What is known of recent queries (least recently used dropped first)."""

    def __init__(self, size: int = STATS_KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, Known] = OrderedDict()

    def get(self, key: Hashable) -> Known | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: Hashable, known: Known) -> None:
        self._kept[key] = known
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    def drop(self, key: Hashable) -> None:
        self._kept.pop(key, None)

    def clear(self) -> None:
        self._kept.clear()


def query_key(text: str, asked: Mapping[str, Any]) -> Hashable:
    """What a query's statistics depend on: its text and options, and the day
    (relative dates, ``last week``, are read by the day)."""
    options = tuple(
        sorted(
            (name, tuple(sorted(value.items())) if isinstance(value, Mapping) else value)
            for name, value in asked.items()
        )
    )
    return text, options, now_utc().date()


def statistics(
    run: phases.Run, shards: list[str], text: str, asked: Mapping[str, Any]
) -> tuple[CorpusStats, tuple[int, ...]]:
    """Phase 1: the whole index's statistics for the query (with the feedback
    words, for a query of enough words), and the shards' generations."""
    first = run(worker.statistics, [(p, text, asked, None) for p in shards])
    generations = tuple(generation for _, _, generation in first)
    terms = frozenset().union(*(found for _, found, _ in first))
    parts = first_parts = [stats for stats, _, _ in first]
    if any(found != terms for _, found, _ in first):
        # A shard expanded a fuzzy word or a wildcard to words others lack:
        # every shard counts every word.
        again = run(worker.statistics, [(p, text, asked, terms) for p in shards])
        parts = [stats for stats, _, _ in again]
    total = CorpusStats.total(parts)
    if parts is not first_parts:  # the near words of fuzzy words come from the first round
        first_total = CorpusStats.total(first_parts)
        total = replace(total, near=first_total.near, browsing=first_total.browsing)
    if total.words >= feedback.PRF_MIN_TERMS and not total.browsing:
        total = phases.with_feedback(run, shards, text, asked, total)
    return total, generations


def shard_share(depth: int, shards: int) -> int:
    """How many hits to ask of each of ``shards`` shards for the best ``depth``
    of them all: a share of ``depth`` and a margin, the articles being routed
    at random (at most ``depth``). A shard that may hold more of them than it
    was asked for is asked again for ``depth`` (:func:`certain`)."""
    if shards <= 1:
        return depth
    share = depth / shards
    margin = 2.5 * math.sqrt(depth * (1 / shards) * (1 - 1 / shards))
    return min(depth, math.ceil(share + margin))


def certain(pages: Sequence[ShardPage], ask: int, merged: Sequence[Placed]) -> bool:
    """Whether ``merged``, the best of the hits ``pages`` hold (each shard's best
    ``ask``), are the whole index's best: every shard that answered all it was
    asked had hits left out of them (its others come after those)."""
    kept = set(merged)
    return all(
        len(page.hits) < ask or (number, page.hits[-1]) not in kept
        for number, page in enumerate(pages)
    )


class Scored:
    """Phases 2 and 3 of a query: every shard's best hits, merged and folded.

    :ivar counted: the first round's answers (with facets and the timeline).
    :ivar pages: the last round's answers.
    :ivar leaders: the merged hits that lead, each with its near-duplicates.
    """

    def __init__(
        self,
        run: phases.Run,
        shards: list[str],
        text: str,
        options: dict[str, Any],
        stats: CorpusStats,
        *,
        want: int,
        collapse: bool,
    ) -> None:
        sort = "newest" if stats.browsing and options["sort"] == "relevance" else options["sort"]
        #: How many hits one index would score.
        self.depth = depth = want + (COLLAPSE_WINDOW if collapse else 0)
        ask = shard_share(depth, len(shards))  # asked of each shard, while it is enough
        counted: list[ShardPage] | None = None
        while True:
            calls = [(p, text, dict(options, limit=ask), stats, collapse) for p in shards]
            pages: list[ShardPage] = run(worker.search, calls)
            if counted is None:
                counted = pages
                # Facets and the timeline count every match: asked of the first round only.
                options = dict(options, facets=False, histogram=None)
            merged = merge_found([page.hits for page in pages], sort, depth)
            if ask < depth and not certain(pages, ask, merged):
                ask = depth  # each shard's best ``depth`` hold the whole index's
                continue
            # Every shard returned fewer than asked: there are no more.
            ended = all(len(page.hits) < ask for page in pages)
            if not collapse:
                leaders: list[tuple[Placed, list[Placed]]] = [(hit, []) for hit in merged[:want]]
                break
            grouped = neardup.group([(i, hit.signature) for i, (_, hit) in enumerate(merged)])
            if len(grouped) >= want or ended:
                leaders = [(merged[i], [merged[c] for c in copies]) for i, copies in grouped]
                break
            depth = ask = len(merged) * 4
        self.counted = counted
        self.pages = pages
        self.leaders = leaders
        #: How many articles match when fewer than ``depth`` (all found: one
        #: index then counts them).
        self.fewer = len(merged) if ended and len(merged) < self.depth else None

    def generations(self) -> tuple[int, ...]:
        return tuple(page.generation for page in self.counted)

    def hits(
        self, run: phases.Run, shards: list[str], start: int, want: int
    ) -> tuple[SearchHit, ...]:
        """Phase 4: leaders ``start`` to ``want`` (from 0), fetched from their shards."""
        page = self.leaders[start:want]
        asked: dict[int, list[ShardHit]] = {}
        for (number, hit), _ in page:
            asked.setdefault(number, []).append(hit)
        words = sorted(frozenset().union(*(found.words for found in self.pages)))
        numbers = sorted(asked)
        calls = [
            (
                shards[n],
                [(hit.id, hit.score) for hit in asked[n]],
                words,
                [hit.docnum for hit in asked[n]],  # read by number while the shard holds
                self.pages[n].generation,
            )
            for n in numbers
        ]
        answers = run(worker.fetch, calls) if calls else []
        fetched: dict[Placed, SearchHit] = {}
        for number, hits in zip(numbers, answers, strict=True):
            placed = {hit.id: (number, hit) for (n, hit), _ in page if n == number}
            for hit in hits:
                fetched[placed[hit.id]] = hit
        return page_of(page, fetched, start)


def search(
    run: phases.Run,
    shards: list[str],
    text: str,
    asked: dict[str, Any],
    kept: StatsCache,
    *,
    limit: int,
    page: int,
    facets: bool | str | Sequence[str],
    histogram: str | None,
    collapse: bool,
    exact_total: bool,
) -> SearchResults:
    """The query ``text`` (``asked``: its options beyond the page, counts and
    folding) over ``shards``, as one index answers it (notes of missing shards aside)."""
    key = query_key(text, asked)
    options = dict(
        asked, page=1, collapse=False, exact_total=exact_total, facets=facets, histogram=histogram
    )
    want = page * limit
    known = kept.get(key)
    while True:
        if known is None:
            known = Known(*statistics(run, shards, text, asked))
            scored = Scored(run, shards, text, options, known.stats, want=want, collapse=collapse)
            break
        scored = Scored(run, shards, text, options, known.stats, want=want, collapse=collapse)
        if scored.generations() == known.generations:
            break
        # A shard changed since the statistics were counted: count them again.
        kept.drop(key)
        known = None
    kept.put(key, known)
    stats = known.stats
    counted = [found.results for found in scored.counted]
    # A shard that found nothing adds why (its own counts) to the notes
    # every shard has: those of one that found something are the index's.
    head = next((found for found in counted if found.total), counted[0])
    matched, exact = total_of(scored.counted, scored.fewer, scored.depth)
    if known.suggested_for != matched:  # (an estimated total may differ from a count)
        known.suggestion = phases.suggestion(run, shards, text, asked, stats, matched)
        known.suggested_for = matched
    return SearchResults(
        query=head.query,
        parsed=head.parsed,
        total=matched,
        total_exact=exact,
        hits=scored.hits(run, shards, (page - 1) * limit, want),
        page=page,
        facets=phases.facets(counted),
        histogram=phases.histogram(
            run, shards, text, asked, stats, counted, phases.is_auto(histogram)
        ),
        suggestion=known.suggestion,
        notes=phases.emptied_notes(run, shards, text, asked, stats) if matched == 0 else head.notes,
    )
