"""Where a sharded query's time goes: each round's time, CPU and answer size.

Usage: ``python benchmarks/shard_rounds.py --work DIR [--passes 3]``

Reads (never writes) the indexes a ``benchmarks/cluster.py --work DIR`` run
left: ``DIR/plain`` (one index) and ``DIR/local`` (its shards). Runs the
``cluster.py`` queries (``peers.py``'s and long ones), warm, and prints JSON lines:

- ``inline``: a whole query's CPU in one process, one index against the shards
  run one after the other in this process (no processes to cross): each
  query's least of ``--passes`` runs, the median over the queries. What the
  shards cost beyond one index, whatever the machine's load.
- ``pool``: each round of the sharded query on the local pool (its first run,
  then the runs after it, when the statistics are kept): the round's time in
  this process, the CPU its calls took in the workers (added up over the
  shards), the slowest call's time in a worker, and the pickled size of the
  calls and answers; with the query's p50 on the pool and on one index.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import LONG_QUERIES, PEER_QUERIES, no_time_budget

import searcher
from searcher.cluster import ShardedIndex
from searcher.cluster.layout import read_layout

QUERIES = PEER_QUERIES + LONG_QUERIES


class Inline:
    """An executor that runs every call in this process, one after the other."""

    remote = False

    def run(
        self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]], deadline: Any, **_: Any
    ) -> list[Any]:
        return [fn(*args) for args in calls]

    def close(self) -> None:
        pass


def least_cpu(search: Callable[[str], object], passes: int) -> dict[str, float]:
    """Each query's least CPU time (ms) over ``passes`` runs, after a first run."""
    for query in QUERIES:
        search(query)
    least = {}
    for query in QUERIES:
        runs = []
        for _ in range(passes):
            started = time.process_time()
            search(query)
            runs.append(time.process_time() - started)
        least[query] = 1000 * min(runs)
    return least


def timed_call(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[float, float, Any]:
    """``fn(*args)`` in a worker, with its CPU and wall time there."""
    cpu, wall = time.process_time(), time.perf_counter()
    answer = fn(*args)
    return time.process_time() - cpu, time.perf_counter() - wall, answer


def recording(run: Callable[..., Any], rounds: dict[str, list[dict[str, float]]]) -> Any:
    """``run`` (an executor's), timing every round into ``rounds``."""

    def timed(fn: Callable[..., Any], calls: Sequence[Any], deadline: Any, **kw: Any) -> Any:
        started = time.perf_counter()
        answers = run(timed_call, [(fn, args) for args in calls], deadline, **kw)
        rounds[fn.__name__].append(
            {
                "ms": 1000 * (time.perf_counter() - started),
                "worker_cpu_ms": 1000 * sum(cpu for cpu, _, _ in answers),
                "slowest_call_ms": 1000 * max(wall for _, wall, _ in answers),
                "sent_kb": sum(len(pickle.dumps(args)) for args in calls) / 1e3,
                "answer_kb": sum(len(pickle.dumps(a)) for _, _, a in answers) / 1e3,
            }
        )
        return [answer for _, _, answer in answers]

    return timed


def p50(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def summary(rounds: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    return {
        name: {"n": len(rows)} | {key: p50([row[key] for row in rows]) for key in rows[0]}
        for name, rows in rounds.items()
    }


def wall_p50(search: Callable[[str], object], passes: int) -> float:
    times = []
    for _ in range(passes):
        for query in QUERIES:
            started = time.perf_counter()
            search(query)
            times.append(1000 * (time.perf_counter() - started))
    return p50(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    no_time_budget()
    with searcher.open_index(args.work / "plain") as one:
        plain_cpu = least_cpu(one.search, args.passes)
        plain_p50 = wall_p50(one.search, args.passes)
    with ShardedIndex(read_layout(args.work / "local"), Inline()) as shards:
        shards_cpu = least_cpu(shards.search, args.passes)
    print(
        json.dumps(
            {
                "inline": "CPU ms a query, median of each query's least",
                "one_index": p50(list(plain_cpu.values())),
                "shards_one_after_another": p50(list(shards_cpu.values())),
            }
        ),
        flush=True,
    )
    with searcher.open_index(args.work / "local") as ix:
        assert isinstance(ix, ShardedIndex)
        ix.search("warm up")
        run = ix.executor.run
        first: dict[str, list[dict[str, float]]] = defaultdict(list)
        ix.executor.run = recording(run, first)  # type: ignore[method-assign]
        for query in QUERIES:
            ix.search(query)
        after: dict[str, list[dict[str, float]]] = defaultdict(list)
        ix.executor.run = recording(run, after)  # type: ignore[method-assign]
        for _ in range(args.passes - 1):
            for query in QUERIES:
                ix.search(query)
        ix.executor.run = run  # type: ignore[method-assign]
        pool_p50 = wall_p50(ix.search, args.passes)
    print(json.dumps({"pool": "first run", **summary(first)}), flush=True)
    print(json.dumps({"pool": "runs after the first", **summary(after)}), flush=True)
    print(json.dumps({"pool": "query p50 ms", "one_index": plain_p50, "shards": pool_p50}))


if __name__ == "__main__":
    main()
