"""Latency of ``Index.search`` on the BBC News set, with pseudo-relevance feedback on and off.

Queries are the first 2 and the first 6 words of 60 headlines picked with a fixed
seed; each runs through ``Index.search(text, limit=10)`` (snippets included), as
``searcher query`` does. Feedback only runs for queries of 3 or more words.

Usage::

    .venv/bin/python benchmarks/feedback_latency.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import searcher
from searcher.query import feedback

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc-news"


def main() -> int:
    if not BBC.exists():
        print(f"{BBC} is absent: the shared BBC data is not beside this clone")
        return 1
    files = sorted(BBC.rglob("*.txt"))
    headlines = [
        f.read_text(encoding="latin-1").splitlines()[0] for f in random.Random(1).sample(files, 60)
    ]
    with tempfile.TemporaryDirectory() as tmp, searcher.open_index(tmp, create=True) as ix:
        started = time.perf_counter()
        report = ix.update(*sorted(p for p in BBC.iterdir() if p.is_dir()))
        print(f"indexed {report.articles} articles in {time.perf_counter() - started:.1f} s")
        saved = feedback.PRF_DOCS
        for words in (2, 6):
            queries = [" ".join(h.split()[:words]) for h in headlines]
            for docs in (saved, 0):
                feedback.PRF_DOCS = docs
                ms = []
                for text in queries:
                    started = time.perf_counter()
                    ix.search(text, limit=10)
                    ms.append((time.perf_counter() - started) * 1000)
                ms.sort()
                print(
                    f"{words}-word queries, feedback {'on ' if docs else 'off'}: "
                    f"p50 {statistics.median(ms):6.1f} ms  p90 {ms[int(len(ms) * 0.9)]:6.1f} ms"
                )
        feedback.PRF_DOCS = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
