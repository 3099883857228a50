"""Running the shards' work on a Dask cluster (``--cluster tcp://HOST:8786``).

Each call is an ordinary Dask task, pinned to one worker per shard (shard ``i``
to the ``i``-th worker, in address order) but allowed elsewhere: the task's
worker keeps the shard open in its process between queries
(:mod:`searcher.cluster.worker` holds them), and when that worker is lost the
scheduler runs the task again on another, which opens the shard itself. Tasks,
not actors: an actor lives and dies with its worker, and its calls are not
retried, while a task is. The shards must be on storage every worker reads at
the same path (a shared filesystem).

Imports ``distributed`` (the ``cluster`` extra) when a cluster is asked for,
and the floor.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

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


class DaskExecutor:
    """Runs calls on the Dask cluster at ``address`` (or an open ``distributed.Client``).

    :raises SearcherError: Dask is not installed, or the scheduler does not answer.
    """

    remote = True

    def __init__(self, cluster: Any) -> None:
        distributed = _distributed()
        self._own = not isinstance(cluster, distributed.Client)
        if self._own:
            try:
                cluster = distributed.Client(cluster, timeout=CONNECT_SECONDS, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise SearcherError(
                    f"cannot reach the Dask scheduler at {cluster} ({exc}); start it with "
                    f"`dask scheduler`, or check the address"
                ) from exc
        self.client = cluster

    def _workers(self) -> list[str]:
        return sorted(self.client.scheduler_info(n_workers=-1)["workers"])

    def run(
        self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]], deadline: float | None
    ) -> list[Any]:
        distributed = _distributed()
        workers = self._workers()
        if not workers:
            raise SearcherError("the Dask cluster has no workers; start some with `dask worker`")
        futures = [
            self.client.submit(
                fn,
                *args,
                pure=False,
                workers=[workers[number % len(workers)]],
                allow_other_workers=True,
            )
            for number, args in enumerate(calls)
        ]
        ends = None if deadline is None else time.monotonic() + deadline
        answers = []
        try:
            for future in futures:
                left = None if ends is None else max(0.0, ends - time.monotonic())
                answers.append(future.result(timeout=left))
        except (TimeoutError, distributed.TimeoutError) as exc:
            self.client.cancel(futures)
            raise SearcherError(
                f"the shards did not all answer within {deadline or 0:g} s on the Dask "
                f"cluster; try again, or raise the deadline"
            ) from exc
        except distributed.KilledWorker as exc:
            self.client.cancel(futures)
            raise SearcherError(
                f"a shard's task was lost with every Dask worker that ran it ({exc}); "
                f"check the workers' memory and logs, then run the command again"
            ) from exc
        return answers

    def close(self) -> None:
        if self._own:
            self.client.close()
