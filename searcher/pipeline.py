"""The worker side of indexing: read files, check and analyse articles, write a segment.

Each :class:`Task` (a run of corpus files) becomes one Whoosh segment, written
by one worker process with a :class:`~searcher.segments.SegmentBuilder`; the
parent only commits. Articles are checked before anything of theirs is written,
so a bad article is reported and the others are untouched (Whoosh keeps the
postings of a document whose ``add_document`` raised part-way, and they then
point at the next document).

Words the Snowball stemmer met go back to the parent, which keeps them in the
index's stem file, so a query of known words never imports nltk.

Analysis takes the fast path of :class:`FastAnalyzer`: the analyzer's filters
map each distinct token to its term once, and positions follow Whoosh's
``StopFilter`` renumbering, so the terms are the ones the analyzer produces
(``tests/test_engine_pipeline.py`` checks this against the analyzer itself).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh.analysis import CompositeAnalyzer, StopFilter, Token
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from searcher import ingest, neardup
from searcher.analysis import NltkTokenizer, compile_pattern
from searcher.errors import IngestError
from searcher.models import Article, Skipped
from searcher.schema import lead_text
from searcher.segments import SegmentBuilder, read_toc

LOGGER = logging.getLogger(__name__)

#: The raw-token cache of one analyzer is cleared when it grows past this.
TOKEN_CACHE_SIZE = 500_000


def _run_filters(filters: list[Any], token: Token) -> str:
    stream: Any = iter([token])
    for item in filters:
        stream = item(stream)
    return str(next((t.text for t in stream if not t.stopped), ""))


class FastAnalyzer:
    """Index terms and positions of a ``NltkTokenizer | filters...`` analyzer, fast.

    :param analyzer: the field's analyzer; its first item must be an
        :class:`~searcher.analysis.NltkTokenizer`.
    """

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        tokenizer, *filters = analyzer.items
        if not isinstance(tokenizer, NltkTokenizer):
            raise TypeError(f"not an NltkTokenizer analyzer: {analyzer!r}")
        self.findall = compile_pattern(tokenizer.pattern).findall
        # Split at the stemmer, to learn which word each stem came from.
        morph = next((i for i, f in enumerate(filters) if getattr(f, "is_morph", False)), None)
        self.before = filters if morph is None else filters[:morph]
        self.after = [] if morph is None else filters[morph:]
        self.renumber = any(isinstance(f, StopFilter) and f.renumber for f in filters)
        self.cache: dict[str, str] = {}
        #: (word, stem) pairs met since :meth:`take_stems` was last called.
        self.stems: list[tuple[str, str]] = []

    def _learn(self, raw: str) -> str:
        """Run the filters on one token; return its term, or ``""`` when dropped."""
        token = Token(positions=True, chars=False, removestops=True, mode="index")
        token.text, token.boost, token.stopped, token.pos = raw, 1.0, False, 0
        term = _run_filters(self.before, token)
        if term and self.after:
            word = term
            token.text, token.stopped = word, False
            term = _run_filters(self.after, token)
            if term:
                self.stems.append((word, term))
        if len(self.cache) >= TOKEN_CACHE_SIZE:
            self.cache.clear()
        self.cache[raw] = term
        return term

    def take_stems(self) -> list[tuple[str, str]]:
        """Return, and forget, the (word, stem) pairs met since the last call."""
        stems, self.stems = self.stems, []
        return stems

    def positions(self, text: str) -> dict[str, list[int]]:
        """Return each term of ``text`` with its positions, in order of first use."""
        found: dict[str, list[int]] = {}
        get = self.cache.get
        renumber = self.renumber
        pos = -1
        for index, raw in enumerate(self.findall(text)):
            term = get(raw)
            if term is None:
                term = self._learn(raw)
            if not term:
                continue
            pos = (index if pos < 0 else pos + 1) if renumber else index
            plist = found.get(term)
            if plist is None:
                found[term] = [pos]
            else:
                plist.append(pos)
        return found


#: One written article: (id, docnum, duplicate key, source, ISO date or None).
Written = tuple[str, int, int, str, str | None]


@dataclass(frozen=True, slots=True)
class Task:
    """Files for one worker to turn into one segment; ``files`` holds (path, doc id)."""

    number: int
    index_dir: str
    files: tuple[tuple[str, str], ...]
    options: ingest.ReadOptions = ingest.DEFAULT_OPTIONS


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
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"its text cannot be stored as UTF-8 ({exc.reason})") from exc


class DocumentMaker:
    """Turns articles into the stored values, postings and columns of one document."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        # Encoded positions of a term used once, by position: most terms in an article.
        self._single: dict[int, bytes] = {}
        self.fast: dict[str, FastAnalyzer] = {}
        for name in schema.names():
            analyzer = getattr(schema[name], "analyzer", None)
            fmt = getattr(schema[name], "format", None)
            fast_format = hasattr(fmt, "encode") or isinstance(fmt, Frequency)
            if isinstance(analyzer, CompositeAnalyzer) and fast_format:
                with contextlib.suppress(TypeError):  # not an NltkTokenizer chain
                    self.fast[name] = FastAnalyzer(analyzer)

    def take_stems(self) -> list[tuple[str, str]]:
        """Return, and forget, the (word, stem) pairs its analyzers met since the last call."""
        return [pair for fast in self.fast.values() for pair in fast.take_stems()]

    def _fast_items(
        self, fast: FastAnalyzer, fmt: Any, value: str
    ) -> list[tuple[bytes, int, float, bytes]]:
        boost = fmt.field_boost
        if isinstance(fmt, Frequency):  # counts only, as Frequency.word_values gives
            return [
                (term.encode("utf-8"), len(plist), len(plist) * boost, pack_uint(len(plist)))
                for term, plist in fast.positions(value).items()
            ]
        single = self._single
        items = []
        for term, plist in fast.positions(value).items():
            count = len(plist)
            if count == 1:
                vbytes = single.get(plist[0])
                if vbytes is None:
                    vbytes = single[plist[0]] = fmt.encode(plist)
            else:
                vbytes = fmt.encode(plist)
            items.append((term.encode("utf-8"), count, count * boost, vbytes))
        return items

    def make(
        self, values: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, list[tuple[bytes, int, float, bytes]]], dict[str, Any]]:
        """Return ``(stored, items, columns)`` for a document's field values."""
        schema = self.schema
        items: dict[str, list[tuple[bytes, int, float, bytes]]] = {}
        columns: dict[str, Any] = {}
        for name, value in values.items():
            fieldobj = schema[name]
            if fieldobj.indexed:
                fast = self.fast.get(name)
                if fast is None:
                    items[name] = list(fieldobj.index(value))
                else:
                    items[name] = self._fast_items(fast, fieldobj.format, value)
            if fieldobj.column_type is not None:
                columns[name] = fieldobj.to_column_value(value)
        return values, items, columns


_MAKERS: dict[str, DocumentMaker] = {}


def maker_for(index_dir: str) -> DocumentMaker:
    # One per process and index: the schema is read from the index once.
    maker = _MAKERS.get(index_dir)
    if maker is None:
        maker = _MAKERS[index_dir] = DocumentMaker(read_toc(Path(index_dir)).schema)
    return maker


def article_fields(article: Article) -> dict[str, Any]:
    """Return the Whoosh field values of one article."""
    fields: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "byline": article.byline,
        "source": article.source,
        "body": article.body,
        "lead": lead_text(article.title, article.body),
        "url": article.url,
        "keywords": ",".join(article.keywords),
        # Search features: the unstemmed word list, facet keys, near-duplicate keys.
        "words": f"{article.title}\n{article.body}",
        "source_key": article.source.strip(),
        **neardup.signature_fields(article.body),
    }
    if article.date is not None:
        fields["date"] = article.date
        fields["month"] = f"{article.date:%Y-%m}"
        fields["day"] = f"{article.date:%Y%m%d}"
    return fields


def write_articles(
    builder: SegmentBuilder, maker: DocumentMaker, articles: list[Article], rejected: list[Skipped]
) -> list[Written]:
    """Check, analyse and add ``articles``; report the ones that fail in ``rejected``."""
    written: list[Written] = []
    for article in articles:
        try:
            check_article(article)
            stored, items, columns = maker.make(article_fields(article))
        except Exception as exc:  # one bad article must not stop the others
            LOGGER.warning("article %s not indexed: %s", article.id, exc)
            rejected.append(Skipped(f"{article.path} ({article.id})", f"not indexed: {exc}"))
            continue
        docnum = builder.add(stored, items, columns)
        date = article.date.isoformat() if article.date else None
        written.append((article.id, docnum, duplicate_key(article), article.source, date))
    return written


def run_task(task: Task) -> TaskResult:
    """Read the task's files and write their articles into one new segment."""
    maker = maker_for(task.index_dir)
    builder = SegmentBuilder(Path(task.index_dir), maker.schema)
    result = TaskResult(task.number, None)
    try:
        for path, doc_id in task.files:
            try:
                articles = ingest.read_file(Path(path), doc_id, task.options)
            except IngestError as exc:
                LOGGER.info("skipped %s", exc)  # also in the run's report
                result.files.append(FileResult(path, error=exc.reason))
                continue
            except OSError as exc:
                result.files.append(FileResult(path, error=f"cannot read the file ({exc})"))
                continue
            written = write_articles(builder, maker, articles, result.rejected)
            result.files.append(FileResult(path, tuple(written)))
        result.segment = builder.finish()
        result.stems = maker.take_stems()
    except BaseException:
        builder.cancel()
        raise
    return result
