"""Where the shards' work runs: the executor a sharded index hands each phase to.

An executor runs one call per shard and returns their answers in shard order,
within a deadline. :class:`LocalExecutor` is a pool of processes on this
machine (the default); :mod:`searcher.cluster.dask_executor` runs the same calls
on a Dask cluster.

Imports the floor (``errors``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from searcher.errors import SearcherError

#: Seconds a whole scatter-gather may take before it is given up.
DEFAULT_DEADLINE = 60.0


class ShardError(SearcherError):
    """A shard could not answer (it cannot be opened, or its worker was lost)."""

    def __init__(self, shard: str, reason: str) -> None:
        self.shard = shard
        super().__init__(f"shard {shard}: {reason}")


class Executor(Protocol):
    #: Whether the work runs on other machines (shards then build at once).
    remote: bool

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        deadline: float | None,
        *,
        long: bool = False,
    ) -> list[Any]:
        """``[fn(*args) for args in calls]``, run on the workers; the answers in
        order, within ``deadline`` seconds (``None``: no limit). ``long``: work
        of minutes or hours (shard builds), which a cluster schedules as tasks."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """A pool of ``workers`` processes on this machine (default: one a shard, at
    most one a core), started on first use; each keeps the shards it opened."""

    remote = False

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork: a worker starts in milliseconds, with the library already imported.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        return self._pool

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        deadline: float | None,
        *,
        long: bool = False,
    ) -> list[Any]:
        if self.workers == 1 and len(calls) == 1:  # one shard: no process to cross
            return [fn(*calls[0])]
        for attempt in (1, 2):
            pool = self._started()
            futures = [pool.submit(fn, *args) for args in calls]
            _, pending = wait(futures, timeout=deadline)
            if pending:
                for future in pending:
                    future.cancel()
                raise SearcherError(
                    f"{len(pending)} of {len(calls)} shards did not answer within "
                    f"{deadline or 0:g} s; try again, or raise the deadline"
                )
            try:
                return [future.result() for future in futures]
            except BrokenProcessPool:
                # A worker died (killed, out of memory): start a new pool, run again once.
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def default_workers(shards: int) -> int:
    return max(1, min(shards, os.cpu_count() or 1))
