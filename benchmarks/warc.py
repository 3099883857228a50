"""Indexing a web archive: searcher against trafilatura on the same WARC records.

Builds a WARC (gzip'd a record a member, as crawlers write them) of the
article-extraction-benchmark pages repeated to at least 5,000 records, each
copy under its own URL; then

* runs ``searcher index`` over it from a cold start with every core (reading,
  extracting, analysing and committing: the whole process), and reports pages/s
  and peak memory (parent and workers summed, and the largest process);
* has trafilatura (a benchmark-only dependency: ``pip install -e '.[bench]'``)
  extract the same records, read with warcio, in a pool of as many processes;
* scores both bodies on the benchmark's ground truth (F1 of word 4-gram
  shingles, as ``benchmarks/extraction.py`` does), on the first copy of each page.

Usage::

    .venv/bin/python benchmarks/warc.py [--repeat 38] [--jobs N] [--data DIR]

Prints one JSON line per measurement. The data is research-use only: it is
read in place, and the WARC is written to a temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import searcher

HERE = Path(__file__).resolve().parent


def _sibling(name: str) -> ModuleType:
    """Another benchmark script of this folder, as a module."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


extraction = _sibling("extraction")
indexing = _sibling("indexing")


def build_warc(data: Path, path: Path, repeat: int) -> dict[str, int]:
    """Write every benchmark page ``repeat`` times; return page key -> offset of its first copy."""
    pages = {p.name.removesuffix(".html.gz"): p for p in sorted((data / "html").glob("*.html.gz"))}
    bodies = {key: gzip.decompress(p.read_bytes()) for key, p in pages.items()}
    first: dict[str, int] = {}
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for copy in range(repeat):
            for key, body in bodies.items():
                if copy == 0:
                    first[key] = out.tell()
                http = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    f"https://bench.example/{copy}/{key}",
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2019-11-20T12:00:00Z"},
                )
                writer.write_record(record)
    return first


def _trafilatura_one(item: tuple[str, bytes]) -> tuple[str, str]:
    import trafilatura

    url, html = item
    return url, trafilatura.extract(html, url=url, include_comments=False) or ""


def _payloads(path: Path) -> list[tuple[str, bytes]]:
    with path.open("rb") as fh:
        return [
            (record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read())
            for record in ArchiveIterator(fh)
            if record.rec_type == "response"
        ]


def trafilatura_run(path: Path, jobs: int) -> tuple[dict[str, float], dict[str, str]]:
    """Read the WARC with warcio and extract every page with trafilatura in ``jobs`` processes."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = [0]
    running = threading.Event()
    running.set()

    def sample() -> None:  # this process and its pool together, every 50 ms
        while running.is_set():
            peak[0] = max(peak[0], indexing._tree_rss_kb(os.getpid()))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    items = _payloads(path)
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        texts = dict(pool.imap(_trafilatura_one, items, chunksize=16))
    seconds = time.perf_counter() - started
    running.clear()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "pages_per_s": len(items) / seconds,
        "cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        # This process (holding the WARC's pages, read with warcio) and its pool, summed.
        "peak_rss_mb_all_processes": peak[0] / 1024,
    }, texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=38, help="copies of each page (38: 5,092)")
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: the cores)")
    parser.add_argument("--data", type=Path, default=extraction.DEFAULT_DATA)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found in {args.data}", file=sys.stderr)
        return 1
    jobs = args.jobs or len(os.sched_getaffinity(0))
    truth = extraction.load_truth(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "warc"
        corpus.mkdir()
        path = corpus / "bench.warc.gz"
        first = build_warc(args.data, path, args.repeat)
        records = len(first) * args.repeat
        print(json.dumps({
            "warc_records": records, "warc_mb": path.stat().st_size / 1e6, "jobs": jobs,
            "cores": os.cpu_count(),
        }))  # fmt: skip

        ours = indexing.searcher_run(corpus, Path(tmp) / "ix", jobs)
        ours["pages_per_s"] = records / ours["seconds"]
        with searcher.open_index(Path(tmp) / "ix") as ix:
            bodies = {
                key: ix.get(f"warc/bench.warc.gz#{offset}").body for key, offset in first.items()
            }
        ours_f1 = extraction.score((truth[k], bodies.get(k, "")) for k in truth)
        print(json.dumps({"tool": "searcher index", **ours, "body_f1": round(ours_f1.f1, 4)}))

        theirs, texts = trafilatura_run(path, jobs)
        predicted = {k: texts.get(f"https://bench.example/0/{k}", "") for k in truth}
        their_f1 = extraction.score((truth[k], predicted[k]) for k in truth)
        print(json.dumps({"tool": "trafilatura", **theirs, "body_f1": round(their_f1.f1, 4)}))

        files = extraction.evaluate(args.data)
        file_f1 = extraction.score((truth[k], files.bodies[k]) for k in truth)
        print(json.dumps({
            "searcher_f1_from_files": round(file_f1.f1, 4),
            "searcher_f1_from_warc": round(ours_f1.f1, 4),
            "speedup_over_trafilatura": round(ours["pages_per_s"] / theirs["pages_per_s"], 2),
        }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
