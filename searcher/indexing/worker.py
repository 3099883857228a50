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
import signal
from datetime import datetime
from pathlib import Path
from typing import Any

from searcher import analysis, ingest
from searcher.errors import IngestError
from searcher.indexing import scheduling
from searcher.indexing.document_maker import DocumentMaker, maker_for
from searcher.indexing.tasks import Capture, FileResult, Task, TaskResult, Written
from searcher.models import Article, Skipped
from searcher.schema import article_fields
from searcher.store.segment_writer import SegmentBuilder

LOGGER = logging.getLogger(__name__)


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
    labels = article.labels
    if not all(isinstance(pair, tuple) and len(pair) == 2 for pair in labels) or not all(
        isinstance(part, str) for pair in labels for part in pair
    ):
        raise ValueError("a label is not a (kind, value) pair of text")
    label_texts = [part for pair in labels for part in pair]
    for value in (*texts, article.source, article.url, *article.keywords, *label_texts):
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


def warm_up() -> None:
    """Import what analysing articles needs (NLTK's stemmer, NumPy), so that a
    worker does it while the parent still plans the run."""
    from searcher import analysis
    from searcher.analysis import neardup

    analysis.load_stemmer()
    neardup.load_numpy()


#: In a worker process, the words whose stems it has handed to the parent this
#: run (``None`` in a process that is no worker). Each task analyses its words
#: afresh, and would otherwise hand back every one of them (some 50,000 pairs,
#: 9 MB of objects for the parent to receive, a task).
_STEMS_SENT: set[str] | None = None


def _new_stems(stems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (word, stem) pairs this process has not handed to the parent yet."""
    sent = _STEMS_SENT
    if sent is None:
        return stems
    new = [pair for pair in stems if pair[0] not in sent]
    sent.update(word for word, _ in new)
    return new


def init_worker(progress: Any = None, shared: Any = None) -> None:
    """Set up a worker process of a run: ``progress`` and ``shared`` as
    :func:`searcher.indexing.scheduling.shared_state` makes them."""
    global _STEMS_SENT
    _STEMS_SENT = set()
    # Ctrl-C reaches the whole process group: only the parent acts on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    scheduling.use_shared_state(progress, shared)
    analysis.forget_stem_tables()
    warm_up()
    try:  # die with the parent, so a killed run leaves no worker writing on
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run_task(task: Task) -> TaskResult:
    """Read the task's files and write their articles into one new segment."""
    # A task builds millions of postings and frees none: the cyclic collector
    # would walk them again and again (about 10% of the time) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build_segment(task)
    finally:
        if collecting:
            gc.enable()
        give_back_memory()


def give_back_memory() -> None:
    """Hand the memory the task freed back to the system (glibc keeps it for the
    process otherwise): the two workers end a round a file or so apart, and
    the one that is done no longer holds its peak while the other reaches its
    own (a worker holds some 50 MB less between tasks). A no-op elsewhere."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _malloc_trim() -> Any:
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _malloc_trim()


def _captures(articles: list[Article], written: set[str]) -> tuple[Capture, ...]:
    """(id, URL, ISO crawl date) of the written articles that are captures of web pages."""
    return tuple(
        (a.id, a.url, a.crawled.isoformat())
        for a in articles
        if a.crawled is not None and a.url and a.id in written
    )


def build_segment(task: Task) -> TaskResult:
    """Read the task's files (its share of them) and write their articles into one
    new segment, with the collector as it is (:func:`run_task` turns it off)."""
    maker = maker_for(task.index_dir)
    builder = SegmentBuilder(Path(task.index_dir), maker.schema)
    result = TaskResult(task.number, None)
    try:
        for path, doc_id, span in scheduling.take_pieces(task):
            piece = span[0] if span else 0
            try:
                read = ingest.read_file_counted(Path(path), doc_id, task.options, span=span)
            except IngestError as exc:
                LOGGER.info("skipped %s", exc)  # also in the run's report
                result.files.append(FileResult(path, error=exc.reason, piece=piece))
                scheduling.count_file(path, 0, span)
                continue
            except OSError as exc:
                error = f"cannot read the file ({exc})"
                result.files.append(FileResult(path, error=error, piece=piece))
                scheduling.count_file(path, 0, span)
                continue
            written = write_articles(builder, maker, read.articles, result.rejected)
            captures = _captures(read.articles, {w[0] for w in written})
            result.files.append(
                FileResult(path, tuple(written), None, read.passed_over, piece, captures)
            )
            scheduling.count_file(path, len(written), span)
        maker.forget()
        result.segment = builder.finish()
        result.stems = _new_stems(maker.take_stems())
    except BaseException:
        builder.cancel()
        raise
    return result
