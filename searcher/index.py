"""The :class:`Index` a program holds: open it, bring it up to date, search it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from whoosh.index import FileIndex

from searcher import query, store
from searcher.config import (
    as_paths,
    require,
    require_articles,
    require_count,
    require_flag,
)
from searcher.errors import (
    ArgumentError,
    ArgumentTypeError,
    ArticleNotFoundError,
)
from searcher.ingest import DEFAULT_OPTIONS, ReadOptions
from searcher.models import (
    Article,
    Evaluation,
    IndexStats,
    SearchResults,
    UpdateReport,
    VerifyReport,
)
from searcher.query.dates import DateLike
from searcher.shard_phases import ShardPhases

if TYPE_CHECKING:
    from searcher.indexing.run import ProgressCallback

# The indexing engine (adding, indexing, stats) is imported where it is used:
# a query process must not pay for the segment writer and its codec imports.

PathLike = str | os.PathLike[str]


class Index(ShardPhases):
    """An open searcher index. Create one with :func:`open_index`.

    >>> import tempfile
    >>> with open_index(tempfile.mkdtemp(), create=True) as ix:
    ...     len(ix)
    0
    """

    def __init__(self, path: Path, ix: FileIndex) -> None:
        self.path = path
        self._ix = ix
        self._reading = store.Reading(path, ix, query.open_searcher)
        self._copies = store.Copies(path)

    def __repr__(self) -> str:
        return f"<Index {str(self.path)!r}: {self._ix.doc_count()} articles>"

    def __len__(self) -> int:
        # The kept searcher's count: Whoosh's doc_count() reads the table of
        # contents (and unpickles the schema) on every call, ~50 ms on Reuters.
        with self._reading.guarded():
            return int(self._reading.current().doc_count())

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the index's files."""
        self._reading.close()
        self._ix.close()

    def update(
        self,
        *corpus: PathLike,
        rebuild: bool = False,
        jobs: int | None = None,
        on_progress: ProgressCallback | None = None,
        options: ReadOptions = DEFAULT_OPTIONS,
    ) -> UpdateReport:
        """Index the articles under the ``corpus`` folders (or files), incrementally.

        Unchanged files are skipped, changed ones re-read, vanished ones removed.
        Files are read and analysed by ``jobs`` worker processes and committed in
        batches, so a killed run keeps what it committed and the next completes it.
        An article whose id is already indexed from another file, or that repeats
        an indexed story (same title, body and date), is left out and listed in
        the report's ``duplicates``.

        :param rebuild: drop everything first and index from scratch.
        :param jobs: worker processes reading and analysing files (default: the cores).
        :param on_progress: called with an :class:`IndexProgress` after each commit.
        :param options: reader settings: JSON field names, the size limit per file.
        :raises IngestError: a corpus path does not exist.
        :raises IndexBusyError: another process is writing the index.
        :raises IndexCorruptError: a segment file is missing or damaged (without ``rebuild``).
        :raises ManifestError: the manifest cannot be read.
        """
        if not corpus:
            raise ArgumentError("give at least one corpus folder or file")
        roots = as_paths(corpus, "corpus")
        require_flag(rebuild, "rebuild")
        if jobs is not None:
            require_count(jobs, "jobs")
        if on_progress is not None and not callable(on_progress):
            raise ArgumentTypeError(
                f"on_progress must be callable, not {type(on_progress).__name__}"
            )
        require(options, "options", ReadOptions, "a ReadOptions")
        from searcher import indexing

        return indexing.update(
            self._ix,
            self.path,
            roots,
            rebuild=rebuild,
            jobs=jobs,
            on_progress=on_progress,
            options=options,
        )

    def add(self, articles: Iterable[Article]) -> int:
        """Add articles (replacing any with the same id); return how many were added.

        Of several articles with one id, the last is kept; an article that
        cannot be indexed (text that is not valid Unicode, say) is logged and left out.

        :raises IndexBusyError: another process is writing the index.
        """
        from searcher.indexing import adding

        return adding.add_articles(self._ix, self.path, require_articles(articles))

    def stats(self) -> IndexStats:
        """Return what the index holds: articles, date range, top sources, size on disk."""
        from searcher.indexing import inspection

        return inspection.index_stats(self.path)

    def verify(self, *corpus: PathLike) -> VerifyReport:
        """Check that index, manifest and (when given) the ``corpus`` folders agree.

        A damaged index is reported, not raised; ``advice`` names the command to run.
        """
        from searcher.indexing import inspection

        return inspection.verify(self.path, as_paths(corpus, "corpus") or None)

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
        stats: query.CorpusStats | None = None,
        exact_total: bool = False,
    ) -> SearchResults:
        """Return one page of the best articles for ``text``, with highlighted snippets.

        :param text: words, "phrases", ``AND``/``OR``/``NOT``, ``field:value``
            (``title``, ``byline``, ``source``, ``section``), ``word~`` (fuzzy),
            ``date:2011-10``, ``date:[2011-10-01 TO 2011-10-31]``, ``date:>2011``.
            Syntax counts only where it is well formed and meant: prose stays
            words (``systems?`` ends a question, ``nutrition: what`` is two
            words), and the notes say what was read otherwise. Empty, or only
            ``-word``, when a filter or ``since``/``until`` is given: the
            articles they keep are listed newest first.
        :param limit: hits per page; ``page``: which page, from 1.
        :param since: keep articles from the start of this period: ``"2011-10-17"``,
            ``"2011-10"``, ``"2011"``, ``"17 October 2011"``, ``"last week"``, a
            ``date`` or a ``datetime``.
        :param until: keep articles to the end of this period (``"2011-10-16"``
            keeps all of that day).
        :param sort: ``"relevance"``, ``"newest"`` or ``"oldest"``.
        :param filters: e.g. ``{"source": "AFP", "section": "politics"}``; all must match.
        :param facets: also count all matches by facet (``.facets``): ``True``
            by source and month, or the facets named, e.g. ``["section", "byline"]``
            or ``"topics,places"``: source, byline, section, keywords, topics,
            places, people, orgs, exchanges, companies, month, year.
        :param histogram: also count all matches by ``"day"``, ``"week"``,
            ``"month"`` or ``"year"`` of their date, or ``"auto"`` (the
            interval chosen from their span): ``.histogram``, for a timeline.
        :param collapse: show near-duplicates (the same wire copy) as one hit
            with ``similar_count`` (copies among the best ``page * limit + 20``
            matches); ``False`` lists each.
        :param syntax: ``False`` reads the whole text as words (no fields,
            operators, phrases or wildcards).
        :param match: ``"any"`` word may match (more matching words rank
            higher), or ``"all"`` must.
        :param stats: when this index is one shard of a sharded index, the
            whole index's statistics to score with (see :meth:`statistics`).
        :param exact_total: count every match even where the words are so
            common that counting costs more than ranking; otherwise such a
            total is estimated from posting counts and ``total_exact`` is false
            (facets, the histogram and sorting by date always count).
        :raises QueryError: the query is empty or cannot be run.
        :raises DateError: a date cannot be read.
        :raises IndexCorruptError: a segment file read for it is damaged.
        """
        with self._reading.guarded():
            results = query.search(
                self._ix,
                text,
                searcher=self._reading.current(),
                limit=limit,
                page=page,
                since=since,
                until=until,
                sort=sort,
                filters=filters,
                facets=facets,
                histogram=histogram,
                collapse=collapse,
                syntax=syntax,
                match=match,
                stats=stats,
                exact_total=exact_total,
            )
        hits = self._with_copies(results.hits)
        return results if hits is results.hits else replace(results, hits=hits)

    def evaluate(
        self,
        queries: Mapping[str, str],
        qrels: Mapping[str, Mapping[str, int]],
        *,
        limit: int = 100,
        tag: str = "searcher",
    ) -> Evaluation:
        """Run each judged query through :meth:`search` (``limit`` hits, copies of a
        story listed each) and score the ranking against ``qrels``: MAP, nDCG@10,
        P@10, R@100 and MRR, as trec_eval computes them.

        :param queries: query id -> text (:func:`searcher.runfile.read_queries`).
        :param qrels: query id -> {document id: relevance}
            (:func:`searcher.runfile.read_qrels`); a document id may be an article
            id, its file name or its file name without suffix (``1440`` for ``1440.txt``).
        :param tag: the run tag of the run lines in ``Evaluation.run``.

        A query that cannot be run scores 0 and is named in ``Evaluation.notes``.
        An exact duplicate left out of the index ranks right after its indexed copy.
        """
        from searcher import evaluation  # loads ir-measures: not for every query process

        require_count(limit, "limit")
        return evaluation.run_queries(
            lambda text: self.search(text, limit=limit, collapse=False), queries, qrels, tag=tag
        )

    def similar(
        self,
        article_id: str,
        *,
        limit: int = 10,
        terms: Sequence[tuple[str, float]] | None = None,
        stats: query.CorpusStats | None = None,
    ) -> SearchResults:
        """Return the articles most like the one with id ``article_id`` (more like
        this), best first: its near-duplicates, which share nearly all its
        distinctive terms, rank at the top. ``article_id`` may be a unique
        beginning of the id, as for :meth:`get`.

        ``terms`` and ``stats``: this index being one shard of a sharded one
        (see :func:`searcher.query.similar`).

        :raises ArticleNotFoundError: no such article.
        :raises AmbiguousIdError: several articles' ids begin with ``article_id``.
        :raises IndexCorruptError: a segment file read for it is damaged.
        """
        require(article_id, "article_id", str, "a str")
        require_count(limit, "limit")
        with self._reading.guarded():
            return query.similar(
                self._ix, article_id, limit=limit, searcher=self._reading.current(),
                terms=terms, stats=stats,
            )  # fmt: skip

    def get(self, article_id: str) -> Article:
        """Return the stored article with id ``article_id``
        (``corpus/wire/1987-02-wire.sgm#5``), or with the one id that begins
        with it (``corpus/000_156`` for ``corpus/000_15647181341936f1.txt``
        when no other id begins so), as git takes a short hash. An exact
        duplicate left out of the index is its indexed copy under its own id and file.

        :raises ArticleNotFoundError: no such article.
        :raises AmbiguousIdError: several articles' ids begin with ``article_id``.
        :raises IndexCorruptError: a segment file read for it is damaged.
        """
        require(article_id, "article_id", str, "a str")
        copy = self._copies.original_of(article_id, self._ix.latest_generation())
        with self._reading.guarded(), self._ix.searcher() as searcher:
            if copy:
                fields = searcher.document(id=copy[1])
                if fields is None:
                    raise ArticleNotFoundError(article_id)
            else:
                fields = searcher.stored_fields(query.resolve_id(searcher, article_id))
        article = Article.from_stored(fields)
        return replace(article, id=article_id, path=copy[0]) if copy else article

    def articles(self) -> Iterator[Article]:
        """Yield every article in the index, in the order they were indexed,
        reading one at a time (memory stays flat on any index).

        The index as it was when iteration began is read, whatever commits
        come after.

        :raises IndexCorruptError: a segment file read for it is damaged.
        """
        with self._reading.guarded(), self._ix.reader() as reader:
            for _, fields in reader.iter_docs():
                yield Article.from_stored(fields)

    def matches(self, text: str, **restrictions: Any) -> Iterator[Article]:
        """Yield every article :meth:`search` finds for ``text``, whole, best first
        (or by date), near-duplicates included, one at a time. ``restrictions``:
        :meth:`search`'s ``since``, ``until``, ``sort``, ``filters``, ``syntax``, ``match``.

        :raises QueryError, DateError: as :meth:`search`.
        :raises IndexCorruptError: a segment file read for it is damaged.
        """
        with self._reading.guarded(), query.open_searcher(self._ix) as searcher:
            for docnum in query.matching(searcher, text, **restrictions):
                yield Article.from_stored(searcher.stored_fields(docnum))

    def count(
        self,
        text: str,
        *,
        since: DateLike | None = None,
        until: DateLike | None = None,
        filters: Mapping[str, str] | None = None,
    ) -> int:
        """Return how many articles match ``text`` (and the restrictions, as
        :meth:`search` takes them), without making any hit.

        :raises QueryError: the query is empty or cannot be run.
        """
        results = self.search(
            text,
            limit=1,
            since=since,
            until=until,
            filters=filters,
            collapse=False,
            exact_total=True,
        )
        return results.total

    def delete(self, article_id: str) -> None:
        """Delete the article with id ``article_id`` (the whole id) from the index.

        Its file stays recorded as read, so the next :meth:`update` does not
        bring it back, unless the file changes, or with ``rebuild``.

        :raises ArticleNotFoundError: no such article.
        :raises IndexBusyError: another process is writing the index.
        """
        require(article_id, "article_id", str, "a str")
        from searcher.indexing import adding

        if not adding.delete_articles(self._ix, self.path, [article_id]):
            raise ArticleNotFoundError(article_id)
