"""The run's worker processes: forked once, one task at a time each, torn down at once.

Not a ``multiprocessing.Pool``: its ``terminate()`` can wait forever for a
worker that died or a result pipe that is stuck (seen with a full disk, the
parent holding the index's write lock all the while). Here each worker has a
pipe of its own and the parent is the only one to write to it or read from
it, with no helper threads: the parent waits on the pipes and on the
processes themselves, so a worker that dies is noticed at once, and tearing
down is a ``SIGKILL`` and a ``waitpid`` each.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from searcher.indexing.tasks import Task, TaskResult
from searcher.indexing.worker import init_worker, run_task

#: How long :meth:`Workers.close` waits for killed workers to be reaped.
REAP_SECONDS = 5.0


class WorkerLost(Exception):
    """A worker process died, or its pipe broke, before handing its task back.

    ``out_of_memory`` is set when it was killed as the system does when memory
    runs out (``SIGKILL``).
    """

    def __init__(self, how: str, *, out_of_memory: bool = False) -> None:
        self.out_of_memory = out_of_memory
        super().__init__(f"a worker process {how}")


def _serve(
    conn: Connection,
    others: list[Connection],
    init: Callable[..., None],
    init_args: tuple[Any, ...],
) -> None:
    """A worker's life: run each task the parent sends, send back its result
    (or the exception it raised), until the parent closes the pipe."""
    for other in others:  # the other workers' pipes, inherited through fork
        other.close()
    init(*init_args)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            message: tuple[bool, Any] = (True, run_task(task))
        except BaseException as exc:  # the parent decides what it means
            exc.add_note(f"in the worker process:\n{traceback.format_exc()}")
            message = (False, exc)
        try:
            conn.send(message)
        except (OSError, ValueError):
            return  # the parent is gone
        except Exception as exc:  # an exception that does not pickle
            conn.send((False, RuntimeError(f"{type(message[1]).__name__}: {exc}")))


class Workers:
    """``jobs`` worker processes, forked now, each running ``init(*init_args)`` first."""

    def __init__(self, jobs: int, init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
        context = multiprocessing.get_context("fork")
        self._conns: list[Connection] = []
        self._processes: list[Any] = []
        try:
            for _ in range(jobs):
                mine, theirs = context.Pipe()
                process = context.Process(
                    target=_serve, args=(theirs, list(self._conns), init, init_args), daemon=True
                )
                process.start()
                theirs.close()
                self._conns.append(mine)
                self._processes.append(process)
        except BaseException:
            self.close()
            raise

    def imap_unordered(
        self, tasks: list[Task], on_wait: Callable[[], None], every: float
    ) -> Iterator[TaskResult]:
        """Run ``tasks``, in order, one at a time a worker, and yield each result
        as it comes in; ``on_wait`` is called every ``every`` seconds without one.

        A task that raised has its exception raised here.

        :raises WorkerLost: a worker died (killed, out of memory) or its pipe broke.
        """
        queue = deque(tasks)
        idle = list(range(len(self._processes)))
        busy: set[int] = set()
        while queue or busy:
            # Hand out tasks before yielding: the workers go on while the caller commits.
            while queue and idle:
                number = idle.pop()
                self._send(number, queue.popleft())
                busy.add(number)
            by_handle: dict[Any, int] = {self._conns[n]: n for n in busy}
            by_handle.update({self._processes[n].sentinel: n for n in busy})
            ready = wait(list(by_handle), timeout=every)
            if not ready:
                on_wait()
                continue
            for number in sorted({by_handle[handle] for handle in ready}):
                result = self._receive(number)
                busy.discard(number)
                idle.append(number)
                yield result

    def _send(self, number: int, task: Task) -> None:
        try:
            self._conns[number].send(task)
        except OSError as exc:
            raise WorkerLost(f"could not be sent its task ({exc.strerror or exc})") from exc

    def _receive(self, number: int) -> TaskResult:
        conn, process = self._conns[number], self._processes[number]
        try:
            # A worker that dies leaves its sentinel ready and its pipe empty.
            if not conn.poll():
                raise EOFError
            ok, value = conn.recv()
        except (EOFError, OSError) as exc:
            process.join(REAP_SECONDS)
            raise _lost(process.exitcode) from exc
        if not ok:
            raise value
        result: TaskResult = value
        return result

    def close(self) -> None:
        """Kill the workers, wait for them (a few seconds at most), close the pipes."""
        for process in self._processes:
            if process.is_alive():
                process.kill()
        deadline = time.monotonic() + REAP_SECONDS
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for conn in self._conns:
            conn.close()


def _lost(exitcode: int | None) -> WorkerLost:
    if exitcode is None:
        return WorkerLost("stopped answering")
    if exitcode >= 0:
        return WorkerLost(f"exited with status {exitcode}")
    try:
        name = signal.Signals(-exitcode).name
    except ValueError:
        name = f"signal {-exitcode}"
    if -exitcode == signal.SIGKILL:
        return WorkerLost(f"was killed by {name}, as when memory runs out", out_of_memory=True)
    return WorkerLost(f"was killed by {name}")


#: How often, in seconds, the progress callback hears how far the workers are.
PROGRESS_SECONDS = 0.5


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
    works alone); ``progress`` and ``shared`` as
    :func:`searcher.indexing.scheduling.shared_state` makes them."""
    return Workers(jobs, init_worker, (progress, shared)) if jobs > 1 else None
