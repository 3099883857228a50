"""The worker side of indexing: read files, check and analyse articles, write a segment.

Each :class:`Task` (a run of corpus files) becomes one Whoosh segment, written
by one worker process with a :class:`~searcher.store.segment_writer.SegmentBuilder`; the
parent only commits. Articles are checked before anything of theirs is written,
so a bad article is reported and the others are untouched (Whoosh keeps the
postings of a document whose ``add_document`` raised part-way, and they then
point at the next document).

Documents are made by :class:`~searcher.indexing.document_maker.DocumentMaker`; the words
the Snowball stemmer met go back to the parent, which keeps them in the index's
stem file, so a query of known words never imports nltk.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from searcher import ingest
from searcher.errors import IngestError
from searcher.indexing.document_maker import DocumentMaker, article_fields, maker_for
from searcher.models import Article, Skipped
from searcher.store.segment_writer import SegmentBuilder

LOGGER = logging.getLogger(__name__)

#: One written article: (id, docnum, duplicate key, source, ISO date or None).
Written = tuple[str, int, int, str, str | None]


@dataclass(frozen=True, slots=True)
class Task:
    """Files for one worker to turn into one segment; ``files`` holds (path, doc id).

    The workers of one run share a round's files (see :func:`share_files`): the
    round's tasks hold the same files, in corpus order, cut into one run of
    files a task; a worker reads its own run from the front, then takes files
    from the back of the longest run left, until none is left. So a worker's
    files are mostly neighbours (their words overlap: fewer to learn and to
    write), and the workers end within about one file of each other.
    ``round`` is the round's number, ``share`` the task's number in the round,
    of ``shares``.
    """

    number: int
    index_dir: str
    files: tuple[tuple[str, str], ...]
    options: ingest.ReadOptions = ingest.DEFAULT_OPTIONS
    round: int = 0
    share: int = 0
    shares: int = 1


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one file gave: ``articles`` holds (id, docnum, duplicate key, source,
    ISO date) per article written; ``error`` is set when the file could not be read."""

    path: str
    articles: tuple[Written, ...] = ()
    error: str | None = None


@dataclass(slots=True)
class TaskResult:
    """A finished task: its segment (``None`` when it holds no article) and files."""

    number: int
    segment: Any
    files: list[FileResult] = field(default_factory=list)
    rejected: list[Skipped] = field(default_factory=list)
    stems: list[tuple[str, str]] = field(default_factory=list)


def duplicate_key(article: Article) -> int:
    """Return the key two copies of one story share, or 0 for "never a duplicate".

    Title, body *and* date: Reuters re-sent 254 stories with the same title
    and body at another time, and each transmission is an article of its own.
    Articles without body text (briefs) are never duplicates.
    """
    if not article.body.strip():
        return 0
    date = article.date.isoformat() if article.date else ""
    digest = hashlib.blake2b(
        "\x00".join((article.title, article.body, date)).encode("utf-8", "surrogatepass"),
        digest_size=8,
    ).digest()
    return int.from_bytes(digest, "big", signed=True) or 1


def check_article(article: Article) -> None:
    """Raise ``ValueError`` naming the problem when ``article`` cannot be indexed."""
    if not isinstance(article.id, str) or not article.id:
        raise ValueError("the article has no id")
    texts = (article.id, article.path, article.title, article.body, article.byline)
    for name, value in zip(("id", "path", "title", "body", "byline"), texts, strict=True):
        if not isinstance(value, str):
            raise ValueError(f"its {name} is {type(value).__name__}, not text")
    for name in ("source", "url"):
        if not isinstance(getattr(article, name), str):
            raise ValueError(f"its {name} is not text")
    if article.date is not None and not isinstance(article.date, datetime):
        raise ValueError("its date is not a datetime")
    if not all(isinstance(k, str) for k in article.keywords):
        raise ValueError("a keyword is not text")
    for value in (*texts, article.source, article.url, *article.keywords):
        if value.isascii():  # (a flag of the string: no need to encode it)
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"its text cannot be stored as UTF-8 ({exc.reason})") from exc


def write_articles(
    builder: SegmentBuilder, maker: DocumentMaker, articles: list[Article], rejected: list[Skipped]
) -> list[Written]:
    """Check, analyse and add ``articles``; report the ones that fail in ``rejected``."""
    written: list[Written] = []
    for article in articles:
        try:
            check_article(article)
            stored, items, columns = maker.make(article_fields(article, signature=False))
        except Exception as exc:  # one bad article must not stop the others
            LOGGER.warning("article %s not indexed: %s", article.id, exc)
            rejected.append(Skipped(f"{article.path} ({article.id})", f"not indexed: {exc}"))
            continue
        docnum = builder.add(stored, items, columns)
        date = article.date.isoformat() if article.date else None
        written.append((article.id, docnum, duplicate_key(article), article.source, date))
    return written


#: Where a worker process adds up what it has read, for the parent's progress
#: bar while tasks run: ``[files, bytes, articles]`` (a shared array), or None.
_PROGRESS: Any = None


def report_progress_to(shared: Any) -> None:
    """Make this process add up the files, bytes and articles it reads in
    ``shared`` (a ``multiprocessing`` array of three integers)."""
    global _PROGRESS
    _PROGRESS = shared


def _count_file(path: str, articles: int) -> None:
    shared = _PROGRESS
    if shared is None:
        return
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0
    with shared.get_lock():
        shared[0] += 1
        shared[1] += size
        shared[2] += articles


#: The state of the run's current round, shared by its workers (a ``multiprocessing``
#: integer array: the round's number plus one, then each share's next and last
#: file), or None: this process works alone and takes all of a task's files.
_SHARED: Any = None


def share_files(shared: Any) -> None:
    """Make this process take a task's files one at a time from ``shared``, a
    ``multiprocessing`` integer array of ``1 + 2 * workers`` zeros shared by
    the run's workers."""
    global _SHARED
    _SHARED = shared


def _take(task: Task) -> Iterator[tuple[str, str]]:
    """The files of ``task`` this process is to read: all of them when it works
    alone, else the next of its own run of files, then of the longest run left.

    Rounds are handed out in order, and a task ends only when its round has no
    file left: the first worker to ask in a round cuts it into runs, and a
    worker still asking for an earlier round finds it over.
    """
    shared = _SHARED
    if shared is None:
        yield from task.files
        return
    while True:
        with shared.get_lock():
            number = _next_file(shared, task)
        if number is None:
            return
        yield task.files[number]


def share_runs(count: int, shares: int) -> list[tuple[int, int]]:
    """The first and last number of each share's run of files, in a round of ``count``."""
    return [(share * count // shares, (share + 1) * count // shares - 1) for share in range(shares)]


def _next_file(shared: Any, task: Task) -> int | None:
    tag = task.round + 1
    if shared[0] > tag:
        return None  # a later round has begun: this one has no file left
    count = len(task.files)
    if shared[0] < tag:  # the round's first request: one run of files a share
        shared[0] = tag
        for share, (first, last) in enumerate(share_runs(count, task.shares)):
            shared[1 + 2 * share], shared[2 + 2 * share] = first, last
    front = 1 + 2 * task.share
    if shared[front] <= shared[front + 1]:
        shared[front] += 1
        return int(shared[front] - 1)
    longest = max(range(task.shares), key=lambda s: shared[2 + 2 * s] - shared[1 + 2 * s])
    back = 2 + 2 * longest
    if shared[back] < shared[back - 1]:
        return None
    shared[back] -= 1
    return int(shared[back] + 1)


def warm_up() -> None:
    """Import what analysing articles needs (NLTK's stemmer, NumPy), so that a
    worker does it while the parent still plans the run."""
    from searcher import analysis
    from searcher.analysis import neardup

    analysis.load_stemmer()
    neardup.load_numpy()


def run_task(task: Task) -> TaskResult:
    """Read the task's files and write their articles into one new segment."""
    # A task builds millions of postings and frees none: the cyclic collector
    # would walk them again and again (about 10% of the time) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_task(task)
    finally:
        if collecting:
            gc.enable()


def _run_task(task: Task) -> TaskResult:
    maker = maker_for(task.index_dir)
    builder = SegmentBuilder(Path(task.index_dir), maker.schema)
    result = TaskResult(task.number, None)
    try:
        for path, doc_id in _take(task):
            try:
                articles = ingest.read_file(Path(path), doc_id, task.options)
            except IngestError as exc:
                LOGGER.info("skipped %s", exc)  # also in the run's report
                result.files.append(FileResult(path, error=exc.reason))
                _count_file(path, 0)
                continue
            except OSError as exc:
                result.files.append(FileResult(path, error=f"cannot read the file ({exc})"))
                _count_file(path, 0)
                continue
            written = write_articles(builder, maker, articles, result.rejected)
            result.files.append(FileResult(path, tuple(written)))
            _count_file(path, len(written))
        maker.forget()
        result.segment = builder.finish()
        result.stems = maker.take_stems()
    except BaseException:
        builder.cancel()
        raise
    return result
