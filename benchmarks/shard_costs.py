"""Per-shard costs for the capacity model, in CPU time (steady on a loaded machine).

Usage: ``python benchmarks/shard_costs.py --stories 2000 [--index PATH ...]``

Indexes ``--stories`` synthetic stories (``benchmarks/synthetic.py``) in this
process with one job, and prints its CPU seconds per story and bytes per story;
then, for that index and each ``--index`` given (say the shards and the plain
index ``benchmarks/cluster.py`` built, kept with ``--keep``), the query CPU time
(this process only: one shard's work) over the ``peers.py`` queries and long
queries, three runs each, warm: median and mean milliseconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from cluster import LONG_QUERIES, PEER_QUERIES, no_time_budget, size_mb

import searcher


def query_cpu(folder: Path) -> None:
    with searcher.open_index(folder) as ix:
        stories = len(ix)
        ix.search("warm up")
        times = []
        for _ in range(3):
            for query in PEER_QUERIES + LONG_QUERIES:
                started = time.process_time()
                ix.search(query)
                times.append(time.process_time() - started)
    print(
        json.dumps(
            {
                "index": str(folder),
                "stories": stories,
                "index_mb": size_mb(folder),
                "q_cpu_p50_ms": round(1000 * statistics.median(times), 2),
                "q_cpu_mean_ms": round(1000 * statistics.fmean(times), 2),
            }
        ),
        flush=True,
    )


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
