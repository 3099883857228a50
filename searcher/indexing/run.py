"""Bringing an index up to date with its corpus folders: incremental, parallel, crash-safe.

A file is read again only when its size or mtime changed *and* its content hash
differs from the manifest's; articles of changed files are replaced, those of
files gone from the corpus removed.

The files to read are cut into rounds (:mod:`searcher.indexing.scheduling`).
The worker processes (``jobs`` of them) share each round's files out as they
go, each turning what it reads into a Whoosh segment (:mod:`searcher.indexing.worker`);
the parent, which holds the write lock for the whole run, takes the rounds in
order and for each one, in this order:

1. marks deleted the old documents of the round's files (by path);
2. leaves out, by marking them deleted in their new segment, articles whose id
   is already indexed from another file and exact duplicates of an indexed
   story, going through the round's files in corpus order (so the same copy
   is kept whichever worker read which file);
3. writes a new table of contents naming the new segments, durably;
4. commits the manifest (files and article ids) in one SQLite transaction.

A run killed at any point leaves the index at its last TOC; the next run
deletes the orphan files, re-reads what the manifest does not hold, and
replaces (never doubles) whatever was committed to the index but not yet to
the manifest. Memory is bounded by the round size, whatever the corpus size.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from searcher import ingest, store
from searcher.errors import SearcherError
from searcher.indexing.scheduling import default_jobs, make_tasks, results, worker_init
from searcher.indexing.worker import FileResult, TaskResult
from searcher.models import IndexProgress, Skipped, UpdateReport
from searcher.store import FileEntry, Manifest, Transaction, checksums, file_hash

LOGGER = logging.getLogger(__name__)

#: Segments with fewer live articles than this (what small daily runs leave) are
#: merged at the end of a run; full-size task segments are left alone, as merging
#: them would re-analyse the archive on one core.
SMALL_SEGMENT_ARTICLES = 1000
#: Small segments are merged once there are more than this many of them.
MAX_SMALL_SEGMENTS = 4

#: Called after each commit with how far the run has got.
ProgressCallback = Callable[[IndexProgress], None]


def _under(path: str, roots: list[Path]) -> bool:
    return any(path == str(root) or path.startswith(str(root) + os.sep) for root in roots)


@dataclass
class _Plan:
    """What a run must do, found by comparing the corpus with the manifest."""

    todo: list[tuple[ingest.CorpusFile, FileEntry]] = field(default_factory=list)
    touched: list[FileEntry] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def _plan(found: ingest.Scan, known: dict[str, FileEntry], roots: list[Path]) -> _Plan:
    plan = _Plan()
    present = {str(f.path) for f in found.files}
    plan.vanished = [p for p in known if _under(p, roots) and p not in present]
    for corpus_file in found.files:
        path = str(corpus_file.path)
        old = known.get(path)
        try:
            stat = corpus_file.path.stat()
            if old and (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                plan.unchanged += 1
                continue
            digest = file_hash(corpus_file.path)
        except OSError as exc:
            plan.skipped.append(Skipped(path, f"cannot read the file ({exc.strerror or exc})"))
            continue
        entry = FileEntry(path, stat.st_size, stat.st_mtime_ns, digest, 0)
        if old and old.sha1 == digest:
            plan.unchanged += 1
            plan.touched.append(replace(entry, articles=old.articles))
            continue
        plan.todo.append((corpus_file, entry))
    return plan


@dataclass
class _Run:
    """The parent's state during one run."""

    index_dir: Path
    manifest: Manifest
    entries: dict[str, FileEntry]
    known: dict[str, FileEntry]
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    #: Whether the manifest may lag the index (it was not written with its last commit).
    lagging: bool = True
    #: Words whose stems this run has recorded (each worker meets the common ones).
    stemmed: set[str] = field(default_factory=set)

    def add_stems(self, result: TaskResult) -> None:
        """Record the stems a task met, as soon as it is done: the stem table only
        spares queries the stemmer, so it need not wait for the round's commit."""
        stems = [pair for pair in result.stems if pair[0] not in self.stemmed]
        if stems:
            with self.manifest.transaction() as txn:
                txn.add_stems(stems)
            self.stemmed.update(word for word, _ in stems)

    @cached_property
    def order(self) -> dict[str, int]:
        """Each file to read, by path: its place in the corpus (once ``entries`` is set)."""
        return {path: number for number, path in enumerate(self.entries)}

    def _keep(self, txn: Transaction, files: list[tuple[FileResult, Any]]) -> dict[str, int]:
        """Record the round's articles in the manifest, file by file in corpus
        order, leaving out (deleting from its segment) those whose id is indexed
        already and duplicates of indexed stories, the round's earlier articles
        included; return how many each file keeps. Looked up for the whole round
        at once: a query per article cost a cold Reuters run a fifth of a second."""
        owners: dict[str, str] = {}
        originals: dict[int, tuple[str, str]] = {}
        if txn.has_articles():
            arts = [a for f, _ in files for a in f.articles]
            owners = txn.owners(a[0] for a in arts)
            originals = txn.originals(a[2] for a in arts if a[2])
        rows = []
        kept: dict[str, int] = {}
        for file_result, segment in files:
            path = file_result.path
            kept[path] = 0
            for article_id, docnum, key, source, date in file_result.articles:
                owner = owners.get(article_id)
                reason = f"id already indexed from {owner}"
                if owner is None and key in originals:
                    first_id, owner = originals[key]
                    reason = f"duplicate of {first_id}"
                if owner is not None:
                    segment.delete_document(docnum)
                    self.duplicates.append(Skipped(f"{path} ({article_id})", reason))
                    txn.left_out(path, owner)
                    continue
                owners[article_id] = path
                if key:
                    originals[key] = (article_id, path)
                rows.append((article_id, path, key, source, date))
                kept[path] += 1
        txn.add_articles(rows)
        return kept

    def apply(self, results: list[TaskResult]) -> int:
        """Commit one round's finished tasks (their segments in one table of
        contents); return how many articles they added."""
        toc = store.read_toc(self.index_dir)
        order = self.order
        files = sorted(
            ((f, result.segment) for result in results for f in result.files),
            key=lambda pair: order[pair[0].path],
        )
        for result in results:
            self.skipped.extend(result.rejected)
        read = [f.path for f, _ in files if f.error is None]
        # A file new to the manifest has nothing in the index, unless the last
        # run died between an index commit and its manifest commit.
        replaced = read if self.lagging else [p for p in read if p in self.known]
        kept_total = 0
        with self.manifest.transaction() as txn:
            store.delete_by_path(self.index_dir, toc.schema, toc.segments, replaced)
            txn.forget(read)
            kept_by_file = self._keep(txn, files)
            for file_result, _ in files:
                if file_result.error is not None:
                    self.skipped.append(Skipped(file_result.path, file_result.error))
                    continue
                kept = kept_by_file[file_result.path]
                if file_result.path in self.known:
                    self.updated += kept
                else:
                    self.added += kept
                kept_total += kept
                entry = self.entries[file_result.path]
                txn.put_files([replace(entry, articles=kept)])
            new = [result.segment for result in results if result.segment is not None]
            store.commit(self.index_dir, toc.schema, [*toc.segments, *new], toc.generation + 1)
            txn.set_generation(toc.generation + 1)
        return kept_total

    def remove(self, paths: list[str]) -> None:
        """Delete the articles of vanished files, and forget the files."""
        if not paths:
            return
        toc = store.read_toc(self.index_dir)
        with self.manifest.transaction() as txn:
            self.removed += store.delete_by_path(self.index_dir, toc.schema, toc.segments, paths)
            txn.forget(paths)
            store.commit(self.index_dir, toc.schema, toc.segments, toc.generation + 1)
            txn.set_generation(toc.generation + 1)


def update(
    ix: FileIndex,
    index_dir: Path,
    roots: list[Path],
    *,
    rebuild: bool = False,
    jobs: int | None = None,
    on_progress: ProgressCallback | None = None,
    options: ingest.ReadOptions = ingest.DEFAULT_OPTIONS,
) -> UpdateReport:
    """Bring the index in ``index_dir`` up to date with the files under ``roots``.

    :param rebuild: empty the index and the manifest first (under the lock).
    :param jobs: worker processes reading and analysing files (default: the cores).
    :param options: reader settings (JSON field names, size limit per file).
    :raises IngestError: a root does not exist.
    :raises IndexBusyError: another process is writing the index.
    :raises IndexCorruptError: a segment file is missing or damaged (and not ``rebuild``).
    :raises ManifestError: the manifest cannot be read.
    """
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    roots = [root.resolve() for root in roots]
    found = ingest.scan(roots)
    if not rebuild:
        # A run over a damaged segment (deleting from it, merging it) would
        # spread the damage. Checked before the workers start, which would
        # compete for the CPU; segment files never change, so without the lock.
        checksums.check_latest(index_dir, ix._read_toc, full=True)
    # Workers are forked before the lock is taken, so none inherits it.
    context = multiprocessing.get_context("fork")
    progress = context.Array("q", 3)  # files, bytes, articles read by the workers
    shared = context.Array("q", 1 + 2 * jobs)  # the round's runs of files (pipeline.share_files)
    pool = context.Pool(jobs, worker_init, (progress, shared)) if jobs > 1 else None
    try:
        with store.write_lock(ix, index_dir), _write_errors(index_dir):
            if rebuild:
                store.empty(index_dir)
            store.remove_orphans(index_dir)
            report = _update_locked(
                index_dir, roots, found, jobs, pool, on_progress, started, options, progress
            )
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return report


@contextmanager
def _write_errors(index_dir: Path) -> Iterator[None]:
    """Turn a failed write (a full disk, a read-only folder) into a sentence."""
    try:
        yield
    except OSError as exc:
        raise SearcherError(
            f"Cannot write the index in {index_dir}/ ({exc.strerror or exc}); it is "
            f"unchanged since its last commit. Fix that and run the command again."
        ) from exc


def _update_locked(
    index_dir: Path,
    roots: list[Path],
    found: ingest.Scan,
    jobs: int,
    pool: Any,
    on_progress: ProgressCallback | None,
    started: float,
    options: ingest.ReadOptions,
    progress: Any,
) -> UpdateReport:
    manifest = Manifest(index_dir)
    known = manifest.entries()
    plan = _plan(found, known, roots)
    run = _Run(index_dir, manifest, {}, known)
    toc = store.read_toc(index_dir)
    # An index without segments has nothing the manifest could lag behind.
    run.lagging = bool(toc.segments) and manifest.generation() != toc.generation
    if plan.vanished:
        # First, so that files whose articles were left out as duplicates of
        # vanished ones are forgotten, and read again below.
        run.remove(plan.vanished)
        run.known = known = manifest.entries()
        plan = _plan(found, known, roots)
    if plan.touched:
        manifest.put(plan.touched)
    run.entries = {e.path: e for _, e in plan.todo}
    run.skipped.extend(found.skipped)  # links out, loops, FIFOs, unlistable folders
    run.skipped.extend(plan.skipped)
    tasks = make_tasks(plan.todo, index_dir, jobs, options)
    sizes = {str(c.path): e.size for c, e in plan.todo}
    bytes_total, bytes_done, files_done, articles = sum(sizes.values()), 0, 0, 0

    def report() -> None:
        # Committed work, or what the workers have read when that is further.
        if on_progress is not None:
            files, size, read = progress[:]
            on_progress(
                IndexProgress(
                    max(files_done, files),
                    len(plan.todo),
                    max(bytes_done, min(size, bytes_total)),
                    bytes_total,
                    max(articles, read),
                    time.perf_counter() - started,
                )
            )

    try:
        for finished in results(tasks, pool, report, run.add_stems):
            articles += run.apply(finished)
            done = [f.path for result in finished for f in result.files]
            files_done += len(done)
            bytes_done += sum(sizes[path] for path in done)
            report()
        merge_small_segments(index_dir)
        if pool is not None:
            pool.terminate()
            pool.join()
        store.remove_orphans(index_dir)  # the workers' temporary folder
    except BaseException:
        if pool is not None:
            pool.terminate()
            pool.join()
        store.remove_orphans(index_dir)  # the workers' unfinished segments
        raise
    toc = store.read_toc(index_dir)
    return UpdateReport(
        added=run.added,
        updated=run.updated,
        removed=run.removed,
        unchanged=plan.unchanged,
        articles=sum(s.doc_count() for s in toc.segments),
        seconds=time.perf_counter() - started,
        skipped=tuple(run.skipped),
        ignored=tuple(found.ignored),
        duplicates=tuple(run.duplicates),
    )


def merge_small_segments(index_dir: Path) -> int:
    """Merge small segments, once there are more than :data:`MAX_SMALL_SEGMENTS`
    of them, and mostly deleted ones, into one.

    Each query visits every segment, so daily runs must not pile them up. The
    live documents are re-analysed from their stored fields with the fast
    pipeline, which beats Whoosh's own merge. Call only while holding the lock.

    :returns: how many segments were merged (0 or at least 2).
    """
    from searcher.indexing.merging import merge_segments

    toc = store.read_toc(index_dir)
    small = [s for s in toc.segments if s.doc_count() < SMALL_SEGMENT_ARTICLES]
    if len(small) <= MAX_SMALL_SEGMENTS:
        small = []
    small += [s for s in toc.segments if s.deleted_count() > s.doc_count_all() / 2]
    small = list({s.segment_id(): s for s in small}.values())
    if not small or (len(small) == 1 and small[0].doc_count() > 0 and not small[0].has_deletions()):
        return 0
    manifest = Manifest(index_dir)
    in_sync = manifest.generation() == toc.generation
    merge_segments(index_dir, toc, small)
    if in_sync:  # a merge moves documents, not articles: the manifest still matches
        with manifest.transaction() as txn:
            txn.set_generation(toc.generation + 1)
    return len(small)
