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
   is kept whichever worker read which file), and has an article take the
   place of an indexed one of a later file (:mod:`searcher.indexing.committing`);
3. writes a new table of contents naming the new segments, durably;
4. commits the manifest (files and article ids) in one SQLite transaction.

Files whose articles were left out because of a file that changed or went
are read in the same run, in their place; files left out because of an
article that lost its place are read once the rounds are done. So one run
leaves the index as a run from scratch would.

A run killed at any point leaves the index at its last TOC; the next run
deletes the orphan files, re-reads what the manifest does not hold, and
replaces (never doubles) whatever was committed to the index but not yet to
the manifest. Memory is bounded by the round size, whatever the corpus size.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.index import FileIndex

from searcher import ingest, store
from searcher.errors import SearcherError
from searcher.indexing.committing import Run
from searcher.indexing.planning import RunPlan, plan_run
from searcher.indexing.pool import WorkerLost, Workers, results, start_workers
from searcher.indexing.scheduling import default_jobs, make_tasks, shared_state
from searcher.indexing.worker import give_back_memory
from searcher.models import IndexProgress, UpdateReport
from searcher.store import FileEntry, Manifest, checksums
from searcher.store.manifest import STALE

LOGGER = logging.getLogger(__name__)

#: Segments with fewer live articles than this (what small daily runs leave) are
#: merged at the end of a run; full-size task segments are left alone, as merging
#: them would re-analyse the archive on one core.
SMALL_SEGMENT_ARTICLES = 1000
#: Small segments are merged once there are more than this many of them.
MAX_SMALL_SEGMENTS = 4

#: Called after each commit with how far the run has got.
ProgressCallback = Callable[[IndexProgress], None]


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
        checksums.check_latest(index_dir, full=True)
    # Workers are forked before the lock is taken, so none inherits it.
    progress, shared = shared_state(jobs)
    workers = start_workers(jobs, progress, shared)
    try:
        with store.write_lock(ix, index_dir), _run_errors(index_dir):
            if rebuild:
                store.empty(index_dir)
            store.remove_orphans(index_dir)
            report = _update_locked(
                index_dir,
                roots,
                found,
                jobs,
                workers,
                _Progress(on_progress, progress, started),
                options,
            )
    finally:
        if workers is not None:
            workers.close()
    return report


@contextmanager
def _run_errors(index_dir: Path) -> Iterator[None]:
    """Turn a run that cannot go on (a full disk, a read-only folder, memory
    run out, a worker killed) into one sentence."""

    def stopped(why: str, fix: str = "Fix that and run the command again.") -> SearcherError:
        return SearcherError(
            f"Cannot write the index in {index_dir}/ ({why}); it is unchanged since "
            f"its last commit. {fix}"
        )

    fewer = "Run the command again with fewer --jobs, or a lower --max-file-mb."
    try:
        yield
    except OSError as exc:
        raise stopped(str(exc.strerror or exc)) from exc
    except sqlite3.OperationalError as exc:
        if "disk" not in str(exc):  # "database or disk is full", "disk I/O error"
            raise
        raise stopped(f"its manifest: {exc}") from exc
    except MemoryError as exc:
        raise stopped("out of memory", fewer) from exc
    except WorkerLost as exc:
        raise stopped(str(exc), fewer if exc.out_of_memory else "Run the command again.") from exc


def _next_plan(run: Run, found: ingest.Scan, roots: list[Path], *, again: bool = False) -> RunPlan:
    """Plan what is left to read: files changed or new, and those marked to be
    read again, with every file left out because of one of them (so each is
    read in its place in the corpus). Vanished files are removed first.

    :param again: plan only files marked to be read again: once the run has
        read the rest (a file that failed, or changes as it is read, waits for
        the next run).
    """
    manifest = run.manifest
    plan = plan_run(found, manifest.entries(), roots)
    run.remove(plan.vanished)
    with manifest.transaction() as txn:
        marked = txn.reread_left_out(str(c.path) for c, _ in plan.todo)
    run.known = manifest.entries()
    if plan.vanished or marked:
        plan = plan_run(found, run.known, roots)
    if again:
        plan.todo = [(c, e) for c, e in plan.todo if _marked(run.known.get(e.path))]
    if plan.touched:
        manifest.put(plan.touched)
    run.entries = {e.path: e for _, e in plan.todo}
    return plan


def _marked(entry: FileEntry | None) -> bool:
    return entry is not None and entry.size == STALE


@dataclass
class _Progress:
    """How far a run has got, for the progress callback."""

    callback: ProgressCallback | None
    shared: Any  # what the workers have read: files, bytes, articles
    started: float
    files_total: int = 0
    bytes_total: int = 0
    files_done: int = 0
    bytes_done: int = 0
    articles: int = 0

    def report(self) -> None:
        # Committed work, or what the workers have read when that is further.
        if self.callback is not None:
            files, size, read = self.shared[:]
            self.callback(
                IndexProgress(
                    max(self.files_done, files),
                    self.files_total,
                    max(self.bytes_done, min(size, self.bytes_total)),
                    self.bytes_total,
                    max(self.articles, read),
                    time.perf_counter() - self.started,
                )
            )


def _update_locked(
    index_dir: Path,
    roots: list[Path],
    found: ingest.Scan,
    jobs: int,
    workers: Workers | None,
    progress: _Progress,
    options: ingest.ReadOptions,
) -> UpdateReport:
    manifest = Manifest(index_dir)
    run = Run(index_dir, manifest, {str(f.path): n for n, f in enumerate(found.files)})
    toc = store.read_toc(index_dir)
    # An index without segments has nothing the manifest could lag behind.
    run.lagging = bool(toc.segments) and manifest.generation() != toc.generation
    plan = _next_plan(run, found, roots)
    unchanged = plan.unchanged + len(plan.todo)
    run.skipped.extend(found.skipped)  # links out, loops, FIFOs, unlistable folders
    run.skipped.extend(plan.skipped)
    first_round = 0
    read: set[str] = set()
    try:
        while plan.todo:
            unchanged -= len({e.path for _, e in plan.todo} - read)
            read.update(e.path for _, e in plan.todo)
            tasks = make_tasks(plan.todo, index_dir, jobs, options, first_round=first_round)
            first_round = tasks[-1].round + 1
            sizes = {str(c.path): e.size for c, e in plan.todo}
            progress.files_total += len(sizes)
            progress.bytes_total += sum(sizes.values())
            for finished in results(tasks, workers, progress.report, run.add_stems):
                progress.articles += run.apply(finished)
                give_back_memory()  # what receiving the round's results took
                done = {f.path for result in finished for f in result.files}
                progress.files_done += len(done)
                progress.bytes_done += sum(sizes[path] for path in done)
                progress.report()
            # Files left out because of indexed articles that earlier ones took over.
            # (each file they mark comes after the one that marked it: this ends)
            plan = _next_plan(run, found, roots, again=True)
        merge_small_segments(index_dir)
        if workers is not None:
            workers.close()
        store.remove_orphans(index_dir)  # the workers' temporary folder
    except BaseException:
        if workers is not None:
            workers.close()  # first: a worker still writing would leave files behind
        store.remove_orphans(index_dir)  # the workers' unfinished segments
        raise
    toc = store.read_toc(index_dir)
    return UpdateReport(
        added=run.added,
        updated=run.updated,
        removed=run.removed,
        unchanged=unchanged,
        articles=sum(s.doc_count() for s in toc.segments),
        seconds=time.perf_counter() - progress.started,
        skipped=tuple(run.skipped),
        ignored=tuple(found.ignored),
        duplicates=tuple(run.duplicates),
        passed_over=tuple(sorted(run.passed_over.items(), key=lambda item: (-item[1], item[0]))),
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
