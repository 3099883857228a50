"""Cutting a run's files into rounds, and sharing each round out among the workers.

A round is at most :data:`TASK_BYTES` of corpus files a worker. It becomes one
:class:`~searcher.indexing.worker.Task` a worker, all holding the round's files; each
worker reads its own run of neighbouring files, then helps with what is left
of the others' (:func:`searcher.indexing.worker.share_files`), and turns what it read
into one segment. :func:`results` gives the parent each round's results,
whole, in order, for :mod:`searcher.indexing.run` to commit.
"""

from __future__ import annotations

import math
import os
import signal
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from searcher import analysis, ingest
from searcher.indexing import worker
from searcher.indexing.pool import Workers
from searcher.indexing.worker import Task, TaskResult, run_task, share_runs
from searcher.store import FileEntry

#: Largest round, in bytes of corpus files a worker: a worker holds the postings
#: of what it reads until it writes its segment (one that takes over a slow
#: worker's files holds more). A killed run loses at most the round it was in.
TASK_BYTES = 16 * 1024 * 1024
#: How often, in seconds, the progress callback hears how far the workers are.
PROGRESS_SECONDS = 0.5
#: Most files in one round, a worker.
TASK_FILES = 2000


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
    fit in :data:`TASK_BYTES` and :data:`TASK_FILES` a worker, more otherwise.
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
    rounds = max(
        1, math.ceil(total / (TASK_BYTES * jobs)), math.ceil(len(todo) / (TASK_FILES * jobs))
    )
    target = max(1.0, total / rounds)
    grouped: list[list[tuple[ingest.CorpusFile, FileEntry]]] = [[] for _ in range(rounds)]
    done = 0
    for corpus_file, entry in todo:
        last_byte = done + entry.size - 1
        grouped[min(rounds - 1, int(last_byte // target))].append((corpus_file, entry))
        done += entry.size
    tasks: list[Task] = []
    for number, group in enumerate(filter(None, grouped)):
        shares = min(jobs, len(group))
        # Each share's run (share_runs) largest file first: the files left
        # to share out at the end of a round, the smallest, end it sooner.
        runs = [group[first : last + 1] for first, last in share_runs(len(group), shares)]
        if shares > 1:
            runs = [sorted(run, key=lambda item: -item[1].size) for run in runs]
        ordered = [item for run in runs for item in run]
        files = tuple((str(c.path), c.doc_id) for c, _ in ordered)
        for share in range(shares):
            round_number = first_round + number
            tasks.append(
                Task(len(tasks), str(index_dir), files, options, round_number, share, shares)
            )
    return tasks


def worker_init(progress: Any = None, shared: Any = None) -> None:
    """Set up a worker process of a run (``progress`` and ``shared``: see
    :func:`~searcher.indexing.worker.report_progress_to` and
    :func:`~searcher.indexing.worker.share_files`)."""
    # Ctrl-C reaches the whole process group: only the parent acts on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker.report_progress_to(progress)
    worker.share_files(shared)
    analysis.forget_stem_tables()
    worker.warm_up()
    try:  # die with the parent, so a killed run leaves no worker writing on
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def results(
    tasks: list[Task],
    workers: Workers | None,
    on_wait: Callable[[], None],
    on_result: Callable[[TaskResult], None],
) -> Iterator[list[TaskResult]]:
    """The results of each round's tasks, round by round; ``on_result`` is
    called with each result as soon as it is in, and while the workers are
    busy, ``on_wait`` every :data:`PROGRESS_SECONDS`. Without workers, this
    process runs the tasks itself."""
    if workers is None:
        pending: Iterator[TaskResult] = (run_task(task) for task in tasks)
    else:
        pending = workers.imap_unordered(tasks, on_wait, PROGRESS_SECONDS)
    shares = Counter(task.round for task in tasks)
    finished: dict[int, list[TaskResult]] = defaultdict(list)
    next_round = tasks[0].round if tasks else 0
    for result in pending:
        on_result(result)
        finished[tasks[result.number].round].append(result)
        while len(finished.get(next_round, ())) == shares[next_round] > 0:
            yield sorted(finished.pop(next_round), key=lambda r: r.number)
            next_round += 1


def start_workers(jobs: int, progress: Any, shared: Any) -> Workers | None:
    """Fork the run's ``jobs`` worker processes (none for one job: the caller
    works alone); ``progress`` and ``shared`` as for :func:`worker_init`."""
    return Workers(jobs, worker_init, (progress, shared)) if jobs > 1 else None
