"""Query latency: searcher against SQLite FTS5 with ``snippet()``, same stories, same run.

Usage: ``python benchmarks/query.py [--index DIR] [--runs N]``

Indexes ``../shared/data/reuters21578`` with searcher (unless ``--index`` names
a built index) and the same articles into FTS5, then times, warm, the top 10
with snippets for the query set of ``../shared/tools/peers.py`` plus our own,
three rounds each, and prints p50/p95 for both engines; then ours again with
the index's kept postings dropped before every query (words never read
before, as a first query on them meets). Last, the whole-process
time of ``searcher query`` from the shell (median of ``--runs``), and of the
bare interpreter for scale. Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REUTERS = REPO.parent / "shared" / "data" / "reuters21578"

#: The query set of ../shared/tools/peers.py.
PEER_QUERIES = [
    "oil prices", "interest rates", "bank", "coffee", "trade deficit japan",
    "grain exports soviet union", "merger", "dollar yen", "opec production",
    "wheat", "strike", "federal reserve", "gold", "earnings per share", "takeover bid",
    "crude oil", "budget deficit", "tax", "sugar", "copper", '"money supply"',
    "stock exchange", "debt", "inflation", "cocoa",
]  # fmt: skip
#: Our own (a phrase, a field, exclusion, a rare word), with their FTS5 spelling.
OWN_QUERIES = {
    '"bahia cocoa"': '"bahia cocoa"',
    "title:opec": "title:opec",
    "oil NOT opec": "oil NOT opec",
    "zambia copper": "zambia OR copper",
    "comissaria": "comissaria",
}


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "p50_ms": round(1000 * statistics.median(times), 2),
        "p95_ms": round(1000 * times[int(0.95 * len(times))], 2),
        "queries": len(times),
    }


def _time(run: Callable[[str], object], queries: list[str], rounds: int = 3) -> list[float]:
    for text in queries:
        run(text)  # warm
    times = []
    for _ in range(rounds):
        for text in queries:
            started = time.perf_counter()
            run(text)
            times.append(time.perf_counter() - started)
    return times


def _search_unread(ix: Any, text: str) -> object:
    """One search after dropping what the open index keeps of earlier queries
    (posting lists, norms, document frequencies): the cost of a first query on
    new words, the searcher itself still open."""
    from searcher.store import postings

    postings.forget(ix._current_searcher())
    return ix.search(text, limit=10)


def _fts5(index_dir: Path, folder: Path) -> Callable[[str], object]:
    import searcher

    con = sqlite3.connect(folder / "fts.db")
    con.execute(
        "create virtual table a using fts5(id unindexed, title, date unindexed, body,"
        " tokenize='porter unicode61')"
    )
    rows = []
    with searcher.open_index(index_dir) as ix, ix._ix.searcher() as s:
        for fields in s.all_stored_fields():
            rows.append((fields["id"], fields.get("title", ""), "", fields.get("body", "")))
    con.executemany("insert into a values (?,?,?,?)", rows)
    con.commit()

    def run(text: str) -> object:
        words = re.findall(r"\w+", text)
        expr = ('"' + " ".join(words) + '"') if text.startswith('"') else " OR ".join(words)
        expr = OWN_QUERIES.get(text, expr)
        return con.execute(
            "select id, snippet(a, 3, '[', ']', '...', 24) from a where a match ?"
            " order by bm25(a, 0, 2.0, 0, 1.0) limit 10",
            (expr,),
        ).fetchall()

    return run


def _process_times(index_dir: Path, runs: int) -> dict[str, float]:
    command = [sys.executable, "-m", "searcher", "--index", str(index_dir), "query", "oil prices"]
    bare = [sys.executable, "-c", "pass"]
    result = {}
    for name, argv in (("searcher_query", command), ("bare_python", bare)):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(argv, capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        result[f"{name}_median_ms"] = round(1000 * statistics.median(times), 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--index", type=Path, default=None, help="a built Reuters index")
    parser.add_argument("--runs", type=int, default=15, help="runs of the whole process")
    args = parser.parse_args()
    import searcher

    with tempfile.TemporaryDirectory(prefix="bench-query-") as tmp:
        index_dir = args.index
        if index_dir is None:
            if not REUTERS.exists():
                raise SystemExit(f"{REUTERS} is absent; give --index")
            index_dir = Path(tmp) / "ix"
            with searcher.open_index(index_dir, create=True) as ix:
                ix.update(REUTERS)
        fts5 = _fts5(index_dir, Path(tmp))
        with searcher.open_index(index_dir) as ix:
            print(json.dumps({"articles": len(ix), "index": str(index_dir)}), flush=True)
            for name, queries in (("peers.py set", PEER_QUERIES), ("own set", list(OWN_QUERIES))):
                ours = _time(lambda text: ix.search(text, limit=10), queries)
                theirs = _time(fts5, queries)
                unread = _time(lambda text: _search_unread(ix, text), queries)
                for engine, times in (
                    ("searcher", ours),
                    ("fts5", theirs),
                    ("searcher, postings never read before", unread),
                ):
                    row = {"set": name, "engine": engine, **_percentiles(times)}
                    print(json.dumps(row), flush=True)
        print(json.dumps(_process_times(index_dir, args.runs)), flush=True)


if __name__ == "__main__":
    main()
