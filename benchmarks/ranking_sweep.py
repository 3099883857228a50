"""Tuning aid: score ranking settings on every development collection, fast (no snippets).

Each setting is a JSON object of :mod:`searcher.query.ranking` and
:mod:`searcher.query.feedback` constants (and :data:`searcher.query.syntax.OR_BONUS`)
to override, e.g.::

    .venv/bin/python benchmarks/ranking_sweep.py '[{}, {"PRF_DOCS": 0}, {"TITLE_WEIGHT": 1}]'

and four keys of its own: ``"FIELD_B"`` (BM25's b of some fields, e.g.
``{"title": 0.3}``), ``"IDF"`` (``"rsj"``, the default ``log(1 + (N - n + .5) /
(n + .5))``; ``"classic"``, ``max(0, log((N - n + .5) / (n + .5)))``; ``"plain"``,
``log(N / n)``), ``"DOCS"``: ``"title-in-body"`` indexes each document with
its title also at the start of its text (an index of its own; since schema 8
searcher counts the headline as body text itself, so this repeats it once
more), and ``"ANALYZER"``: ``"stop-none"`` or ``"stop-long"``
indexes with no stop list or a longer one (:data:`STOP_LISTS`; an index of its own).

It prints MAP and nDCG@10 per collection and their change from the first
setting, then the issue's rule: a setting helps when it gains MAP on most
collections and loses no more than 0.01 MAP on any. Indexes are cached under
``$TMPDIR/searcher-dev-<collection>``; delete them after a change to what is
indexed. Queries are sent as typed (``--words`` sends only the words, as FTS5
gets them). The figures to report come from ``benchmarks/ranking.py``, which
runs queries through ``Index.evaluate`` as ``searcher eval`` does; this aid
reaches into the query stages (parse, plan, execute) to skip the snippets, and
does not rank exact duplicates after their copies (CISI has a few).
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

import smart
from ranking import FTS_NOTE, fts5_rankings, qrels_of, words

import searcher
from searcher import query
from searcher.analysis import analyzers
from searcher.evaluation import doc_name, evaluate
from searcher.query import feedback, ranking, syntax
from searcher.query.execute import execute
from searcher.query.parse import parse
from searcher.query.plan import make_plan

ROOT = Path(tempfile.gettempdir())
DEFAULT_STOPS = analyzers.STOP_WORDS


IDFS = {
    "rsj": ranking.rsj_idf,
    "classic": lambda docs, df: max(0.0, math.log((docs - df + 0.5) / (df + 0.5))),
    "plain": lambda docs, df: math.log(docs / max(df, 1)),
}


#: Stop lists an ``"ANALYZER"`` setting may index with (the query reads the index's).
STOP_LISTS = {
    "stop-none": frozenset(),
    "stop-long": analyzers.STOP_WORDS
    | frozenset(
        """about above after again against all also am any because before being below between
        both can could did do does doing down during each few further here how just more most
        no nor not only other out over own same should some such too under until up very what
        when where why will would""".split()
    ),
}


def index_for(collection: smart.Collection, docs: str = "", analyzer: str = "") -> searcher.Index:
    """Open (building it the first time) the cached index of one collection."""
    variant = "".join(f"-{v}" for v in (docs, analyzer) if v)
    folder = ROOT / f"searcher-dev-{collection.name}{variant}"
    if (folder / "index").exists():
        return searcher.open_index(folder / "index")
    if analyzer:
        # The analyzer is pickled into the new index, which queries then read.
        analyzers.STOP_WORDS = STOP_LISTS[analyzer]
    if docs == "title-in-body":
        collection = dataclasses.replace(
            collection,
            docs={d: (t, f"{t}\n\n{x}" if t else x) for d, (t, x) in collection.docs.items()},
        )
    elif docs:
        raise SystemExit(f"unknown DOCS {docs!r}")
    collection.write(folder / "docs")
    try:
        ix = searcher.open_index(folder / "index", create=True)
        ix.update(folder / "docs")
    finally:
        analyzers.STOP_WORDS = DEFAULT_STOPS
    return ix


def rank(ix: searcher.Index, queries: dict[str, str], judged: set[str]) -> dict[str, list]:
    """Rank like ``Index.search(limit=100, collapse=False)``, without snippets."""
    raw = ix._ix  # the Whoosh index: this is a tuning aid, not library code
    rankings: dict[str, list[tuple[str, float]]] = {}
    with query.open_searcher(raw) as s:
        for number, text in queries.items():
            try:
                plan = make_plan(parse(text, s), s, limit=100, collapse=False)
            except searcher.QueryError:
                rankings[number] = []
                continue
            results = execute(plan, s).results
            rankings[number] = [
                (doc_name(Path(s.stored_fields(docnum)["path"]).name, judged), score)
                for score, docnum in results.top_n
            ]
    return rankings


def apply(setting: dict[str, Any], defaults: dict[tuple[Any, str], Any]) -> None:
    """Set the constants of ``setting`` (the defaults for the others)."""
    for (module, name), value in defaults.items():
        setattr(module, name, setting.get(name, value))
    field_b = {f"{f}_B": b for f, b in setting.get("FIELD_B", {}).items()}
    ranking.make_weighting = lambda: ranking.NewsBM25F(B=ranking.B, K1=ranking.K1, **field_b)
    ranking.rsj_idf = IDFS[setting.get("IDF", "rsj")]


def verdict(deltas: list[float]) -> str:
    """The issue's rule on one setting's MAP changes."""
    gains = sum(d > 0 for d in deltas)
    worst = min(deltas)
    keep = gains > len(deltas) / 2 and worst >= -0.01
    return f"gains on {gains}/{len(deltas)}, worst {worst:+.4f}: {'KEEP' if keep else 'no'}"


def main() -> None:
    as_words = "--words" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--words"]
    settings = json.loads(args[0]) if args else [{}]
    names = args[1].split(",") if len(args) > 1 else list(smart.LOADERS)
    collections = [smart.LOADERS[name]() for name in names]
    searcher.analyze_text("warm up")  # nltk's import is not what is measured
    modules = (ranking, feedback, syntax)
    defaults = {(m, k): getattr(m, k) for m in modules for k in dir(m) if k.isupper()}
    print(FTS_NOTE)
    cells = []
    for c in collections:
        fts = evaluate(qrels_of(c), fts5_rankings(c))
        cells.append(f"{c.name} {fts.measure('MAP'):.4f} {fts.measure('nDCG@10'):.4f}")
    print("fts5 | " + " | ".join(cells))
    first: dict[str, tuple[float, float]] = {}
    for setting in settings:
        apply(setting, defaults)
        cells, deltas = [], []
        for c in collections:
            queries = c.judged_queries
            if as_words:
                queries = {q: " ".join(words(t)) for q, t in queries.items()}
            judged = {d for docs in c.qrels.values() for d in docs}
            ix = index_for(c, setting.get("DOCS", ""), setting.get("ANALYZER", ""))
            result = evaluate(qrels_of(c), rank(ix, queries, judged))
            m, n = result.measure("MAP"), result.measure("nDCG@10")
            base = first.setdefault(c.name, (m, n))
            deltas.append(m - base[0])
            cells.append(f"{c.name} {m:.4f} {n:.4f} ({m - base[0]:+.4f} {n - base[1]:+.4f})")
        mean = sum(deltas) / len(deltas)
        print(
            f"{json.dumps(setting)} | "
            + " | ".join(cells)
            + f" | mean {mean:+.4f} | "
            + verdict(deltas),
            flush=True,
        )


if __name__ == "__main__":
    main()
