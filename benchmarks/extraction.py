"""Score searcher's HTML reader on the article-extraction-benchmark.

Runs :func:`searcher.ingest.html.read` over every page of
``../shared/data/article-extraction-benchmark/html`` and prints one table:
precision, recall and F1 of the article body by the benchmark's own method
(``\\w+`` tokens, word 4-gram shingle multisets, per-page P and R averaged over
pages, F1 of the two means), the same figures for the reference tools'
published outputs recomputed on the same pages, metadata coverage counts, and
our median and p95 milliseconds per page (read, gunzip, decode, parse, extract).

Usage::

    .venv/bin/python benchmarks/extraction.py [--data DIR] [--worst N]

The data is research-use only: it is read in place, never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import IngestError
from searcher.ingest import html as html_reader
from searcher.ingest import read_bytes
from searcher.models import Article

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "article-extraction-benchmark"
)
SHINGLE = 4
_WORD = re.compile(r"\w+")
# Raw-HTML evidence that a page states a date / names an author in a
# machine-readable place; used only to count coverage, never to extract.
# A date counts when a year from 1900 on follows the key closely, so that
# placeholders such as "0001-01-01T00:00:00Z" do not.
_STATES_DATE = re.compile(
    r"(?:datePublished|published_time|pubdate|<time[^>]+datetime|"
    r"name=[\"'](?:date|dc\.date[\w.]*|parsely-pub-date|sailthru\.date)[\"'])"
    r"[^<]{0,80}?\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_NAMES_AUTHOR = re.compile(
    r"\"author\"\s*:|rel=[\"']author[\"']|itemprop=[\"']author[\"']|"
    r"<meta[^>]+name=[\"'](?:author|byl|dc\.creator|parsely-author|sailthru\.author)[\"']",
    re.IGNORECASE,
)


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Return the multiset of word ``n``-gram shingles of ``text`` (``\\w+`` tokens)."""
    tokens = _WORD.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def page_scores(truth: str, predicted: str) -> tuple[float, float]:
    """Return one page's (precision, recall) of ``predicted`` against ``truth``."""
    want, got = shingles(truth), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    if fp == fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


@dataclass(frozen=True)
class Score:
    """Macro precision and recall over pages, and F1 of the two."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score ``(truth, predicted)`` pairs by the benchmark's method."""
    per_page = [page_scores(truth, predicted) for truth, predicted in pairs]
    if not per_page:
        return Score(0.0, 0.0, 0)
    return Score(
        statistics.fmean(p for p, _ in per_page),
        statistics.fmean(r for _, r in per_page),
        len(per_page),
    )


def load_truth(data: Path) -> dict[str, str]:
    """Return page id -> ground-truth body for the pages present in ``data/html``."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    present = {p.name.removesuffix(".html.gz") for p in (data / "html").glob("*.html.gz")}
    return {key: item["articleBody"] for key, item in truth.items() if key in present}


def extract(path: Path) -> tuple[Article | None, float, float]:
    """Read one page; return the article (``None`` when skipped), and the wall-clock
    and CPU milliseconds taken (they differ when other processes share the CPUs)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    try:
        article: Article | None = next(html_reader.read(path, path.name))
    except IngestError:
        article = None
    return article, (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000


def _median_p95(values: list[float]) -> str:
    p95 = sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]
    return f"{statistics.median(values):.1f}, p95 {p95:.1f}"


@dataclass
class Run:
    """Our reader's output over the benchmark pages, with timings and coverage counts."""

    truth: dict[str, str]
    bodies: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    cpu_times: list[float] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def evaluate(data: Path) -> Run:
    """Read every benchmark page in ``data`` and count what was found."""
    result = Run(load_truth(data))
    counts = result.counts
    for key in sorted(result.truth):
        path = data / "html" / f"{key}.html.gz"
        article, ms, cpu_ms = extract(path)
        result.times.append(ms)
        result.cpu_times.append(cpu_ms)
        result.bodies[key] = article.body if article else ""
        raw = read_bytes(path).decode("utf-8", "replace")
        states_date = bool(_STATES_DATE.search(raw))
        names_author = bool(_NAMES_AUTHOR.search(raw))
        counts["states date"] += states_date
        counts["names author"] += names_author
        if article is None:
            counts["skipped"] += 1
            continue
        counts["headline"] += bool(article.title)
        counts["date"] += article.date is not None
        counts["date where stated"] += article.date is not None and states_date
        counts["byline"] += bool(article.byline)
        counts["byline where named"] += bool(article.byline) and names_author
        counts["url"] += bool(article.url)
        counts["source"] += bool(article.source)
    return result


def run(data: Path, worst: int = 0) -> int:
    """Print the benchmark table for ``data``; return a process exit code."""
    if not (data / "ground-truth.json").is_file():
        print(f"benchmark data not found in {data}", file=sys.stderr)
        return 1
    result = evaluate(data)
    truth, ours, counts = result.truth, result.bodies, result.counts
    times, cpu_times = result.times, result.cpu_times

    rows = [("searcher", score((truth[k], ours[k]) for k in truth))]
    for ref in sorted((data / "reference-outputs").glob("*.json")):
        loaded = json.loads(ref.read_text(encoding="utf-8"))
        outputs = loaded.get("output", loaded)
        predicted = {k: (v or {}).get("articleBody") or "" for k, v in outputs.items()}
        rows.append((ref.stem, score((truth[k], predicted.get(k, "")) for k in truth)))

    print(f"{'extractor':<16} {'pages':>5} {'F1':>7} {'precision':>9} {'recall':>7}")
    for name, result in rows:
        print(
            f"{name:<16} {result.pages:>5} {result.f1:>7.3f} "
            f"{result.precision:>9.3f} {result.recall:>7.3f}"
        )
    pages = len(truth)
    print()
    print(f"pages: {pages}, skipped: {counts['skipped']}")
    print(f"headline: {counts['headline']}/{pages}")
    print(
        f"date: {counts['date']}/{pages} "
        f"(on {counts['date where stated']}/{counts['states date']} pages stating one)"
    )
    print(
        f"byline: {counts['byline']}/{pages} "
        f"(on {counts['byline where named']}/{counts['names author']} pages naming an author)"
    )
    print(f"url: {counts['url']}/{pages}, source: {counts['source']}/{pages}")
    print(f"ms per page (wall clock): median {_median_p95(times)}")
    print(f"ms per page (CPU time):   median {_median_p95(cpu_times)}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(load average {load:.1f} on {os.cpu_count()} CPUs while measuring)")
    if worst:
        print()
        ranked = sorted(truth, key=lambda k: page_scores(truth[k], ours[k]))
        for key in ranked[:worst]:
            p, r = page_scores(truth[key], ours[key])
            print(f"P {p:.2f} R {r:.2f} {key}")
    return 0


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    args = parser.parse_args()
    return run(args.data, args.worst)


if __name__ == "__main__":
    sys.exit(main())
