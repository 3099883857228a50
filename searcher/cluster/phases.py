"""The phases of a sharded query beyond scoring: feedback words chosen from
all shards, facet counts and timelines added up, "did you mean" counted in all
shards. Each takes ``run``, which runs one call per shard on the executor.

Imports ``searcher.query`` (statistics, feedback, facets, histogram,
suggestions), ``searcher.models`` and the worker's functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from searcher.cluster import worker
from searcher.errors import SearcherError
from searcher.models import Facets, Histogram, SearchResults
from searcher.query import CorpusStats, feedback, suggest
from searcher.query.facets import merge_facets
from searcher.query.histogram import auto_recount, merge_histograms
from searcher.query.present import SUGGEST_BELOW
from searcher.query.restrictions import Emptied, emptied_note

#: Runs ``fn`` once a call, one call a shard; the answers in order.
Run = Callable[[Any, list[tuple[Any, ...]]], list[Any]]


def with_feedback(
    run: Run, shards: list[str], text: str, asked: Mapping[str, Any], total: CorpusStats
) -> CorpusStats:
    """``total`` with the feedback words one index would choose: from the
    best articles of all shards, weighted by their rarity in all shards."""
    answers = run(worker.feedback, [(p, text, asked, total) for p in shards])
    best = feedback.best_voters(voter for voters in answers for voter in voters)
    if not best or best[0][0] <= 0:
        return replace(total, feedback=())
    keys = {("body", term.encode("utf-8")) for term, _ in feedback.candidate_words(best)}
    counted = run(worker.statistics, [(p, text, asked, keys) for p in shards])
    rarity = CorpusStats.total(stats for stats, _, _ in counted).frequencies
    chosen = feedback.choose_words(
        best, total.docs, lambda term: rarity.get(("body", term.encode("utf-8")), 0)
    )
    return replace(total, frequencies={**total.frequencies, **rarity}, feedback=tuple(chosen))


def suggestion(
    run: Run,
    shards: list[str],
    text: str,
    asked: Mapping[str, Any],
    stats: CorpusStats,
    matched: int,
) -> str | None:
    """Did you mean, as one index says it: the words' spellings counted
    in all shards, the respelled query counted in all shards."""
    if matched >= SUGGEST_BELOW or stats.browsing:
        return None
    evidence = run(worker.spelling, [(p, text) for p in shards])
    respelled = suggest.respelled_text(text, suggest.respell_from(evidence))
    if respelled is None:
        return None
    options = dict(asked, limit=1, page=1, collapse=False, exact_total=True)
    try:
        answers = run(worker.search, [(p, respelled, options, stats) for p in shards])
    except SearcherError:  # the respelling is no query (say, only stop words)
        return None
    found = sum(answer.results.total for answer in answers)
    return suggest.worth_suggesting(respelled, matched, found)


def emptied_notes(
    run: Run, shards: list[str], text: str, asked: Mapping[str, Any], stats: CorpusStats
) -> tuple[str, ...]:
    """The notes of a query that found nothing in any shard, with which of its
    restrictions emptied the result said as one index says it: counted in all shards."""
    answers = run(worker.emptied, [(p, text, asked, stats) for p in shards])
    notes: tuple[str, ...] = answers[0][0]
    found = answers[0][1]
    parts = [part for _, _, part in answers if part is not None]
    note = emptied_note(Emptied.total(parts), found, words=not stats.browsing) if parts else None
    return notes + ((note,) if note else ())


def histogram(
    run: Run,
    shards: list[str],
    text: str,
    asked: Mapping[str, Any],
    stats: CorpusStats,
    counted: list[SearchResults],
    auto: bool,
) -> Histogram | None:
    """The shards' histograms as one index's; counted again by a longer
    interval while ``auto`` would choose one for all the shards' matches."""
    parts = [r.histogram for r in counted if r.histogram is not None]
    if not parts:
        return None
    recount = auto_recount(parts) if auto else None
    while recount is not None:
        options = dict(asked, limit=1, page=1, collapse=False, histogram=recount)
        answers = run(worker.search, [(p, text, options, stats) for p in shards])
        parts = [found.results.histogram for found in answers]
        recount = auto_recount(parts)
    return merge_histograms(parts)


def is_auto(histogram: str | None) -> bool:
    return isinstance(histogram, str) and histogram.strip().lower() == "auto"


def facets(counted: list[SearchResults]) -> Facets | None:
    parts = [r.facets for r in counted if r.facets is not None]
    return merge_facets(parts) if parts else None
