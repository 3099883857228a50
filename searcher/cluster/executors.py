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
    most one a core), started on first use. Each shard is pinned to one process
    (shard ``i`` to process ``i % workers``), which opens it once and keeps it:
    a round sends each process one message with all its shards' calls, as the
    Dask executor's actors do."""

    remote = False

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pools: dict[int, ProcessPoolExecutor] = {}
        self._pins = Pins()

    def _started(self, host: int) -> ProcessPoolExecutor:
        pool = self._pools.get(host)
        if pool is None:
            # fork: a worker starts in milliseconds, with the library already imported.
            pool = self._pools[host] = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("fork")
            )
        return pool

    def _submit(self, host: int, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> Any:
        try:
            return self._started(host).submit(run_calls, fn, calls)
        except BrokenProcessPool:  # its process died between rounds: start another
            self._pools.pop(host).shutdown(wait=False, cancel_futures=True)
            return self._started(host).submit(run_calls, fn, calls)

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
        hosts = self._pins.hosts(calls, self.workers)
        for attempt in (1, 2):
            futures = {
                host: self._submit(host, fn, [calls[n] for n in which])
                for host, which in hosts.items()
            }
            _, pending = wait(futures.values(), timeout=deadline)
            if pending:
                for future in pending:
                    future.cancel()
                raise SearcherError(
                    f"{sum(len(hosts[h]) for h, f in futures.items() if f in pending)} of "
                    f"{len(calls)} shards did not answer within {deadline or 0:g} s; "
                    f"try again, or raise the deadline"
                )
            broken = [host for host, future in futures.items() if _broken(future)]
            if not broken:
                answers: list[Any] = [None] * len(calls)
                for host, future in futures.items():
                    for number, answer in zip(hosts[host], future.result(), strict=True):
                        answers[number] = answer
                return answers
            # A worker died (killed, out of memory): start it again, run the round again once.
            for host in broken:
                self._pools.pop(host).shutdown(wait=False, cancel_futures=True)
            if attempt == 2:
                futures[broken[0]].result()  # raises BrokenProcessPool
        raise AssertionError("unreachable")

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        self._pools.clear()


class Pins:
    """Which worker each shard's calls go to: the ``i``-th shard seen (a sharded
    index's first round names them all, in order) to worker ``i % workers``, so
    that each worker opens only its own shards."""

    def __init__(self) -> None:
        self._seen: dict[Any, int] = {}

    def hosts(self, calls: Sequence[tuple[Any, ...]], workers: int) -> dict[int, list[int]]:
        """The calls (by number) each of ``workers`` workers runs: those of the
        shards pinned to it (a shard is every call's first argument)."""
        hosts: dict[int, list[int]] = {}
        for number, args in enumerate(calls):
            seen = self._seen.setdefault(args[0], len(self._seen))
            hosts.setdefault(seen % workers, []).append(number)
        return hosts


def run_calls(fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
    """``[fn(*args) for args in calls]``: one process's (or worker's) share of a round."""
    return [fn(*args) for args in calls]


def _broken(future: Any) -> bool:
    return isinstance(future.exception(), BrokenProcessPool)


def default_workers(shards: int) -> int:
    return max(1, min(shards, os.cpu_count() or 1))
