"""Running the shards' work on a Dask cluster (``--cluster tcp://HOST:8786``).

A query's rounds go to one :class:`ShardHost` actor a worker (shard ``i`` to
worker ``i % workers``, in address order, whichever shards a round asks),
one call a worker with all of its shards' calls: an actor's call goes to its
worker without being scheduled as a task, several times faster (on the 2-core
test machine, loaded: 4 to 7 ms a round against 25 to 50 ms for four tasks).
The worker keeps its shards open in its process between queries
(:mod:`searcher.cluster.worker` holds them).

An actor lives and dies with its worker and its calls are not retried, so
when a round on the actors fails for any reason but the library's own
errors (a worker lost, an actor gone), it waits for the other actors' calls
to end, then runs again as ordinary Dask tasks, pinned to the same workers but
allowed elsewhere: when a worker is lost, the scheduler runs its task again on
another, which opens the shard itself. The next round makes new actors on the
workers there are. Shard builds always run as tasks (hours of work, retried
by the scheduler). The shards must be on storage every worker reads at the
same path (a shared filesystem).

Imports ``distributed`` (the ``cluster`` extra) when a cluster is asked for,
and the floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any

from searcher.cluster.executors import Pins, run_calls, time_left
from searcher.errors import SearcherError

#: What to install for ``--cluster``.
INSTALL = "pip install 'searcher[cluster]'"
#: Seconds to wait for the scheduler when connecting.
CONNECT_SECONDS = 10


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise SearcherError(
            f"a Dask cluster needs Dask's distributed package; install it with {INSTALL}"
        ) from exc
    return distributed


class ShardHost:
    """A Dask actor on one worker: runs calls in the worker's process, where
    the shards stay open between queries."""

    def run(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        return run_calls(fn, calls)


class DaskExecutor:
    """Runs calls on the Dask cluster at ``address`` (or an open ``distributed.Client``;
    made with ``direct_to_workers=True``, its actors' calls skip the scheduler).

    :raises SearcherError: Dask is not installed, or the scheduler does not answer.
    """

    remote = True

    def __init__(self, cluster: Any) -> None:
        distributed = _distributed()
        self._own = not isinstance(cluster, distributed.Client)
        if self._own:
            try:
                # Actors' calls straight to their workers, not through the scheduler.
                cluster = distributed.Client(
                    cluster,
                    timeout=CONNECT_SECONDS,
                    set_as_default=False,
                    direct_to_workers=True,
                )
            except (OSError, TimeoutError, ValueError) as exc:
                raise SearcherError(
                    f"cannot reach the Dask scheduler at {cluster} ({exc}); start it with "
                    f"`dask scheduler`, or check the address"
                ) from exc
        self.client = cluster
        #: Each worker's actor: its address -> (the actor's future, the actor).
        self._hosts: dict[str, tuple[Any, Any]] = {}
        self._pins = Pins()

    def _workers(self) -> list[str]:
        workers = sorted(self.client.scheduler_info(n_workers=-1)["workers"])
        if not workers:
            raise SearcherError("the Dask cluster has no workers; start some with `dask worker`")
        return workers

    def run(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        deadline: float | None,
        *,
        long: bool = False,
    ) -> list[Any]:
        """As :meth:`Executor.run`; ``long`` work (shard builds) runs as tasks."""
        workers = self._workers()
        ends = None if deadline is None else time.monotonic() + deadline
        if not long:
            try:
                return self._on_actors(fn, calls, workers, ends, deadline)
            except SearcherError:
                raise
            except Exception:  # a worker lost, an actor gone: run as tasks
                self._hosts.clear()
        return self._as_tasks(fn, calls, workers, ends, deadline)

    def _actors(self, workers: list[str]) -> list[Any]:
        """One actor a worker, made on first use."""
        for address in list(self._hosts):
            if address not in workers:
                del self._hosts[address]
        for address in workers:
            if address not in self._hosts:
                made = self.client.submit(
                    ShardHost, actor=True, workers=[address], allow_other_workers=False, pure=False
                )
                self._hosts[address] = (made, None)
        for address in workers:
            made, actor = self._hosts[address]
            if actor is None:
                self._hosts[address] = (made, made.result(timeout=CONNECT_SECONDS))
        return [self._hosts[address][1] for address in workers]

    def _on_actors(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        workers: list[str],
        ends: float | None,
        deadline: float | None,
    ) -> list[Any]:
        with self.client.as_current():  # an actor answers through the current client
            actors = self._actors(workers)
            numbers = self._pins.hosts(calls, len(actors))
            pending = [
                (which, actors[host].run(fn, [calls[n] for n in which]))
                for host, which in numbers.items()
            ]
            answers: list[Any] = [None] * len(calls)
            failed: Exception | None = None
            for which, future in pending:  # every call ends before a round runs again as tasks
                try:
                    found = future.result(timeout=time_left(ends))
                except (TimeoutError, FuturesTimeout) as exc:
                    raise _too_slow(deadline) from exc
                except Exception as exc:  # re-raised below, once every call has ended
                    failed = failed or exc
                    continue
                for number, answer in zip(which, found, strict=True):
                    answers[number] = answer
        if failed is not None:
            raise failed
        return answers

    def _as_tasks(
        self,
        fn: Callable[..., Any],
        calls: Sequence[tuple[Any, ...]],
        workers: list[str],
        ends: float | None,
        deadline: float | None,
    ) -> list[Any]:
        distributed = _distributed()
        homes = {
            n: host for host, which in self._pins.hosts(calls, len(workers)).items() for n in which
        }
        futures = [
            self.client.submit(
                fn, *args, pure=False, workers=[workers[homes[number]]], allow_other_workers=True
            )
            for number, args in enumerate(calls)
        ]
        answers = []
        try:
            for future in futures:
                answers.append(future.result(timeout=time_left(ends)))
        except (TimeoutError, distributed.TimeoutError) as exc:
            self.client.cancel(futures)
            raise _too_slow(deadline) from exc
        except distributed.KilledWorker as exc:
            self.client.cancel(futures)
            raise SearcherError(
                f"a shard's task was lost with every Dask worker that ran it ({exc}); "
                f"check the workers' memory and logs, then run the command again"
            ) from exc
        return answers

    def close(self) -> None:
        self._hosts.clear()
        if self._own:
            self.client.close()


def _too_slow(deadline: float | None) -> SearcherError:
    return SearcherError(
        f"the shards did not all answer within {deadline or 0:g} s on the Dask "
        f"cluster; try again, or raise the deadline"
    )
