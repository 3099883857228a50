"""Ranking quality on the SMART TIME collection: searcher beside SQLite FTS5.

Each TIME document is saved as a ``.txt`` file, indexed through our own pipeline
(``open_index(...).update(folder)``) and every odd query is run through
``Index.search(text, limit=100)``, exactly as ``searcher query --limit 100`` does.
SQLite FTS5 (porter tokenizer, bm25, SMART stop list on the query, OR of the words,
1000 hits) runs in the same process on the same text, as in
``shared/tools/time_peers.py``. Only the odd queries are scored: the even ones are
the held-out check.

What each part of :mod:`searcher.query.ranking` and :mod:`searcher.query.feedback`
brings, measured with
``benchmarks/ranking_sweep.py`` (MAP / nDCG@10 on TIME.REL.ALL, layout "lines"):
BM25F with a headline weight of 1 scores 0.540 / 0.607 (Whoosh's own IDF: 0.541 /
0.609); headline weight 0.1, 0.566 / 0.632; with the lead field, 0.577 / 0.644; with
feedback, 0.631 / 0.685. Tried on earlier configurations and dropped: K1 1.5 and
B 0.6 (no better), a query stop list and dropping words found in over 30-50% of
articles (worse once feedback is on), adjacent-word phrase boosts (slop 1, boost
0.5-1.0: worse; slop 2, boost 0.2: +0.005, not worth the time), a 100-word lead
(worse than 30-60).

Usage::

    .venv/bin/python benchmarks/ranking.py                 # layout "lines"
    .venv/bin/python benchmarks/ranking.py --all-layouts   # every plausible .txt layout
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import time_collection as tc

import searcher
from searcher.query import feedback

LIMIT = 100
FTS_LIMIT = 1000
#: Whoosh operators that a query in capitals can contain as plain English words.
OPERATORS = re.compile(r"\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")


def fts5_run(docs: list[tc.Document], queries: dict[int, str]) -> dict[int, list[int]]:
    """Rank with SQLite FTS5 bm25 the way ``time_peers.py`` measured it."""
    stop = set((tc.TIME_DIR / "TIME.STP").read_text(encoding="latin-1").lower().split())
    con = sqlite3.connect(":memory:")
    con.execute(
        "create virtual table t using fts5(id unindexed, body, tokenize='porter unicode61')"
    )
    con.executemany("insert into t values (?, ?)", ((d.ordinal, d.text) for d in docs))
    runs: dict[int, list[int]] = {}
    for number, text in queries.items():
        words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stop]
        match = " OR ".join(f'"{w}"' for w in words)
        rows = con.execute(
            "select id from t where t match ? order by bm25(t) limit ?", (match, FTS_LIMIT)
        )
        runs[number] = [int(r[0]) for r in rows]
    con.close()
    return runs


def searcher_run(
    ix: searcher.Index,
    queries: dict[int, str],
    transform: Callable[[str], str] = str,
    *,
    limit: int = LIMIT,
) -> tuple[dict[int, list[int]], list[float]]:
    """Run each query through ``Index.search``; return the rankings and the seconds each took."""
    runs: dict[int, list[int]] = {}
    seconds: list[float] = []
    for number, text in queries.items():
        started = time.perf_counter()
        results = ix.search(transform(text), limit=limit)
        seconds.append(time.perf_counter() - started)
        runs[number] = [tc.ordinal_of(hit.path) for hit in results]
    return runs, seconds


def measure_latency(ix: searcher.Index, queries: dict[int, str]) -> dict[str, list[float]]:
    """Time ``Index.search(limit=10)`` with pseudo-relevance feedback on and off."""
    timings: dict[str, list[float]] = {}
    saved = feedback.PRF_DOCS
    try:
        for label, docs in (("limit=10, feedback on", saved), ("limit=10, feedback off", 0)):
            feedback.PRF_DOCS = docs
            timings[label] = searcher_run(ix, queries, limit=10)[1]
    finally:
        feedback.PRF_DOCS = saved
    return timings


def build(docs: list[tc.Document], folder: Path, layout: str) -> searcher.Index:
    """Save the documents in ``layout`` under ``folder`` and index them with searcher."""
    tc.write_documents(docs, folder / "docs", layout)
    ix = searcher.open_index(folder / "index", create=True)
    report = ix.update(folder / "docs")
    if report.skipped or report.articles != len(docs):
        raise SystemExit(f"indexing went wrong: {report}")
    return ix


def print_row(qrels_name: str, engine: str, scores: tc.Scores) -> None:
    print(
        f"{qrels_name:13s} {engine:34s} {scores.queries:3d} {scores.map:6.3f} "
        f"{scores.p10:6.3f} {scores.ndcg10:8.3f} {scores.r20:6.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layout", choices=tc.LAYOUTS, default="lines")
    parser.add_argument("--all-layouts", action="store_true", help="score every layout")
    args = parser.parse_args(argv)
    if not tc.TIME_DIR.exists():
        print(f"{tc.TIME_DIR} is absent: the shared TIME data is not beside this clone")
        return 1

    docs = tc.read_documents()
    queries = {n: q for n, q in tc.read_queries().items() if n % 2 == 1}
    qrels = {name: tc.read_qrels(path) for name, path in tc.QRELS_FILES.items()}
    with_ops = [n for n, q in queries.items() if OPERATORS.search(q)]
    print(f"TIME: {len(docs)} documents, {len(queries)} odd queries, limit {LIMIT}")
    print(
        f"{len(with_ops)} odd queries contain AND/OR/NOT in capitals, which Whoosh's parser "
        "reads as operators; 'lowercased' rows run the same text in lower case."
    )
    fts = fts5_run(docs, queries)
    layouts = tc.LAYOUTS if args.all_layouts else (args.layout,)
    header = f"{'qrels':13s} {'engine':34s} {'n':>3s} {'MAP':>6s} {'P@10':>6s} "
    header += f"{'nDCG@10':>8s} {'R@20':>6s}"
    print(header)
    latency: dict[str, list[float]] = {}
    for layout in layouts:
        with tempfile.TemporaryDirectory() as tmp:
            ix = build(docs, Path(tmp), layout)
            with ix:
                raw, seconds = searcher_run(ix, queries)
                lower, _ = searcher_run(ix, queries, str.lower)
                if layout == layouts[0]:
                    latency = measure_latency(ix, queries)
                    latency[f"limit={LIMIT}, feedback on"] = seconds
        for name, judged in qrels.items():
            fts_scores = tc.mean_scores(fts, judged)
            ours = tc.mean_scores(raw, judged)
            print_row(name, f"searcher [{layout}]", ours)
            print_row(name, f"searcher [{layout}] lowercased", tc.mean_scores(lower, judged))
            print_row(name, "fts5-porter-bm25", fts_scores)
            print(
                f"{'':13s} {'delta (searcher - fts5)':34s}     "
                f"{ours.map - fts_scores.map:+6.3f} {ours.p10 - fts_scores.p10:+6.3f} "
                f"{ours.ndcg10 - fts_scores.ndcg10:+8.3f} {ours.r20 - fts_scores.r20:+6.3f}"
            )
    print(f"Index.search latency, snippets included, layout {layouts[0]}, {len(queries)} queries:")
    for label, seconds in latency.items():
        ms = sorted(s * 1000 for s in seconds)
        print(
            f"  {label:28s} p50 {statistics.median(ms):6.1f} ms  "
            f"p90 {ms[int(len(ms) * 0.9)]:6.1f} ms  max {ms[-1]:6.1f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
