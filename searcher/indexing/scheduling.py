"""All the sharing of work among a run's worker processes: cutting the files into
rounds, a round into one run of files a worker, and handing out files as the
workers go; and the counters of what they have read, for the progress bar.

A round is at most :data:`TASK_BYTES` of corpus files a worker. It becomes one
:class:`~searcher.indexing.tasks.Task` a worker, all holding the round's
files; each worker reads its own run of neighbouring files, then helps with
what is left of the others' (:func:`take_files`), and turns what it read into
one segment. The state the workers share lives in two ``multiprocessing``
arrays made by :func:`shared_state` before the workers are forked, installed
in each by :func:`use_shared_state`.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from searcher import ingest
from searcher.indexing.tasks import Task
from searcher.store import FileEntry

#: Largest round, in bytes of corpus files a worker: a worker holds the postings
#: of what it reads until it writes its segment (one that takes over a slow
#: worker's files holds more). A killed run loses at most the round it was in.
TASK_BYTES = 16 * 1024 * 1024
#: Most files in one round, a worker.
TASK_FILES = 2000
#: A file at least this large that can be read in pieces (a web archive) is cut
#: among the workers of its round, by record offsets.
SPLIT_BYTES = 4 * 1024 * 1024


def default_jobs() -> int:
    """Return the number of worker processes to use: the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def make_tasks(
    todo: list[tuple[ingest.CorpusFile, FileEntry]],
    index_dir: Path,
    jobs: int,
    options: ingest.ReadOptions = ingest.DEFAULT_OPTIONS,
    *,
    first_round: int = 0,
) -> list[Task]:
    """Cut the files, in order, into rounds of about equal size: one when they
    fit in :data:`TASK_BYTES` and :data:`TASK_FILES` a worker (times
    ``options.shards``, for one shard of several), more otherwise.
    A file goes to the round its last byte falls in.

    A round becomes one task per worker (each adds a segment), all holding the
    round's files: each worker reads a run of neighbouring files, then helps
    with what is left of the others' (:class:`~searcher.indexing.worker.Task`), so the
    workers end a round within about one file of each other, whatever the
    files' sizes. A round is committed as a whole, its files in corpus order.
    Rounds are numbered from ``first_round`` (a run's rounds go on counting
    when it reads files again: the workers tell rounds apart by number).
    """
    total = sum(entry.size for _, entry in todo)
    # One shard of several keeps 1 / shards of what it reads: its rounds read
    # that many times more files, so each holds as many articles as one index's.
    per_round = jobs * max(1, options.shards)
    rounds = max(
        1,
        math.ceil(total / (TASK_BYTES * per_round)),
        math.ceil(len(todo) / (TASK_FILES * per_round)),
    )
    target = max(1.0, total / rounds)
    grouped: list[list[tuple[ingest.CorpusFile, FileEntry]]] = [[] for _ in range(rounds)]
    done = 0
    for corpus_file, entry in todo:
        last_byte = done + entry.size - 1
        grouped[min(rounds - 1, int(last_byte // target))].append((corpus_file, entry))
        done += entry.size
    tasks: list[Task] = []
    for number, whole in enumerate(filter(None, grouped)):
        group = _pieces(whole, jobs)
        shares = min(jobs, len(group))
        # Each share's run (share_runs) largest file first: the files left
        # to share out at the end of a round, the smallest, end it sooner.
        runs = [group[first : last + 1] for first, last in share_runs(len(group), shares)]
        if shares > 1:
            runs = [sorted(run, key=lambda item: -item[1]) for run in runs]
        ordered = [item for run in runs for item in run]
        files = tuple((str(c.path), c.doc_id) for c, _, _ in ordered)
        spans = tuple(span for _, _, span in ordered) if len(group) > len(whole) else ()
        for share in range(shares):
            round_number = first_round + number
            tasks.append(
                Task(len(tasks), str(index_dir), files, options, round_number, share, shares, spans)
            )
    return tasks


Piece = tuple[ingest.CorpusFile, int, tuple[int, int] | None]


def _pieces(group: list[tuple[ingest.CorpusFile, FileEntry]], jobs: int) -> list[Piece]:
    """The round's files as ``(file, bytes, span)``, a big web archive cut in one
    span a worker (``span`` is ``None`` for a file read whole)."""
    pieces: list[Piece] = []
    for corpus_file, entry in group:
        spans = (
            ingest.split_file(corpus_file.path, entry.size, jobs)
            if jobs > 1 and entry.size >= SPLIT_BYTES
            else None
        )
        if spans is None:
            pieces.append((corpus_file, entry.size, None))
        else:
            pieces.extend((corpus_file, end - start, (start, end)) for start, end in spans)
    return pieces


def shared_state(jobs: int) -> tuple[Any, Any]:
    """Make what the run's workers share, before they are forked: the progress
    counters (files, bytes, articles read) and the round's runs of files
    (``1 + 2 * jobs`` integers)."""
    context = multiprocessing.get_context("fork")
    return context.Array("q", 3), context.Array("q", 1 + 2 * jobs)


def use_shared_state(progress: Any, shared: Any) -> None:
    """Make this (worker) process count what it reads in ``progress`` and take
    its files from ``shared`` (see :func:`shared_state`; ``None``: it works alone)."""
    report_progress_to(progress)
    share_files(shared)


#: Where a worker process adds up what it has read, for the parent's progress
#: bar while tasks run: ``[files, bytes, articles]`` (a shared array), or None.
_PROGRESS: Any = None


def report_progress_to(shared: Any) -> None:
    """Make this process add up the files, bytes and articles it reads in
    ``shared`` (a ``multiprocessing`` array of three integers)."""
    global _PROGRESS
    _PROGRESS = shared


def count_file(path: str, articles: int, span: tuple[int, int] | None = None) -> None:
    """Add one file read (its size, and the articles it gave) to the progress
    counters; a share of a file (``span``) counts its bytes, and as a file once."""
    shared = _PROGRESS
    if shared is None:
        return
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0
    if span is not None:
        size = max(0, min(size, span[1]) - span[0])
    with shared.get_lock():
        shared[0] += span is None or span[0] == 0
        shared[1] += size
        shared[2] += articles


#: The state of the run's current round, shared by its workers (a ``multiprocessing``
#: integer array: the round's number plus one, then each share's next and last
#: file), or None: this process works alone and takes all of a task's files.
_SHARED: Any = None


def share_files(shared: Any) -> None:
    """Make this process take a task's files one at a time from ``shared``, a
    ``multiprocessing`` integer array of ``1 + 2 * workers`` zeros shared by
    the run's workers."""
    global _SHARED
    _SHARED = shared


def take_files(task: Task) -> Iterator[tuple[str, str]]:
    """The files of ``task`` this process is to read: all of them when it works
    alone, else the next of its own run of files, then of the longest run left.

    Rounds are handed out in order, and a task ends only when its round has no
    file left: the first worker to ask in a round cuts it into runs, and a
    worker still asking for an earlier round finds it over.
    """
    for number in _take_numbers(task):
        yield task.files[number]


def take_pieces(task: Task) -> Iterator[tuple[str, str, tuple[int, int] | None]]:
    """:func:`take_files`, each with the span of the file to read (``None``: all of it)."""
    for number in _take_numbers(task):
        path, doc_id = task.files[number]
        yield path, doc_id, task.spans[number] if task.spans else None


def _take_numbers(task: Task) -> Iterator[int]:
    shared = _SHARED
    if shared is None:
        yield from range(len(task.files))
        return
    while True:
        with shared.get_lock():
            number = _next_file(shared, task)
        if number is None:
            return
        yield number


def share_runs(count: int, shares: int) -> list[tuple[int, int]]:
    """The first and last number of each share's run of files, in a round of ``count``."""
    return [(share * count // shares, (share + 1) * count // shares - 1) for share in range(shares)]


def _next_file(shared: Any, task: Task) -> int | None:
    tag = task.round + 1
    if shared[0] > tag:
        return None  # a later round has begun: this one has no file left
    count = len(task.files)
    if shared[0] < tag:  # the round's first request: one run of files a share
        shared[0] = tag
        for share, (first, last) in enumerate(share_runs(count, task.shares)):
            shared[1 + 2 * share], shared[2 + 2 * share] = first, last
    front = 1 + 2 * task.share
    if shared[front] <= shared[front + 1]:
        shared[front] += 1
        return int(shared[front] - 1)
    longest = max(range(task.shares), key=lambda s: shared[2 + 2 * s] - shared[1 + 2 * s])
    back = 2 + 2 * longest
    if shared[back] < shared[back - 1]:
        return None
    shared[back] -= 1
    return int(shared[back] + 1)
