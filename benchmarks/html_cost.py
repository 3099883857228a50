"""Where an HTML page's CPU time goes in searcher, beside trafilatura on the same pages.

Reads the 134 article-extraction-benchmark pages into memory, then times, in
this one process (CPU time, so other load on the machine matters less):

* searcher's stages: decoding, building the BeautifulSoup tree (lxml builder),
  the metadata pass, the body extraction, ``parse_html`` whole, and the
  analysis of the article into index terms (``DocumentMaker.make``);
* trafilatura's ``extract`` of the same pages (a benchmark-only dependency:
  ``pip install -e '.[bench]'``).

Usage::

    .venv/bin/python benchmarks/html_cost.py [--data DIR] [--rounds 2]

Prints one JSON line per stage, in milliseconds of CPU per page (the best of
the rounds). The data is research-use only and is read in place.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

import searcher
from searcher.indexing.document_maker import maker_for
from searcher.ingest import decode
from searcher.ingest.html import parse_html
from searcher.ingest.html_content import extract_body
from searcher.ingest.html_meta import read_meta
from searcher.schema import article_fields

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/article-extraction-benchmark"


def best_ms(pages: int, rounds: int, work: Callable[[], object]) -> float:
    """The least CPU milliseconds per page ``work`` took over ``rounds`` runs."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return round(1000 * best / pages, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each stage (best kept)")
    args = parser.parse_args()
    files = sorted((args.data / "html").glob("*.html.gz"))
    if not files:
        parser.error(f"no pages in {args.data / 'html'}")
    pages = [gzip.decompress(f.read_bytes()) for f in files]
    texts = [decode(page) for page in pages]
    n = len(pages)

    def trees() -> list[BeautifulSoup]:
        return [BeautifulSoup(text, "lxml") for text in texts]

    soups = trees()
    metas = [read_meta(soup, path="page") for soup in soups]
    articles = [parse_html(page, path="page", doc_id=f"page{i}") for i, page in enumerate(pages)]
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder) / "index"
        searcher.open_index(index_dir, create=True).close()
        maker = maker_for(str(index_dir))
        stages: dict[str, Callable[[], object]] = {
            "searcher decode": lambda: [decode(page) for page in pages],
            "searcher BeautifulSoup tree (lxml)": trees,
            "searcher metadata pass": lambda: [read_meta(s, path="page") for s in soups],
            "searcher body extraction": lambda: [
                extract_body(s, title=m.title) for s, m in zip(soups, metas, strict=True)
            ],
            "searcher parse_html (all of the above)": lambda: [
                parse_html(page, path="page", doc_id="page") for page in pages
            ],
            "searcher analysis (DocumentMaker.make)": lambda: [
                maker.make(article_fields(a, signature=False)) for a in articles
            ],
        }
        for stage, work in stages.items():
            print(json.dumps({"stage": stage, "cpu_ms_per_page": best_ms(n, args.rounds, work)}))
    try:
        import trafilatura
    except ImportError:
        print(json.dumps({"stage": "trafilatura extract", "skipped": "not installed"}))
        return 0
    work = lambda: [trafilatura.extract(text) for text in texts]  # noqa: E731
    print(
        json.dumps(
            {"stage": "trafilatura extract", "cpu_ms_per_page": best_ms(n, args.rounds, work)}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
