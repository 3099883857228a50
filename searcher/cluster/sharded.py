"""A sharded index: N complete searcher indexes searched as one.

:class:`ShardedIndex` has the interface of :class:`searcher.Index`. Indexing
runs each shard's incremental update over the whole corpus, each keeping the
articles routed to it (:mod:`searcher.cluster.layout`), so re-runs, deletions,
duplicates of one id, crash safety and ``verify`` work per shard as they do on
one index; exact duplicates under ids routed to different shards are then
settled across shards (:mod:`searcher.cluster.duplicates`). A query runs in
phases on the executor's workers, as Elasticsearch's DFS query-then-fetch:
each shard's statistics for the query's terms → the whole index's statistics
→ each shard's best hits, scored with them → the merged page
(:mod:`searcher.cluster.merging`).

Imports the facade (``searcher.index``), ``searcher.query`` (the statistics
type), ``searcher.models``, ``searcher.ingest`` (reader settings) and the floor.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from types import TracebackType
from typing import Any

from searcher.cluster import duplicates, export, searching, worker
from searcher.cluster.executors import DEFAULT_DEADLINE, Executor, ShardError
from searcher.cluster.layout import Layout, shard_name
from searcher.cluster.reports import combine_reports, shard_stats, verify_shards
from searcher.cluster.similar import similar as similar_over_shards
from searcher.config import require, require_count, require_flag
from searcher.errors import AmbiguousIdError, ArticleNotFoundError
from searcher.index import PathLike
from searcher.ingest import DEFAULT_OPTIONS, ReadOptions
from searcher.models import (
    Article,
    Evaluation,
    IndexStats,
    SearchResults,
    UpdateReport,
    VerifyReport,
)
from searcher.opening import open_index
from searcher.query.dates import DateLike
from searcher.query.ids import SHOWN_CANDIDATES

#: :func:`worker.build`'s arguments for one shard: its folder, the corpus,
#: ``rebuild``, ``jobs``, the reader settings routing its articles.
_BuildCall = tuple[str, list[str], bool, int | None, ReadOptions]


class ShardedIndex:
    """An open sharded index. Open one with :func:`searcher.open_index`.

    :param executor: where the shards' work runs (a local process pool, or Dask).
    :param deadline: seconds a whole query may take over all shards.
    :param allow_partial: a shard that cannot be opened is left out (named in
        :attr:`missing` and in each result's notes) rather than refused.
    """

    def __init__(
        self,
        layout: Layout,
        executor: Executor,
        deadline: float = DEFAULT_DEADLINE,
        allow_partial: bool = False,
    ):
        self.path = layout.path
        self.layout = layout
        self.executor = executor
        self.deadline = deadline
        self.allow_partial = allow_partial
        self._shards = [str(p) for p in layout.shard_dirs()]
        self._opened: list[str] | None = None
        self._stats = searching.StatsCache()
        #: The shards left out, by name (``shard-002``), with ``allow_partial``.
        self.missing: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"<ShardedIndex {str(self.path)!r}: {self.layout.shards} shards>"

    def __len__(self) -> int:
        return sum(self._run(worker.count, [(p,) for p in self._live()]))

    def __enter__(self) -> ShardedIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers this index started and release the shards' files."""
        self.executor.close()
        for path in self._shards:
            worker.forget(path)

    def _run(self, fn: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
        return self.executor.run(fn, calls, self.deadline)

    def _live(self) -> list[str]:
        """The shards that open (each opened once, on a worker, and kept open).

        :raises ShardError: one cannot be opened, and ``allow_partial`` is false.
        """
        if self._opened is None:
            probed = self._run(worker.probe, [(p,) for p in self._shards])
            failed = [(n, why) for n, (count, why) in enumerate(probed) if count < 0]
            if failed and not self.allow_partial:
                number, why = failed[0]
                raise ShardError(
                    shard_name(number),
                    f"{why.rstrip('.')}; or search the other shards without it "
                    f"(allow_partial, --allow-partial)",
                )
            self.missing = tuple(shard_name(n) for n, _ in failed)
            lost = {n for n, _ in failed}
            self._opened = [p for n, p in enumerate(self._shards) if n not in lost]
        return self._opened

    # Writing -----------------------------------------------------------------

    def update(
        self,
        *corpus: PathLike,
        rebuild: bool = False,
        jobs: int | None = None,
        on_progress: Any = None,
        options: ReadOptions = DEFAULT_OPTIONS,
    ) -> UpdateReport:
        """Bring every shard up to date with ``corpus``, as :meth:`Index.update`;
        each shard keeps the articles routed to it, and a story copied under ids
        of several shards is kept once, as one index keeps it. Returns the
        run's report as one index's."""
        require(options, "options", ReadOptions, "a ReadOptions")
        started = time.perf_counter()
        roots = [str(root) for root in corpus]
        calls: list[_BuildCall] = [
            (path, roots, rebuild, jobs, replace(options, shard=n, shards=self.layout.shards))
            for n, path in enumerate(self._shards)
        ]
        before = duplicates.before_run(self._on_shards, self._shards, rebuild)
        reports = self._build(calls, on_progress)
        again: list[_BuildCall] = [(p, roots, False, jobs, o) for p, _, _, _, o in calls]
        report = duplicates.settle(
            self._on_shards, self._shards, roots, options, before,
            combine_reports(reports, 0.0),
            lambda numbers: self._build([again[n] for n in numbers], on_progress),
        )  # fmt: skip
        for path in self._shards:
            worker.forget(path)
        self._opened = None
        return replace(report, seconds=time.perf_counter() - started)

    def _build(self, calls: list[_BuildCall], on_progress: Any) -> list[UpdateReport]:
        """Run the shards' builds (``calls``: :func:`worker.build`'s arguments)."""
        if self.executor.remote:
            # Shards build at once, a task each, on the cluster's workers.
            reports: list[UpdateReport] = self.executor.run(worker.build, calls, None, long=True)
            return reports
        # One shard at a time, each with a pool of ``jobs`` processes.
        return [worker.build(*call, on_progress=on_progress) for call in calls]

    def _on_shards(self, fn: Any, calls: list[tuple[Any, ...]]) -> list[Any]:
        """Run a short per-shard step of indexing (exact duplicates across
        shards): as tasks on the cluster, or here, one shard after another."""
        if self.executor.remote:
            return self.executor.run(fn, calls, None, long=True)
        return [fn(*call) for call in calls]

    def add(self, articles: Iterable[Article]) -> int:
        """Add articles to the shards they are routed to; return how many were added."""
        routed: dict[int, list[Article]] = {}
        for article in articles:
            require(article, "articles item", Article, "an Article")
            routed.setdefault(self.layout.route(article.id), []).append(article)
        added = 0
        for number, batch in sorted(routed.items()):
            with open_index(self.layout.shard_dir(number), create=True) as ix:
                added += ix.add(batch)
        return added

    # Reading -----------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        page: int = 1,
        since: DateLike | None = None,
        until: DateLike | None = None,
        sort: str = "relevance",
        filters: Mapping[str, str] | None = None,
        facets: bool | str | Sequence[str] = False,
        histogram: str | None = None,
        collapse: bool = True,
        syntax: bool = True,
        match: str = "any",
        exact_total: bool = False,
    ) -> SearchResults:
        """As :meth:`searcher.Index.search`, over every shard; scores are those of
        one index holding all the shards' articles."""
        require(text, "text", str, "a str")
        require_count(limit, "limit")
        require_count(page, "page")
        require_flag(collapse, "collapse")
        require_flag(exact_total, "exact_total")
        asked: dict[str, Any] = {
            "since": since,
            "until": until,
            "sort": sort,
            "filters": filters,
            "syntax": syntax,
            "match": match,
        }
        results = searching.search(
            self._run, self._live(), text, asked, self._stats, limit=limit, page=page,
            facets=facets, histogram=histogram, collapse=collapse, exact_total=exact_total,
        )  # fmt: skip
        missing = self._missing_note()
        return replace(results, notes=results.notes + missing) if missing else results

    def _missing_note(self) -> tuple[str, ...]:
        if not self.missing:
            return ()
        return (
            f"Not searched: {', '.join(self.missing)} of {self.path}/ (cannot be opened); "
            f"its articles are missing from these results.",
        )

    def evaluate(
        self,
        queries: Mapping[str, str],
        qrels: Mapping[str, Mapping[str, int]],
        *,
        limit: int = 100,
        tag: str = "searcher",
    ) -> Evaluation:
        """As :meth:`searcher.Index.evaluate`, over every shard: the same
        rankings as one index of the same articles."""
        from searcher import evaluation  # loads ir-measures: not for every query process

        require_count(limit, "limit")
        return evaluation.run_queries(
            lambda text: self.search(text, limit=limit, collapse=False), queries, qrels, tag=tag
        )

    def similar(self, article_id: str, *, limit: int = 10) -> SearchResults:
        """As :meth:`searcher.Index.similar`: the article's key terms chosen with
        the frequencies of every shard, as one index chooses them, and scored in
        every shard with the whole index's statistics."""
        require(article_id, "article_id", str, "a str")
        require_count(limit, "limit")
        number, article = self._resolve(article_id)
        return similar_over_shards(self._run, self._live(), self._shards[number], article.id, limit)

    def get(self, article_id: str) -> Article:
        """The stored article with id ``article_id`` (or the one id that begins
        with it, in any shard), from the shard it is routed to.

        :raises ArticleNotFoundError: no such article.
        :raises AmbiguousIdError: several articles' ids begin with ``article_id``.
        """
        require(article_id, "article_id", str, "a str")
        return self._resolve(article_id)[1]

    def _resolve(self, article_id: str) -> tuple[int, Article]:
        """The shard number and stored article of ``article_id``: its own
        shard's when the whole id is given, else the one article of all shards
        whose id begins with it."""
        number = self.layout.route(article_id)
        path = self._shards[number]
        if path not in self._live():
            raise ShardError(
                shard_name(number), f"cannot be opened, and holds article {article_id!r}"
            )
        article, _ = self._run(worker.resolve, [(path, article_id)])[0]
        if article is not None and article.id == article_id:
            return number, article
        shards = self._live()
        answers = self._run(worker.resolve, [(p, article_id) for p in shards])
        found = [(self._shards.index(p), a) for p, (a, _) in zip(shards, answers, strict=True) if a]
        names = sorted({a.id for _, a in found} | {n for _, more in answers for n in more})
        if len(names) > 1:
            shown = names[:SHOWN_CANDIDATES]
            raise AmbiguousIdError(article_id, shown, more=len(names) > SHOWN_CANDIDATES)
        if not found:
            raise ArticleNotFoundError(article_id)
        return found[0]

    def articles(self) -> Iterator[Article]:
        """Every article of every shard, shard after shard, each shard's in the
        order they were indexed, read one at a time (memory stays flat)."""
        return export.every_article(self._live())

    def matches(self, text: str, **restrictions: Any) -> Iterator[Article]:
        """As :meth:`searcher.Index.matches`: every article :meth:`search` finds
        for ``text``, whole, in one index's order (best first, or by date), near-duplicates
        included; read from the shards a batch at a time.

        :raises QueryError, DateError: as :meth:`search`.
        """
        require(text, "text", str, "a str")
        asked = {"sort": "relevance", **restrictions}
        shards = self._live()
        stats, _ = searching.statistics(self._run, shards, text, asked)
        sort = asked["sort"]
        order = "newest" if stats.browsing and sort == "relevance" else sort
        return export.matches(self._run, shards, text, asked, stats, order)

    def count(
        self,
        text: str,
        *,
        since: DateLike | None = None,
        until: DateLike | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> int:
        """As :meth:`searcher.Index.count`: how many articles of all shards match."""
        found = self.search(
            text, limit=1, since=since, until=until, filters=filters, collapse=False,
            exact_total=True,
        )  # fmt: skip
        return found.total

    def delete(self, article_id: str) -> None:
        """As :meth:`searcher.Index.delete`, in the shard the id is routed to.

        :raises ArticleNotFoundError: no such article.
        """
        require(article_id, "article_id", str, "a str")
        with open_index(self.layout.shard_dir(self.layout.route(article_id))) as ix:
            ix.delete(article_id)

    def stats(self) -> IndexStats:
        """What the shards hold, added up, with each shard's article count."""
        return shard_stats(self.layout)

    def verify(self, *corpus: PathLike) -> VerifyReport:
        """Check every shard as :meth:`searcher.Index.verify` does."""
        return verify_shards(self.layout, *corpus)
