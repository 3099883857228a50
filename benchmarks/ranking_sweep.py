"""Tuning aid: score ranking settings on every development collection, fast (no snippets).

Each setting is a JSON object of :mod:`searcher.query.ranking` and
:mod:`searcher.query.feedback` constants to override, e.g.::

    .venv/bin/python benchmarks/ranking_sweep.py '[{}, {"PRF_DOCS": 0}, {"TITLE_WEIGHT": 1}]'

It prints MAP and nDCG@10 per collection, and their change from the first
setting. Indexes are cached under ``$TMPDIR/searcher-dev-<collection>``; delete
them after a change to what is indexed. Queries are sent as words only
(``--typed`` sends the text as typed). The figures to report come from
``benchmarks/ranking.py``, which runs queries through ``Index.evaluate`` as
``searcher eval`` does; this aid reaches into the query stages (parse, plan,
execute) to skip the snippets.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import smart
from ranking import FTS_NOTE, fts5_rankings, qrels_of, words

import searcher
from searcher import query
from searcher.evaluation import doc_name, evaluate
from searcher.query import feedback, ranking
from searcher.query.execute import execute
from searcher.query.parse import parse
from searcher.query.plan import make_plan

ROOT = Path(tempfile.gettempdir())


def index_for(collection: smart.Collection) -> searcher.Index:
    """Open (building it the first time) the cached index of one collection."""
    folder = ROOT / f"searcher-dev-{collection.name}"
    if (folder / "index").exists():
        return searcher.open_index(folder / "index")
    collection.write(folder / "docs")
    ix = searcher.open_index(folder / "index", create=True)
    ix.update(folder / "docs")
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


def main() -> None:
    typed = "--typed" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--typed"]
    settings = json.loads(args[0]) if args else [{}]
    names = args[1].split(",") if len(args) > 1 else list(smart.LOADERS)
    collections = [smart.LOADERS[name]() for name in names]
    indexes = {c.name: index_for(c) for c in collections}
    modules = (ranking, feedback)
    defaults = {(m, k): getattr(m, k) for m in modules for k in dir(m) if k.isupper()}
    print(FTS_NOTE)
    cells = []
    for c in collections:
        fts = evaluate(qrels_of(c), fts5_rankings(c))
        cells.append(f"{c.name} {fts.measure('MAP'):.4f} {fts.measure('nDCG@10'):.4f}")
    print("fts5 | " + " | ".join(cells))
    first: dict[str, tuple[float, float]] = {}
    for setting in settings:
        for (module, name), value in defaults.items():
            setattr(module, name, setting.get(name, value))
        cells = []
        for c in collections:
            queries = c.judged_queries
            if not typed:
                queries = {q: " ".join(words(t)) for q, t in queries.items()}
            judged = {d for docs in c.qrels.values() for d in docs}
            result = evaluate(qrels_of(c), rank(indexes[c.name], queries, judged))
            m, n = result.measure("MAP"), result.measure("nDCG@10")
            base = first.setdefault(c.name, (m, n))
            cells.append(f"{c.name} {m:.4f} {n:.4f} ({m - base[0]:+.4f} {n - base[1]:+.4f})")
        print(f"{json.dumps(setting)} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
