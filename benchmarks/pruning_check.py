"""Pruned top-k scoring against exhaustive scoring, on every query of the ranking sets.

Usage: ``python benchmarks/pruning_check.py [--reuters-index DIR] [--time-index DIR]``

Builds (unless given) a searcher index of ``../shared/data/reuters21578`` and of
the SMART TIME collection (saved as ``benchmarks/ranking.py`` saves it), then
runs every query, planned and with feedback words as a search runs it, through
:func:`searcher.query.pruning.top` pruned (``prune=True``), exhaustive
(``prune=False``), as a search chooses (``prune=None``: pruned where it
pays) and as a search runs it (feedback's first pass on the same scorer, whose
partial scores the final query starts from), for the top 10, the depth a
search scores (30) and 100, and compares ids, order and scores. The first
three are timed with the posting lists read afresh (the searcher's decoded
lists dropped first) and from memory. The queries:
Reuters, the set of ``benchmarks/query.py`` (the peers' queries and our own)
and every topic name of the collection; TIME, its judged odd queries (the even
ones are held out, as ``benchmarks/smart.py`` says).
Prints one line per set with the number of differences (it must be 0), how
many queries were sums of terms and pruned, and the median time of each way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import query as query_benchmark
import smart

import searcher
from searcher import store
from searcher.errors import QueryError
from searcher.query import bounds, bulkscore, feedback, open_searcher, pruning
from searcher.query.parse import parse
from searcher.query.plan import make_plan
from searcher.store import postings

DEPTHS = (10, 30, 100)


def reuters_queries() -> list[str]:
    """The latency set of ``benchmarks/query.py`` and the collection's topic names."""
    topics = (query_benchmark.REUTERS / "all-topics-strings.lc.txt").read_text().split()
    return (
        query_benchmark.PEER_QUERIES
        + list(query_benchmark.OWN_QUERIES)
        + [t.replace("-", " ") for t in topics]
    )


#: The ways :func:`searcher.query.pruning.top` is timed: always pruned (a sum
#: of terms), never, and as a search runs it (pruned where it pays).
WAYS = {"pruned": True, "exhaustive": False, "chosen": None}


def check(index_dir: Path, queries: list[str], label: str) -> int:
    """Compare pruned with exhaustive top k for ``queries``; print and return the differences."""
    differences = prunable = chosen = 0
    times: dict[tuple[str, bool], list[float]] = {}
    with open_searcher(store.open_existing(index_dir)) as s:
        for text in queries:
            try:
                plan = make_plan(parse(text, s), s)
            except QueryError:
                continue
            ranked = feedback.expand(plan.ranked, plan.feedback_words, s, bulkscore.BulkScorer(s))
            leaves = bounds.sum_shape(ranked, bulkscore.BulkScorer(s))
            prunable += leaves is not None
            chosen += leaves is not None and pruning.pays(bulkscore.BulkScorer(s), leaves)
            for depth in DEPTHS:
                found = {}
                for cold in (True, False):  # posting lists read afresh, then from memory
                    for way, prune in WAYS.items():
                        if cold:
                            postings.forget(s)
                        started = time.perf_counter()
                        found[way] = pruning.top(
                            bulkscore.BulkScorer(s), ranked, depth, prune=prune
                        )
                        times.setdefault((way, cold), []).append(time.perf_counter() - started)
                # As a search runs it: feedback's first pass and the final query
                # share a scorer, the second starting from the first's partial scores.
                scorer = bulkscore.BulkScorer(s)
                searched = feedback.expand(plan.ranked, plan.feedback_words, s, scorer)
                found["search"] = pruning.top(scorer, searched, depth)
                if not found["pruned"] == found["exhaustive"] == found["chosen"] == found["search"]:
                    differences += 1
                    print(f"  differs: {text!r} top {depth}", file=sys.stderr)

    def median(way: str, cold: bool) -> str:
        return f"{1000 * statistics.median(times[way, cold]):.2f}"

    print(
        f"{label}: {len(queries)} queries x top {DEPTHS}: {differences} differences; "
        f"{prunable} sums of terms, {chosen} of them pruned where it pays; median ms "
        + "; ".join(
            f"{way} {median(way, True)} (lists read) / {median(way, False)} (in memory)"
            for way in WAYS
        )
    )
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuters-index", type=Path, help="a built index of Reuters-21578")
    parser.add_argument("--time-index", type=Path, help="a built index of TIME (as built here)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        reuters = args.reuters_index
        if reuters is None:
            reuters = folder / "reuters"
            with searcher.open_index(reuters, create=True) as ix:
                ix.update(query_benchmark.REUTERS)
        collection = smart.time_odd()
        time_index = args.time_index
        if time_index is None:
            collection.write(folder / "time")
            time_index = folder / "time-index"
            with searcher.open_index(time_index, create=True) as ix:
                ix.update(folder / "time")
        time_queries = list(collection.judged_queries.values())
        differences = check(reuters, reuters_queries(), "Reuters-21578")
        differences += check(time_index, time_queries, "TIME")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
