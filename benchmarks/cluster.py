"""Sharded indexing and querying, beside one index and SQLite FTS5, on the same stories.

Usage: ``python benchmarks/cluster.py --stories 400000 [--seed 0] [--shards 4] [--work DIR]
[--queries-only]``

Writes ``--stories`` synthetic stories (``benchmarks/synthetic.py``: real
Reuters and BBC sentences remixed, seeded) as JSON Lines, then indexes and
queries them: unsharded; ``--shards`` shards on the local process pool; the
same shards on a Dask LocalCluster of two worker processes (127.0.0.1). Prints
one JSON line each: stories/s, peak memory (this process and its children,
``ru_maxrss``), index size, and query p50/p95 over the ``peers.py`` queries and
long queries (three runs each, warm; ``q_first_p50_ms``: the first run of each),
with SQLite FTS5 on the same stories.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

import searcher

PEER_QUERIES = [
    "oil prices", "interest rates", "bank", "coffee", "trade deficit japan",
    "grain exports soviet union", "merger", "dollar yen", "opec production",
    "wheat", "strike", "federal reserve", "gold", "earnings per share", "takeover bid",
    "crude oil", "budget deficit", "tax", "sugar", "copper", '"money supply"',
    "stock exchange", "debt", "inflation", "cocoa",
]  # fmt: skip
LONG_QUERIES = [
    "central bank raises interest rates to fight inflation as the currency falls",
    "oil producers agree to cut production after prices fall to a four year low",
    "government announces budget with tax cuts for small business and higher spending",
]


def no_time_budget() -> None:
    """Lift the queries' 5 s budget in this process: a benchmark on a loaded
    machine times slow queries rather than stopping them (forked pool workers
    inherit it; Dask workers are given it with ``client.run``)."""
    object.__setattr__(searcher.query.DEFAULT_LIMITS, "seconds", 0.0)


def timed(run: Callable[[str], object]) -> dict[str, float]:
    """p50/p95 over three passes of the queries, and the p50 of the first
    pass alone: each query's first run (a sharded index keeps a query's
    statistics, so its later runs skip that round)."""
    times = []
    for _ in range(3):
        for query in PEER_QUERIES + LONG_QUERIES:
            started = time.perf_counter()
            run(query)
            times.append(time.perf_counter() - started)
    first = times[: len(PEER_QUERIES + LONG_QUERIES)]
    times.sort()
    return {
        "q_p50_ms": round(1000 * statistics.median(times), 2),
        "q_p95_ms": round(1000 * times[int(0.95 * len(times))], 2),
        "q_first_p50_ms": round(1000 * statistics.median(first), 2),
    }


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def queries_run(name: str, folder: Path, **opening: Any) -> None:
    """Time the queries on an index an earlier run built (``--queries-only``)."""
    with searcher.open_index(folder, **opening) as ix:
        held = len(ix)
        ix.search("warm up")
        figures = timed(lambda q: ix.search(q))
    print(json.dumps({"engine": name, "stories": held, **figures}), flush=True)


def searcher_run(name: str, folder: Path, corpus: Path, stories: int, **opening: Any) -> None:
    started = time.perf_counter()
    with searcher.open_index(folder, create=True, **opening) as ix:
        ix.update(corpus)
    seconds = time.perf_counter() - started
    with searcher.open_index(folder, **{k: v for k, v in opening.items() if k != "shards"}) as ix:
        ix.search("warm up")
        figures = timed(lambda q: ix.search(q))
    print(
        json.dumps(
            {
                "engine": name,
                "stories": stories,
                "stories_per_s": round(stories / seconds),
                "index_s": round(seconds, 1),
                "index_mb": size_mb(folder),
                "bytes_per_story": round(size_mb(folder) * 1e6 / stories),
                "peak_mb": peak_mb(),
                **figures,
            }
        ),
        flush=True,
    )


def shard_alone_run(folder: Path, stories: int, shards: int) -> None:
    """One shard searched as a plain index in this process: the query cost of an
    index of ``stories / shards`` stories, for the capacity model."""
    with searcher.open_index(folder) as ix:
        held = len(ix)
        ix.search("warm up")
        figures = timed(lambda q: ix.search(q))
    print(
        json.dumps(
            {
                "engine": f"searcher-1-shard-of-{shards}-alone",
                "stories": held,
                "index_mb": size_mb(folder),
                "bytes_per_story": round(size_mb(folder) * 1e6 / max(held, 1)),
                **figures,
            }
        ),
        flush=True,
    )


def fts5_run(folder: Path, stories: int, seed: int, *, build: bool = True) -> None:
    """Index the stories with FTS5 into ``folder/fts.db`` (unless ``build`` is
    false: a database an earlier run left), and time the queries."""
    con = sqlite3.connect(folder / "fts.db")
    seconds = 0.0
    if build:
        con.execute(
            "create virtual table a using fts5(id unindexed, title, date unindexed, body, "
            "tokenize='porter unicode61')"
        )
        started = time.perf_counter()
        con.executemany(
            "insert into a values (?,?,?,?)",
            (
                (r["id"], r.get("title", ""), r.get("date", ""), r.get("body", ""))
                for r in synthetic.records(stories, seed=seed)
            ),
        )
        con.commit()
        seconds = time.perf_counter() - started

    def run(query: str) -> object:
        words = re.findall(r"\w+", query)
        expr = ('"' + " ".join(words) + '"') if query.startswith('"') else " OR ".join(words)
        return con.execute(
            "select id, snippet(a, 3, '[', ']', '...', 24) from a where a match ? "
            "order by bm25(a, 0, 2.0, 0, 1.0) limit 10",
            (expr,),
        ).fetchall()

    print(
        json.dumps(
            {
                "engine": "sqlite-fts5",
                "stories": stories,
                **(
                    {"stories_per_s": round(stories / seconds), "index_s": round(seconds, 1)}
                    if build
                    else {}
                ),
                "index_mb": round((folder / "fts.db").stat().st_size / 1e6, 1),
                **timed(run),
            }
        ),
        flush=True,
    )


@contextlib.contextmanager
def _local_cluster() -> Iterator[Any]:
    """A Dask LocalCluster of two worker processes on 127.0.0.1, and its client."""
    import distributed

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # another cluster may hold 8787
        ) as cluster,
        distributed.Client(cluster, set_as_default=False, direct_to_workers=True) as client,
    ):
        client.run(no_time_budget)
        yield client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--no-dask", action="store_true", help="Leave out the Dask run.")
    parser.add_argument(
        "--work",
        type=Path,
        help="folder for the stories and indexes, kept (default: a temporary one)",
    )
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="only time the queries, on the indexes an earlier run left in --work",
    )
    args = parser.parse_args()
    no_time_budget()
    if args.queries_only:
        if args.work is None:
            parser.error("--queries-only times the indexes of an earlier --work: give --work")
        queries_only(args.work, args)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="searcher-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        synthetic.write_jsonl(corpus, args.stories, seed=args.seed)
        searcher_run("searcher-1-index", work / "plain", corpus, args.stories)
        searcher_run(
            f"searcher-{args.shards}-shards-local",
            work / "local",
            corpus,
            args.stories,
            shards=args.shards,
        )
        shard_alone_run(work / "local" / "shard-000", args.stories, args.shards)
        fts5_run(work, args.stories, args.seed)
        # Last: a LocalCluster may time out closing on a loaded machine.
        if not args.no_dask:
            with _local_cluster() as client:
                searcher_run(
                    f"searcher-{args.shards}-shards-dask-2-workers",
                    work / "dask",
                    corpus,
                    args.stories,
                    shards=args.shards,
                    cluster=client,
                )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def queries_only(work: Path, args: argparse.Namespace) -> None:
    """Time the queries on the indexes a run with this ``--work`` built: one
    index, the shards on the local pool, one shard alone, FTS5 (built if the
    run left none), and the shards (``dask/``, else ``local/``) on a Dask
    LocalCluster."""
    queries_run("searcher-1-index", work / "plain")
    queries_run(f"searcher-{args.shards}-shards-local", work / "local")
    shard_alone_run(work / "local" / "shard-000", args.stories, args.shards)
    fts5_run(work, args.stories, args.seed, build=not (work / "fts.db").exists())
    if not args.no_dask:
        with _local_cluster() as client:
            shards = work / "dask" if (work / "dask").is_dir() else work / "local"
            queries_run(f"searcher-{args.shards}-shards-dask-2-workers", shards, cluster=client)


if __name__ == "__main__":
    main()
