"""Synthetic news stories for scale benchmarks: real sentences, remixed, seeded.

Usage: ``python benchmarks/synthetic.py OUT_DIR --count 400000 [--seed 0] [--per-file 2000]``

The sentences are real: every body of ``../shared/data/reuters21578`` (SGML)
and ``../shared/data/bbc-news`` cut into sentences (tables, all-capitals lines
and fragments left out). A story takes a real article as its seed (headline,
topic, a few of its sentences) and fills up to its length, about 370 words
(240 to 500), with short runs of sentences from other articles of the same
topic (a Reuters TOPICS label, a BBC section), so words co-occur as in news.
Paragraphs are two to four sentences. Dates run from 1987 to 2012; bylines
are invented names with a source (Reuters, AFP, AP, BBC...); a fifth of the
stories have no byline.

Story ``n`` depends only on ``(seed, n)``: the first 100,000 stories of a
400,000 run are the 100,000 run, and files can be written in any order. As a
library (``sys.path`` holding ``benchmarks/``)::

    from synthetic import stories, write_jsonl
    for article in stories(1000, seed=0):    # searcher.models.Article
        ...
    files = write_jsonl(folder, 400_000)       # JSON Lines shards for `searcher index`

The shards are ``stories-00000.jsonl``...; a story's record id is ``s0000123``,
so its searcher id is ``stories-00000.jsonl#s0000123`` (``article_id``).
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from searcher.models import Article

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
REUTERS = DATA / "reuters21578"
BBC = DATA / "bbc-news" / "bbc"

#: Stories per JSON Lines file: about 4.6 MB, so each worker's share of a
#: round holds several files and one file never dominates a worker's memory.
PER_FILE = 2000
#: Story length in words: a triangular draw, mean about 370.
LENGTH_MIN, LENGTH_MODE, LENGTH_MAX = 220, 330, 480
#: Dates are drawn uniformly from this span.
FIRST_DATE = datetime(1987, 1, 1)  # naive UTC, as searcher keeps dates
DATE_SPAN_S = int((datetime(2013, 1, 1) - FIRST_DATE).total_seconds())
#: A story's seed article gives at most this many of its sentences.
SEED_SENTENCES = 3
#: Sources by weight; the seed article's own (Reuters or BBC) gets extra weight.
SOURCES = (("Reuters", 4), ("AFP", 2), ("AP", 2), ("BBC", 2), ("DPA", 1), ("Bloomberg", 1),
           ("The Coastal Herald", 1), ("Xinhua", 1))  # fmt: skip
FIRST_NAMES = (
    "Maria", "James", "Lena", "Dan", "Aisha", "Tomasz", "Priya", "Kenji", "Sofia", "Omar",
    "Hannah", "Luis", "Grace", "Pieter", "Nadia", "Ravi", "Claire", "Mehmet", "Yuki", "Ben",
    "Ingrid", "Kwame", "Elena", "Marco", "Fatima", "David", "Chen", "Olga", "Samuel", "Rosa",
)  # fmt: skip
LAST_NAMES = (
    "Alvarez", "Park", "De Luce", "Okafor", "Novak", "Sharma", "Tanaka", "Rossi", "Haddad",
    "Miller", "Schmidt", "Dubois", "Kowalski", "Nguyen", "Costa", "Jensen", "Ivanova",
    "O'Brien", "Mensah", "Yilmaz", "Larsen", "Moreau", "Fischer", "Ali", "Wong", "Silva",
    "Petrov", "Brennan", "Kapoor", "Lindqvist",
)  # fmt: skip

_REUTERS_DOC = re.compile(r"<REUTERS[^>]*>(.*?)</REUTERS>", re.S)
_TAGGED = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "BODY")}
_FIRST_LABEL = {name: re.compile(rf"<{name}><D>(.*?)</D>") for name in ("TOPICS", "PLACES")}
_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)][.!?])\s+(?=[\"'(A-Z])|(?<=[.!?][\"'])\s+(?=[A-Z])")
_SPACE = re.compile(r"\s+")
_TICKER = re.compile(r"\s*<[^>]*>")  # Reuters' <SRD> company codes: JSON readers take them for tags
_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass(frozen=True, slots=True)
class Pool:
    """The sentences, grouped by article and article by topic."""

    sentences: tuple[str, ...]
    words: tuple[int, ...]
    #: Per article: (first sentence, end, topic index, title, "Reuters" or "BBC").
    articles: tuple[tuple[int, int, int, str, str], ...]
    #: Per topic: its label and the articles under it.
    topics: tuple[tuple[str, tuple[int, ...]], ...]


def _sentences(text: str) -> list[str]:
    """The clean sentences of one body: whole, worded, neither table nor shouting."""
    kept = []
    for sentence in _SENTENCE_END.split(_SPACE.sub(" ", text).strip()):
        words = sentence.split()
        if not 6 <= len(words) <= 60 or sentence[-1] not in ".!?\"'":
            continue
        if sentence.isupper() or len(_WORD.findall(sentence)) < 0.7 * len(words):
            continue
        kept.append(sentence)
    return kept


def _reuters() -> Iterator[tuple[str, str, str]]:
    """(topic, title, body) of every Reuters story with a body."""
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        for match in _REUTERS_DOC.finditer(path.read_text(encoding="latin-1")):
            raw = match.group(1)
            body, title = _TAGGED["BODY"].search(raw), _TAGGED["TITLE"].search(raw)
            if body is None:
                continue
            # The first topic, else the first place: stories on one subject or country.
            topic = _FIRST_LABEL["TOPICS"].search(raw) or _FIRST_LABEL["PLACES"].search(raw)
            text = _TICKER.sub("", html.unescape(body.group(1))).replace("\x03", "")
            text = re.sub(r"\s+Reuter\s*$", "", text.strip())
            headline = _TICKER.sub("", html.unescape(title.group(1))).strip() if title else ""
            yield (topic.group(1) if topic else "general"), _headline(headline), text


def _headline(title: str) -> str:
    """``BAHIA COCOA REVIEW`` as ``Bahia Cocoa Review`` (Reuters headlines are capitals)."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 3 else w for w in title.split())


def _bbc() -> Iterator[tuple[str, str, str]]:
    """(section, title, body) of every BBC story."""
    for path in sorted(BBC.glob("*/*.txt")):
        title, _, body = path.read_text(encoding="latin-1").partition("\n")
        yield path.parent.name, title.strip(), body


@functools.cache
def load_pool() -> Pool:
    """Read and cut both collections (a few seconds; cached for the process).

    :raises SystemExit: when ``../shared/data`` lacks either collection.
    """
    for folder in (REUTERS, BBC):
        if not folder.is_dir():
            raise SystemExit(f"{folder} is absent: the synthetic stories are made from it")
    sentences: list[str] = []
    articles: list[tuple[int, int, int, str, str]] = []
    topic_index: dict[str, int] = {}
    members: list[list[int]] = []
    for outlet, reader in (("Reuters", _reuters), ("BBC", _bbc)):
        for topic, title, body in reader():
            cut = _sentences(body)
            if not cut or not title:
                continue
            key = f"{outlet}:{topic}"
            if key not in topic_index:
                topic_index[key] = len(members)
                members.append([])
            members[topic_index[key]].append(len(articles))
            articles.append(
                (len(sentences), len(sentences) + len(cut), topic_index[key], title, outlet)
            )
            sentences += cut
    labels = [key.split(":", 1)[1] for key in topic_index]
    return Pool(
        sentences=tuple(sentences),
        words=tuple(len(s.split()) for s in sentences),
        articles=tuple(articles),
        topics=tuple(zip(labels, map(tuple, members), strict=True)),
    )


def article_id(n: int, per_file: int = PER_FILE) -> str:
    """The searcher id of story ``n`` when indexed from :func:`write_jsonl`'s files."""
    return f"{_file_name(n // per_file)}#{_record_id(n)}"


def _file_name(shard: int) -> str:
    return f"stories-{shard:05d}.jsonl"


def _record_id(n: int) -> str:
    return f"s{n:07d}"


def _story(pool: Pool, rng: random.Random) -> dict[str, str]:
    """One story's fields, drawn from ``rng``."""
    r = rng.random
    first, end, topic, title, outlet = pool.articles[int(r() * len(pool.articles))]
    siblings = pool.topics[topic][1]
    target = int(rng.triangular(LENGTH_MIN, LENGTH_MAX, LENGTH_MODE))
    chosen = list(range(first, min(end, first + 1 + int(r() * SEED_SENTENCES))))
    words = sum(pool.words[i] for i in chosen)
    while words < target:
        start, stop = pool.articles[siblings[int(r() * len(siblings))]][:2]
        at = start + int(r() * (stop - start))
        for i in range(at, min(stop, at + 1 + int(r() * 3))):
            chosen.append(i)
            words += pool.words[i]
    paragraphs, at = [], 0
    while at < len(chosen):
        step = 2 + int(r() * 3)
        paragraphs.append(" ".join(pool.sentences[i] for i in chosen[at : at + step]))
        at += step
    date = FIRST_DATE + timedelta(seconds=int(r() * DATE_SPAN_S))
    source = outlet if r() < 0.4 else _weighted(SOURCES, r())
    if r() < 0.2:
        byline = ""
    else:
        name = (
            f"{FIRST_NAMES[int(r() * len(FIRST_NAMES))]} {LAST_NAMES[int(r() * len(LAST_NAMES))]}"
        )
        byline = f"{name}, {source}"
    return {
        "title": title,
        "byline": byline,
        "source": source,
        "date": date.isoformat(),
        "keywords": pool.topics[topic][0],
        "body": "\n\n".join(paragraphs),
    }


def _weighted(choices: tuple[tuple[str, int], ...], draw: float) -> str:
    total = sum(weight for _, weight in choices)
    at = draw * total
    for name, weight in choices:
        at -= weight
        if at < 0:
            return name
    return choices[-1][0]


def _shard_records(pool: Pool, seed: int, shard: int, per_file: int) -> Iterator[dict[str, str]]:
    """The records of one shard, from its own generator (so shards are independent)."""
    rng = random.Random(f"synthetic:{seed}:{per_file}:{shard}")
    for n in range(shard * per_file, (shard + 1) * per_file):
        yield {"id": _record_id(n), **_story(pool, rng)}


def records(count: int, *, seed: int = 0, per_file: int = PER_FILE) -> Iterator[dict[str, str]]:
    """The first ``count`` stories as JSON records (``id``, ``title``, ``byline``,
    ``source``, ``date``, ``keywords``, ``body``)."""
    pool = load_pool()
    for shard in range((count + per_file - 1) // per_file):
        for record in _shard_records(pool, seed, shard, per_file):
            if int(record["id"][1:]) >= count:
                return
            yield record


def stories(count: int, *, seed: int = 0, per_file: int = PER_FILE) -> Iterator[Article]:
    """The first ``count`` stories as :class:`~searcher.models.Article`\\ s, with
    the ids and paths :func:`write_jsonl`'s files give them."""
    for record in records(count, seed=seed, per_file=per_file):
        n = int(record["id"][1:])
        yield Article(
            id=article_id(n, per_file),
            path=_file_name(n // per_file),
            title=record["title"],
            body=record["body"],
            byline=record["byline"],
            source=record["source"],
            date=datetime.fromisoformat(record["date"]),
            keywords=(record["keywords"],),
        )


def write_jsonl(folder: Path, count: int, *, seed: int = 0, per_file: int = PER_FILE) -> list[Path]:
    """Write the first ``count`` stories as JSON Lines shards into ``folder``
    (created if needed); return the files. A shard already there with the right
    size is kept, so a larger run can reuse a smaller one's files."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = load_pool()
    written = []
    for shard in range((count + per_file - 1) // per_file):
        path = folder / _file_name(shard)
        wanted = min(per_file, count - shard * per_file)
        written.append(path)
        if path.exists() and _lines(path) == wanted:
            continue
        lines = []
        for record in _shard_records(pool, seed, shard, per_file):
            if len(lines) == wanted:
                break
            lines.append(json.dumps(record, ensure_ascii=False))
        part = path.with_suffix(".part")
        part.write_text("\n".join(lines) + "\n", encoding="utf-8")
        part.replace(path)
    return written


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="folder for the JSON Lines shards")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    args = parser.parse_args()
    started = time.perf_counter()
    pool = load_pool()
    loaded = time.perf_counter() - started
    files = write_jsonl(args.out, args.count, seed=args.seed, per_file=args.per_file)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in files)
    summary = {
        "stories": args.count,
        "files": len(files),
        "mb": round(size / 1e6, 1),
        "sentences": len(pool.sentences),
        "articles": len(pool.articles),
        "topics": len(pool.topics),
        "load_s": round(loaded, 2),
        "seconds": round(seconds, 2),
    }
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
