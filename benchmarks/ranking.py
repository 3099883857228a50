"""Ranking quality on every development collection: searcher beside SQLite FTS5.

Collections (``benchmarks/smart.py``): CISI, CRAN, MED (``../shared/data/smart-dev``)
and TIME's odd queries judged by ``TIME.REL`` (``../shared/data/smart-time``). The
held-out collections, and TIME's even queries, are not read here.

Each collection's documents are saved as ``<id>.txt`` (title line, blank line,
text), indexed through our own pipeline (``open_index(...).update(folder)``) and
every judged query is run through ``Index.evaluate`` (``Index.search(text,
limit=100, collapse=False)``, the same as ``searcher eval``). SQLite FTS5
(``porter unicode61``, ``bm25``, OR of the query's quoted lower-case alphanumeric
words, 100 hits) runs in the same process on the same title and text. Both runs
are scored by :func:`searcher.evaluation.evaluate` (ir-measures, trec_eval's
definitions, binary relevance). The paired test is a two-sided randomisation
(sign-flip) test on the per-query differences, 100,000 samples, seeded.

``--words`` sends searcher only the query's words, as FTS5 gets them (lower-case
alphanumeric words joined by spaces), for comparison with the text as typed.
``--write-trec DIR`` saves each collection's queries (TSV), judgments (qrels) and
documents, so ``searcher eval`` can be run on them by hand.

Usage::

    .venv/bin/python benchmarks/ranking.py                  # every dev collection
    .venv/bin/python benchmarks/ranking.py TIME-odd --write-trec /tmp/trec
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import smart

import searcher
from searcher.evaluation import evaluate

LIMIT = 100
SAMPLES = 100_000
WORD = re.compile(r"[a-z0-9]+")
FTS_NOTE = f"FTS5: porter unicode61, bm25, OR of the query's words, limit {LIMIT}"


def words(text: str) -> list[str]:
    """The query's lower-case alphanumeric words, as FTS5 is given them."""
    return WORD.findall(text.lower())


def fts5_rankings(collection: smart.Collection) -> dict[str, list[tuple[str, float]]]:
    """Rank each judged query with SQLite FTS5 bm25 over title and text."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "create virtual table t using fts5(id unindexed, body, tokenize='porter unicode61')"
    )
    con.executemany(
        "insert into t values (?, ?)",
        ((doc_id, f"{title} {text}") for doc_id, (title, text) in collection.docs.items()),
    )
    rankings: dict[str, list[tuple[str, float]]] = {}
    for number, text in collection.judged_queries.items():
        match = " OR ".join(f'"{w}"' for w in words(text))
        rows = con.execute(
            "select id, bm25(t) from t where t match ? order by bm25(t) limit ?", (match, LIMIT)
        )
        rankings[number] = [(doc_id, -score) for doc_id, score in rows]
    con.close()
    return rankings


def qrels_of(collection: smart.Collection) -> dict[str, dict[str, int]]:
    return {q: dict.fromkeys(docs, 1) for q, docs in collection.qrels.items()}


def randomisation_p(deltas: Sequence[float], samples: int = SAMPLES) -> float:
    """Two-sided paired randomisation test: the share of random sign flips whose
    mean difference is at least as far from 0 as the observed one."""
    observed = abs(sum(deltas))
    rng = random.Random(14)
    hits = 0
    for _ in range(samples):
        total = sum(d if rng.random() < 0.5 else -d for d in deltas)
        hits += abs(total) >= observed - 1e-12
    return (hits + 1) / (samples + 1)


def searcher_evaluation(
    collection: smart.Collection, folder: Path, as_words: bool
) -> searcher.Evaluation:
    collection.write(folder / "docs")
    # Import nltk before the first query: on a loaded machine its import alone
    # can pass the 5 s query budget, and a cold start is not what is measured.
    searcher.analyze_text("warm up")
    with searcher.open_index(folder / "index", create=True) as ix:
        ix.update(folder / "docs")
        queries = collection.judged_queries
        if as_words:
            queries = {q: " ".join(words(text)) for q, text in queries.items()}
        return ix.evaluate(queries, qrels_of(collection), limit=LIMIT)


def write_trec(collection: smart.Collection, folder: Path) -> None:
    """Save the queries as TSV, the judgments as qrels and the documents as .txt."""
    folder.mkdir(parents=True, exist_ok=True)
    collection.write(folder / "docs")
    lines = (f"{q}\t{' '.join(t.split())}\n" for q, t in collection.judged_queries.items())
    (folder / "queries.tsv").write_text("".join(lines), encoding="utf-8")
    qrels = (f"{q} 0 {d} 1\n" for q, docs in collection.qrels.items() for d in sorted(docs))
    (folder / "qrels.txt").write_text("".join(qrels), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("collections", nargs="*", default=list(smart.LOADERS))
    parser.add_argument("--words", action="store_true", help="send searcher the words only")
    parser.add_argument("--write-trec", type=Path, help="save queries, qrels and docs here")
    args = parser.parse_args(argv)
    if not smart.DEV.exists() or not smart.tc.TIME_DIR.exists():
        print(f"{smart.DATA} is incomplete: the shared ranking data is not beside this clone")
        return 1
    unknown = set(args.collections) - set(smart.LOADERS)
    if unknown:
        parser.error(f"unknown collection(s) {', '.join(sorted(unknown))}")
    sent = "the query's words only" if args.words else "the query text as typed"
    print(f"searcher: Index.search(text, limit={LIMIT}, collapse=False), {sent}")
    print(FTS_NOTE)
    names = ("MAP", "nDCG@10", "P@10", "R@100", "MRR")
    print(f"{'collection':10s} {'engine':9s} {'n':>4s} " + " ".join(f"{n:>7s}" for n in names))
    deltas: dict[str, tuple[float, float]] = {}
    for name in args.collections:
        collection = smart.LOADERS[name]()
        if args.write_trec:
            write_trec(collection, args.write_trec / name)
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            ours = searcher_evaluation(collection, Path(tmp), args.words)
        seconds = time.perf_counter() - started
        peer = evaluate(qrels_of(collection), fts5_rankings(collection), tag="fts5")
        for engine, result in (("searcher", ours), ("fts5", peer)):
            row = " ".join(f"{value:7.4f}" for _, value in result.measures)
            print(f"{name:10s} {engine:9s} {result.queries:4d} {row}")
        ap = {q: values[0] for q, values in ours.per_query}
        ap_peer = {q: values[0] for q, values in peer.per_query}
        nd = {q: values[1] for q, values in ours.per_query}
        nd_peer = {q: values[1] for q, values in peer.per_query}
        p_map = randomisation_p([ap[q] - ap_peer[q] for q in ap])
        p_ndcg = randomisation_p([nd[q] - nd_peer[q] for q in nd])
        d_map = ours.measure("MAP") - peer.measure("MAP")
        d_ndcg = ours.measure("nDCG@10") - peer.measure("nDCG@10")
        deltas[name] = (d_map, d_ndcg)
        print(
            f"{name:10s} {'delta':9s} {'':4s} {d_map:+7.4f} {d_ndcg:+7.4f}   "
            f"paired p: MAP {p_map:.3f}, nDCG@10 {p_ndcg:.3f}   ({seconds:.0f} s)"
        )
        for note in ours.notes:
            print(f"{'':10s} note: {note}")
        sys.stdout.flush()
    if len(deltas) > 1:
        mean_map = sum(d for d, _ in deltas.values()) / len(deltas)
        mean_ndcg = sum(n for _, n in deltas.values()) / len(deltas)
        print(f"mean delta over {', '.join(deltas)}: MAP {mean_map:+.4f}, nDCG@10 {mean_ndcg:+.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
