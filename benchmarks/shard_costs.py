"""Per-shard costs for the capacity model, in CPU time (steady on a loaded machine).

Usage: ``python benchmarks/shard_costs.py --stories 2000 [--index PATH ...]``

Indexes ``--stories`` synthetic stories (``benchmarks/synthetic.py``) in this
process with one job, and prints its CPU seconds per story and bytes per story;
then, for that index and each ``--index`` given (say the shards and the plain
index ``benchmarks/cluster.py`` built, kept with ``--keep``), the query CPU time
(this process only: one shard's work) over the ``peers.py`` queries and long
queries, three runs each, warm: median and mean milliseconds; and the mean CPU
of the two phases one shard runs for a sharded query (statistics; search with
the whole index's statistics, 30 hits with signatures).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from cluster import LONG_QUERIES, PEER_QUERIES, no_time_budget, size_mb

import searcher
from searcher.cluster import worker


def cpu_ms(run: Callable[[str], object]) -> list[float]:
    times = []
    for _ in range(3):
        for query in PEER_QUERIES + LONG_QUERIES:
            started = time.process_time()
            run(query)
            times.append(1000 * (time.process_time() - started))
    return times


def query_cpu(folder: Path) -> None:
    """The index's query CPU, and what one shard's two phases of a sharded
    query cost (the index taken as the only shard; feedback rounds left out)."""
    path = str(folder)
    ix = worker.shard(path)
    ix.search("warm up")
    times = cpu_ms(ix.search)
    asked = {"sort": "relevance"}
    phase1 = cpu_ms(lambda q: worker.statistics(path, q, asked, None))
    found = {q: worker.statistics(path, q, asked, None)[0] for q in PEER_QUERIES + LONG_QUERIES}
    options = dict(asked, limit=30, page=1, collapse=False)
    phase2 = cpu_ms(lambda q: worker.search(path, q, options, found[q], True))
    print(
        json.dumps(
            {
                "index": path,
                "stories": len(ix),
                "index_mb": size_mb(folder),
                "q_cpu_p50_ms": round(statistics.median(times), 2),
                "q_cpu_mean_ms": round(statistics.fmean(times), 2),
                "shard_phase1_cpu_mean_ms": round(statistics.fmean(phase1), 2),
                "shard_phase2_cpu_mean_ms": round(statistics.fmean(phase2), 2),
            }
        ),
        flush=True,
    )
    worker.forget(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000, help="0: build none")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--index", type=Path, action="append", default=[])
    args = parser.parse_args()
    no_time_budget()
    work = Path(tempfile.mkdtemp(prefix="searcher-costs-"))
    try:
        if not args.stories:  # only the indexes given
            for folder in args.index:
                query_cpu(folder)
            return
        synthetic.write_jsonl(work / "corpus", args.stories, seed=args.seed)
        started, wall = time.process_time(), time.perf_counter()
        with searcher.open_index(work / "index", create=True) as ix:
            ix.update(work / "corpus", jobs=1)
        cpu = time.process_time() - started
        size = size_mb(work / "index")
        print(
            json.dumps(
                {
                    "stories": args.stories,
                    "index_cpu_s": round(cpu, 1),
                    "index_wall_s": round(time.perf_counter() - wall, 1),
                    "stories_per_cpu_s": round(args.stories / cpu, 1),
                    "bytes_per_story": round(size * 1e6 / args.stories),
                }
            ),
            flush=True,
        )
        for folder in [work / "index", *args.index]:
            query_cpu(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
