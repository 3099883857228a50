"""Bringing an index up to date with its corpus folders, incrementally.

A file is read again only when its size or mtime changed *and* its content hash
differs from the manifest's; articles of changed files are replaced, those of
files gone from the corpus removed. Work is committed in batches, each commit
followed by the manifest entries of the files it holds, so an interrupted run
keeps what it finished and the next run does the rest.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from searcher import ingest, storage
from searcher.errors import IngestError
from searcher.manifest import FileEntry, Manifest, file_hash
from searcher.models import Article, IndexReport, Skipped
from searcher.schema import lead_text

LOGGER = logging.getLogger(__name__)

#: Commit after this many articles, so a killed run loses at most one batch.
BATCH_ARTICLES = 5000

#: Called after each file with (files done, files to read).
ProgressCallback = Callable[[int, int], None]


def article_fields(article: Article) -> dict[str, Any]:
    """Return the Whoosh fields of one article."""
    fields: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "byline": article.byline,
        "source": article.source,
        "body": article.body,
        "lead": lead_text(article.title, article.body),
        "url": article.url,
        "keywords": ",".join(article.keywords),
    }
    if article.date is not None:
        fields["date"] = article.date
    return fields


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root) + os.sep) for root in roots)


@dataclass
class _Run:
    """Counters and pending work of one update run."""

    ix: FileIndex
    index_dir: Path
    manifest: Manifest
    writer: SegmentWriter | None = None
    pending: list[FileEntry] = field(default_factory=list)
    pending_articles: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def open_writer(self) -> SegmentWriter:
        if self.writer is None:
            self.writer = storage.writer(self.ix, self.index_dir, limitmb=256)
        return self.writer

    def commit(self) -> None:
        if self.writer is not None:
            self.writer.commit()
            self.writer = None
        if self.pending:
            self.manifest.put(self.pending)
        self.pending, self.pending_articles = [], 0

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None


def update(
    ix: FileIndex,
    index_dir: Path,
    roots: list[Path],
    *,
    on_progress: ProgressCallback | None = None,
) -> IndexReport:
    """Bring the index in ``index_dir`` up to date with the files under ``roots``.

    :raises IngestError: a root does not exist.
    :raises IndexBusyError: another process is writing the index.
    """
    started = time.perf_counter()
    roots = [root.resolve() for root in roots]
    found = ingest.scan(roots)
    manifest = Manifest(index_dir)
    known = manifest.entries()
    present = {str(f.path) for f in found.files}
    vanished = [p for p in known if _under(p, roots) and p not in present]

    run = _Run(ix, index_dir, manifest)
    unchanged = 0
    todo: list[tuple[ingest.CorpusFile, FileEntry, FileEntry | None]] = []
    for corpus_file in found.files:
        path = str(corpus_file.path)
        try:
            stat = corpus_file.path.stat()
            old = known.get(path)
            if old and (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                unchanged += 1
                continue
            digest = file_hash(corpus_file.path)
        except OSError as exc:
            run.skipped.append(Skipped(path, f"cannot read the file ({exc.strerror or exc})"))
            continue
        entry = FileEntry(path, stat.st_size, stat.st_mtime_ns, digest, 0)
        if old and old.sha1 == digest:
            unchanged += 1
            run.pending.append(FileEntry(path, entry.size, entry.mtime_ns, digest, old.articles))
            continue
        todo.append((corpus_file, entry, old))

    try:
        for done, (corpus_file, entry, old) in enumerate(todo, 1):
            _index_file(run, corpus_file, entry, old)
            if run.pending_articles >= BATCH_ARTICLES:
                run.commit()
            if on_progress is not None:
                on_progress(done, len(todo))
        if vanished:
            writer = run.open_writer()
            for path in vanished:
                writer.delete_by_term("path", path)
                run.removed += known[path].articles
        run.commit()
        manifest.remove(vanished)
    except BaseException:
        run.cancel()
        raise

    return IndexReport(
        added=run.added,
        updated=run.updated,
        removed=run.removed,
        unchanged=unchanged,
        articles=ix.doc_count(),
        seconds=time.perf_counter() - started,
        skipped=tuple(run.skipped),
        ignored=tuple(found.ignored),
    )


def _index_file(
    run: _Run, corpus_file: ingest.CorpusFile, entry: FileEntry, old: FileEntry | None
) -> None:
    try:
        articles = ingest.read_file(corpus_file.path, corpus_file.doc_id)
    except IngestError as exc:
        # The file's earlier articles, if any, stay in the index untouched.
        LOGGER.warning("skipped %s", exc)
        run.skipped.append(Skipped(str(corpus_file.path), exc.reason))
        return
    writer = run.open_writer()
    if old is not None:
        writer.delete_by_term("path", entry.path)
        run.updated += len(articles)
    else:
        run.added += len(articles)
    for article in articles:
        writer.add_document(**article_fields(article))
    run.pending.append(FileEntry(entry.path, entry.size, entry.mtime_ns, entry.sha1, len(articles)))
    run.pending_articles += len(articles)
