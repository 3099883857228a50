"""What runs on a worker, one shard at a time: the shard opened once and kept
open between queries (reopened by the index itself when a commit changes it).

Every function takes the shard's folder as a ``str`` and returns plain,
picklable values, so the same functions run in the local process pool and as
Dask tasks.

Imports the facade (``searcher.index``) and ``searcher.query`` (the statistics type).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from searcher.analysis import stems
from searcher.errors import AmbiguousIdError, ArticleNotFoundError, SearcherError
from searcher.index import Index
from searcher.ingest import ReadOptions
from searcher.models import Article, SearchHit, SearchResults, UpdateReport
from searcher.opening import open_index
from searcher.query import CorpusStats, ShardPage, TermKey

_OPEN: dict[str, Index] = {}


def shard(path: str) -> Index:
    """The shard at ``path``, opened on first use in this process and kept open."""
    ix = _OPEN.get(path)
    if ix is None:
        ix = _OPEN[path] = open_index(Path(path))
    return ix


def open_shards() -> list[str]:
    """The shards this process holds open."""
    return sorted(_OPEN)


def forget(path: str) -> None:
    """Close the shard at ``path`` if this process holds it open."""
    ix = _OPEN.pop(path, None)
    if ix is not None:
        ix.close()


def statistics(
    path: str, text: str, options: Mapping[str, Any], terms: Iterable[TermKey] | None
) -> tuple[CorpusStats, frozenset[TermKey], int]:
    """Phase 1 of a query on one shard (:meth:`Index.statistics`), and the
    shard's generation before they were counted (statistics counted after a
    commit are newer than it: never mistaken for the older generation's)."""
    ix = shard(path)
    generation = ix.generation()
    return (*ix.statistics(text, terms=terms, **options), generation)


def feedback(
    path: str, text: str, options: Mapping[str, Any], stats: CorpusStats
) -> list[tuple[float, Counter[str], str]]:
    """The feedback phase of a query on one shard (:meth:`Index.feedback_documents`)."""
    return shard(path).feedback_documents(text, stats, **options)


def search(
    path: str, text: str, options: Mapping[str, Any], stats: CorpusStats, signed: bool = False
) -> ShardPage:
    """The search phase of a query on one shard: its best hits, scored with
    the whole index's ``stats``, as ids, scores, dates and (when ``signed``)
    near-duplicate signatures, with its counts (:meth:`Index.shard_search`)."""
    return shard(path).shard_search(text, stats, signed=signed, **options)


def fetch(
    path: str,
    found: Sequence[tuple[str, float]],
    words: Iterable[str],
    docnums: Sequence[int | None] | None = None,
    generation: int | None = None,
) -> tuple[SearchHit, ...]:
    """The fetch phase of a query on one shard: the final page's hits it
    holds, with stored fields and snippets (:meth:`Index.fetch`)."""
    return shard(path).fetch(found, words, docnums, generation)


def build(
    path: str,
    corpus: list[str],
    rebuild: bool,
    jobs: int | None,
    options: ReadOptions,
    on_progress: Any = None,
) -> UpdateReport:
    """Bring one shard up to date with ``corpus`` (``options`` route its articles)."""
    forget(path)  # the copy this process holds is stale once the shard changes
    if multiprocessing.current_process().daemon:
        # A Dask worker under a nanny is a daemon, which may not start the
        # indexing pool's processes: it reads and writes the shard itself.
        jobs = 1
    with open_index(Path(path), create=True, mmap=False) as ix:
        return ix.update(
            *corpus, rebuild=rebuild, jobs=jobs, options=options, on_progress=on_progress
        )


def probe(path: str) -> tuple[int, str]:
    """Open the shard at ``path`` (and keep it open), and load the stemmer
    outside any query's time budget (a loaded machine takes seconds to import
    it): the shard's article count, or ``-1`` and why it cannot be opened (a
    string: library errors do not all pickle)."""
    try:
        count = len(shard(path))
    except (SearcherError, OSError) as exc:
        return -1, str(exc)
    stems.load_stemmer()
    return count, ""


def get(path: str, article_id: str) -> Article:
    return shard(path).get(article_id)


def resolve(path: str, article_id: str) -> tuple[Article | None, list[str]]:
    """The shard's article whose id is ``article_id`` or uniquely begins with
    it; else ``None`` and the ids beginning with it (none: not in this shard).
    Plain values: library errors do not all pickle."""
    try:
        return shard(path).get(article_id), []
    except AmbiguousIdError as exc:
        return None, list(exc.candidates)
    except ArticleNotFoundError:
        return None, []


def spelling(path: str, text: str) -> dict[str, Any]:
    return shard(path).spelling(text)


def article_words(path: str, article_id: str) -> tuple[str, dict[str, float]]:
    return shard(path).article_words(article_id)


def word_statistics(path: str, words: list[str]) -> tuple[CorpusStats, dict[str, int]]:
    return shard(path).word_statistics(words)


def similar(
    path: str, article_id: str, limit: int, terms: list[tuple[str, float]], stats: CorpusStats
) -> SearchResults:
    """One shard's articles most like ``article_id``'s ``terms``, scored with ``stats``."""
    return shard(path).similar(article_id, limit=limit, terms=terms, stats=stats)


def count(path: str) -> int:
    return len(shard(path))


def matched_hits(
    path: str, text: str, options: Mapping[str, Any], stats: CorpusStats
) -> list[SearchHit]:
    """Every match of a query on one shard, scored with ``stats``, in order."""
    return shard(path).matched_hits(text, stats, **options)


def stored(path: str, article_ids: list[str]) -> list[Article]:
    return shard(path).stored(article_ids)


def emptied(
    path: str, text: str, options: Mapping[str, Any], stats: CorpusStats
) -> tuple[tuple[str, ...], Any, Any]:
    return shard(path).emptied(text, stats, **options)
