"""Tuning aid: score ranking settings on the odd TIME queries, fast (no snippets).

Each setting is a JSON object of :mod:`searcher.query.ranking` and
:mod:`searcher.query.feedback` constants to override, e.g.::

    .venv/bin/python benchmarks/ranking_sweep.py '[{}, {"PRF_DOCS": 0}, {"LEAD_WEIGHT": 0}]'

It prints MAP and nDCG@10 for two ``.txt`` layouts and both judgment files. Indexes
are cached under ``$TMPDIR/searcher-time-<LEAD_WORDS>``; set ``LEAD_WORDS`` in the
environment to try another lead length. The figures to report come from
``benchmarks/ranking.py``, which runs queries through ``Index.search`` as the CLI does.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import time_collection as tc

import searcher
from searcher import query, schema
from searcher.query import feedback, ranking

schema.LEAD_WORDS = int(os.environ.get("LEAD_WORDS", schema.LEAD_WORDS))
ROOT = Path(tempfile.gettempdir()) / f"searcher-time-{schema.LEAD_WORDS}"
LAYOUTS = ("lines", "paragraph")


def index_for(layout: str) -> searcher.Index:
    """Open (building it the first time) the cached index of one layout."""
    folder = ROOT / layout
    if (folder / "index").exists():
        return searcher.open_index(folder / "index")
    tc.write_documents(tc.read_documents(), folder / "docs", layout)
    ix = searcher.open_index(folder / "index", create=True)
    ix.update(folder / "docs")
    return ix


def rank(ix: searcher.Index, queries: dict[int, str]) -> tuple[dict[int, list[int]], float]:
    """Rank like ``query.search`` without snippets; return runs and seconds per query."""
    runs: dict[int, list[int]] = {}
    raw = ix._ix  # the Whoosh index: this is a tuning aid, not library code
    started = time.perf_counter()
    with raw.searcher(weighting=ranking.make_weighting()) as s:
        for number, text in queries.items():
            parsed = query.apply_exclusions(query.make_parser(raw).parse(text))
            ranked = feedback.expand(ranking.weigh_fields(parsed), ranking.query_words(parsed), s)
            hits = s.search(ranked, limit=100)
            runs[number] = [tc.ordinal_of(hit["path"]) for hit in hits]
    return runs, (time.perf_counter() - started) / len(queries)


def main() -> None:
    settings = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [{}]
    queries = {n: q for n, q in tc.read_queries().items() if n % 2 == 1}
    qrels = {name: tc.read_qrels(path) for name, path in tc.QRELS_FILES.items()}
    indexes = {layout: index_for(layout) for layout in LAYOUTS}
    modules = (ranking, feedback)
    defaults = {(m, k): getattr(m, k) for m in modules for k in dir(m) if k.isupper()}
    for setting in settings:
        for (module, name), value in defaults.items():
            setattr(module, name, setting.get(name, value))
        cells = []
        for layout, ix in indexes.items():
            runs, seconds = rank(ix, queries)
            for name, judged in qrels.items():
                s = tc.mean_scores(runs, judged)
                cells.append(f"{layout}/{name} MAP {s.map:.3f} nDCG@10 {s.ndcg10:.3f}")
        print(f"{json.dumps(setting)} | " + " | ".join(cells) + f" | {seconds * 1000:.0f} ms/q")


if __name__ == "__main__":
    main()
