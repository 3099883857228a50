"""Time the search features on Reuters-21578 (about 21,000 stories).

Reads the shared SGML with a few regular expressions (the real SGML reader is
``searcher.ingest``'s job), indexes it once into a folder, then times queries
with snippets, collapsing on, and reports p50/p95 per kind of query, plus how
many near-duplicate groups collapsing found.

    .venv/bin/python benchmarks/bench_features.py /tmp/reuters-index
    .venv/bin/python benchmarks/bench_features.py /tmp/reuters-separate --separate

``--separate`` builds the index with Whoosh's ``compound=False``: a compound
segment (Whoosh's default, which ``Index.add`` uses) is copied into memory
every time a searcher opens, which on Reuters costs more than the query.
"""

from __future__ import annotations

import html
import re
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import searcher
from searcher import schema
from searcher.text.dates import parse_date

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "reuters21578"
_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_TAGS = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "BODY")}
_TOPICS = re.compile(r"<TOPICS>(.*?)</TOPICS>", re.S)

QUERIES = {
    "plain": ["cocoa", "oil prices", "bank of england", "wheat exports", "coffee quota"],
    "no-collapse": ["cocoa", "oil prices", "bank of england", "wheat exports", "coffee quota"],
    "dated": ["cocoa date:1987-03", "oil date:[1987-03-01 TO 1987-03-15]"],
    "facets": ["cocoa", "oil prices"],
    "newest": ["cocoa", "wheat"],
    "misspelled": ["cocao", "petrolium prices"],
}


def read_reuters(folder: Path) -> Iterator[searcher.Article]:
    for path in sorted(folder.glob("reut2-*.sgm")):
        text = path.read_bytes().decode("latin-1")
        for newid, story in _STORY.findall(text):
            parts = {k: (m.group(1) if (m := p.search(story)) else "") for k, p in _TAGS.items()}
            topics = _TOPICS.search(story)
            keywords = tuple(re.findall(r"<D>(.*?)</D>", topics.group(1))) if topics else ()
            yield searcher.Article(
                id=f"{path.name}#{newid}",
                path=str(path),
                title=html.unescape(parts["TITLE"]).strip(),
                body=html.unescape(parts["BODY"]).replace("\x03", "").strip(),
                source="Reuters",
                date=parse_date(parts["DATE"]),
                keywords=keywords,
            )


def _time(ix: searcher.Index, text: str, **options: object) -> float:
    started = time.perf_counter()
    ix.search(text, **options)  # type: ignore[arg-type]
    return (time.perf_counter() - started) * 1000


def _build(ix: searcher.Index, separate: bool) -> int:
    if not separate:
        return ix.add(read_reuters(DATA))
    # Benchmark only: Index.add offers no compound switch.
    writer = ix._ix.writer(compound=False, limitmb=256)
    count = 0
    for article in read_reuters(DATA):
        writer.add_document(**schema.article_fields(article))
        count += 1
    writer.commit()
    return count


def main(index_dir: str, separate: bool = False) -> None:
    with searcher.open_index(index_dir, create=True) as ix:
        if len(ix) == 0:
            started = time.perf_counter()
            count = _build(ix, separate)
            print(f"indexed {count} stories in {time.perf_counter() - started:.1f} s")
        print(f"{len(ix)} articles in {index_dir}")
        options: dict[str, dict[str, object]] = {
            "plain": {},
            "no-collapse": {"collapse": False},
            "dated": {},
            "facets": {"facets": True},
            "newest": {"sort": "newest"},
            "misspelled": {},
        }
        for kind, texts in QUERIES.items():
            for text in texts:  # warm the caches
                ix.search(text, **options[kind])  # type: ignore[arg-type]
            times = sorted(_time(ix, t, **options[kind]) for _ in range(20) for t in texts)
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{kind:<11} p50 {statistics.median(times):6.2f} ms  p95 {p95:6.2f} ms")
        for text in ("cocoa", "oil prices", "coffee quota"):
            results = ix.search(text, limit=10)
            grouped = sum(hit.similar_count for hit in results)
            print(f"{text!r}: {results.total} matches, top 10 absorb {grouped} near-duplicates")
        results = ix.search("cocao")
        print(f"'cocao' suggests {results.suggestion!r}")
        found = ix.search("cocoa", since="1987-02-26", until="1987-02-27")
        print("cocoa 1987-02-26..27:", [hit.title for hit in found])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/reuters-index", "--separate" in sys.argv)
