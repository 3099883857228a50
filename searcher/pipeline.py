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
import gc
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress, repeat
from operator import is_, sub
from pathlib import Path
from typing import Any

from whoosh.analysis import CompositeAnalyzer, StopFilter, Token
from whoosh.compat import dumps
from whoosh.fields import NUMERIC
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from searcher import ingest, neardup
from searcher.analysis import TOKEN_PATTERN, NltkTokenizer, compile_pattern
from searcher.errors import IngestError
from searcher.models import Article, Skipped
from searcher.schema import lead_text
from searcher.segments import FieldItems, SegmentBuilder, read_toc

LOGGER = logging.getLogger(__name__)

#: The raw-token cache of one analyzer is cleared when it grows past this.
TOKEN_CACHE_SIZE = 500_000


def _run_filters(filters: list[Any], texts: list[str]) -> list[str]:
    """Run ``texts`` through ``filters`` as one token stream (one generator chain
    for all, not one per token); return each one's output, ``""`` when dropped."""
    found = [""] * len(texts)
    current = 0
    token = Token(positions=True, chars=False, removestops=True, mode="index")

    def feed() -> Iterator[Token]:
        nonlocal current
        for current, text in enumerate(texts):  # noqa: B007  # read as each output comes
            token.text, token.boost, token.stopped, token.pos = text, 1.0, False, 0
            yield token

    stream: Any = feed()
    for item in filters:
        stream = item(stream)
    for out in stream:  # filters pass a token on before taking the next one
        if not out.stopped and not found[current]:
            found[current] = str(out.text)
    return found


class FastAnalyzer:
    """Index terms and positions of a ``NltkTokenizer | filters...`` analyzer, fast.

    :param analyzer: the field's analyzer; its first item must be an
        :class:`~searcher.analysis.NltkTokenizer`.
    """

    def __init__(self, analyzer: CompositeAnalyzer) -> None:
        tokenizer, *filters = analyzer.items
        if not isinstance(tokenizer, NltkTokenizer):
            raise TypeError(f"not an NltkTokenizer analyzer: {analyzer!r}")
        # All-ASCII text of our own pattern takes its faster ASCII form.
        self.findall = compile_pattern(tokenizer.pattern).findall
        # Split at the stemmer, to learn which word each stem came from.
        morph = next((i for i, f in enumerate(filters) if getattr(f, "is_morph", False)), None)
        self.before = filters if morph is None else filters[:morph]
        self.after = [] if morph is None else filters[morph:]
        self.renumber = any(isinstance(f, StopFilter) and f.renumber for f in filters)
        self.cache: dict[str, str] = {}
        #: (word, stem) pairs met since :meth:`take_stems` was last called.
        self.stems: list[tuple[str, str]] = []

    def _learn(self, raws: Iterable[str]) -> None:
        """Run the filters on tokens not in the cache, and cache their terms."""
        raws = list(dict.fromkeys(raws))
        terms = _run_filters(self.before, raws)
        if self.after:
            words = [w for w in dict.fromkeys(terms) if w]
            stems = dict(zip(words, _run_filters(self.after, words), strict=True))
            self.stems += [(w, stem) for w, stem in stems.items() if stem]
            terms = [stems[w] if w else "" for w in terms]
        self.cache.update(zip(raws, terms, strict=True))

    def take_stems(self) -> list[tuple[str, str]]:
        """Return, and forget, the (word, stem) pairs met since the last call."""
        stems, self.stems = self.stems, []
        return stems

    def tokens(self, text: str) -> list[str]:
        """Return the raw tokens of ``text``, before any filter."""
        found: list[str] = self.findall(text)
        return found

    def terms(self, tokens: list[str]) -> list[str]:
        """Return each token's term, ``""`` for a dropped one."""
        terms = list(map(self.cache.get, tokens))
        if None not in terms:
            return terms  # type: ignore[return-value]
        if len(self.cache) >= TOKEN_CACHE_SIZE:
            self.cache.clear()
            self._learn(tokens)
        else:
            self._learn(compress(tokens, map(is_, terms, repeat(None))))
        return list(map(self.cache.__getitem__, tokens))

    def positions(self, text: str) -> dict[str, list[int]]:
        """Return each term of ``text`` with its positions, in order of first use."""
        return self.token_positions(self.tokens(text))

    def token_positions(self, tokens: list[str]) -> dict[str, list[int]]:
        """Return each term of ``tokens`` with its positions, in order of first use."""
        terms = self.terms(tokens)
        kept = list(filter(None, terms))
        if len(kept) == len(terms):
            numbered: Any = enumerate(kept)
        elif self.renumber:  # Whoosh's StopFilter: the first kept token keeps its place
            numbered = enumerate(kept, next((i for i, t in enumerate(terms) if t), 0))
        else:
            numbered = ((i, t) for i, t in enumerate(terms) if t)
        found: dict[str, list[int]] = {}
        get = found.get
        for pos, term in numbered:
            plist = get(term)
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


#: Fields whose value is other fields' values joined by newlines: their tokens
#: are those fields' tokens one after the other, so they are not tokenized again.
JOINED_FIELDS = {"words": ("title", "body")}
#: The column made from the body's tokens when the values do not give it.
SIGNATURE_FIELD = "signature"
#: Entries of the memo of generic fields' terms (paths, months, keywords repeat;
#: dates, to the second, seldom do and are not kept).
GENERIC_MEMO_SIZE = 10_000


class _Computed(dict[Any, Any]):
    """A dict that computes, and keeps, the value of a missing key."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.compute(key)
        return value


def _encode_positions(positions: list[int]) -> bytes:
    """Return what ``whoosh.formats.Positions.encode`` does, with C-level deltas."""
    encoded: bytes = pack_uint(len(positions)) + dumps(
        list(map(sub, positions, [0, *positions])), 2
    )
    return encoded


def _numeric_postings(fieldobj: Any, value: Any) -> list[tuple[bytes, int, float, bytes]]:
    """Return what ``NUMERIC.index`` (dates too) yields for one value, with the value
    made sortable once rather than once per shift; ``[]`` for other fields."""
    if (
        not isinstance(fieldobj, NUMERIC)
        or not fieldobj.shift_step
        or isinstance(value, list | tuple)
    ):
        return []
    first = fieldobj.to_bytes(value)
    sortable = fieldobj._struct.unpack(first[1:])[0]
    shifts = range(fieldobj.shift_step, fieldobj.bits, fieldobj.shift_step)
    terms = [first, *(fieldobj.sortable_to_bytes(sortable, shift) for shift in shifts)]
    return [(term, 1, 1.0, b"") for term in terms]


class DocumentMaker:
    """Turns articles into the stored values, postings and columns of one document."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        self.fast: dict[str, FastAnalyzer] = {}
        analyzers: list[tuple[Any, FastAnalyzer]] = []
        for name in schema.names():
            analyzer = getattr(schema[name], "analyzer", None)
            fmt = getattr(schema[name], "format", None)
            fast_format = type(fmt) in (Positions, Frequency)
            if not isinstance(analyzer, CompositeAnalyzer) or not fast_format:
                continue
            # Fields of one analyzer (title, body, lead) share its term cache.
            fast = next((f for a, f in analyzers if a == analyzer), None)
            if fast is None:
                with contextlib.suppress(TypeError):  # not an NltkTokenizer chain
                    fast = FastAnalyzer(analyzer)
                    analyzers.append((analyzer, fast))
            if fast is not None:
                self.fast[name] = fast
        self._joined = {
            name: parts
            for name, parts in JOINED_FIELDS.items()
            if name in self.fast
            and all(
                p in self.fast and self.fast[p].findall == self.fast[name].findall for p in parts
            )
        }
        # neardup.signature() tokenizes as the body analyzer does: its tokens will do.
        self._signature = (
            SIGNATURE_FIELD in schema.names()
            and "body" in self.fast
            and self.fast["body"].findall == compile_pattern(TOKEN_PATTERN).findall
        )
        # Encoded positions of a term used once, by position: most terms in an article.
        self._single = _Computed(lambda pos: Positions().encode([pos]))
        self._frequency = _Computed(pack_uint)
        self._memo: dict[tuple[str, Any], FieldItems] = {}

    def forget(self) -> None:
        """Empty the caches of terms (stems stay cached in :mod:`searcher.analysis`),
        so that writing a segment reuses their memory rather than adding to it."""
        for fast in self.fast.values():
            fast.cache.clear()
        self._memo.clear()
        neardup.forget_words()

    def take_stems(self) -> list[tuple[str, str]]:
        """Return, and forget, the (word, stem) pairs its analyzers met since the last call."""
        unique = {id(fast): fast for fast in self.fast.values()}.values()
        return [pair for fast in unique for pair in fast.take_stems()]

    def _fast_items(self, fast: FastAnalyzer, fmt: Any, tokens: list[str]) -> FieldItems:
        if type(fmt) is Frequency:  # counts only, as Frequency.word_values gives
            found = Counter(filter(None, fast.terms(tokens)))
            counts = list(found.values())
            values = list(map(self._frequency.__getitem__, counts))
            return list(found), None, values, sum(counts)  # the values give the weights
        positions = fast.token_positions(tokens)
        plists = list(positions.values())
        counts = list(map(len, plists))
        single = self._single
        values = [single[p[0]] if len(p) == 1 else _encode_positions(p) for p in plists]
        return list(positions), None, values, sum(counts)  # the values give the weights

    def _generic_items(self, name: str, fieldobj: Any, value: Any) -> FieldItems:
        key: tuple[str, Any] | None = (name, value)
        try:
            found = self._memo.get((name, value))
        except TypeError:  # an unhashable value
            key, found = None, None
        if found is None:
            postings = _numeric_postings(fieldobj, value) or list(fieldobj.index(value))
            found = (
                [p[0] for p in postings],
                [p[2] for p in postings],
                [p[3] for p in postings],
                sum(p[1] for p in postings),
            )
            if key is not None and not fieldobj.unique and not isinstance(fieldobj, NUMERIC):
                if len(self._memo) >= GENERIC_MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = found
        return found

    def _tokens(
        self, name: str, value: str, values: dict[str, Any], tokens: dict[str, list[str]]
    ) -> list[str]:
        parts = self._joined.get(name)
        if (
            parts
            and all(p in tokens for p in parts)
            and value == "\n".join(values[p] for p in parts)
        ):
            return [token for p in parts for token in tokens[p]]
        return self.fast[name].tokens(value)

    def make(
        self, values: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, FieldItems], dict[str, Any]]:
        """Return ``(values, items, columns)`` for a document's field values; the
        body's near-duplicate signature is made here when ``values`` lacks it."""
        schema = self.schema
        items: dict[str, FieldItems] = {}
        columns: dict[str, Any] = {}
        tokens: dict[str, list[str]] = {}
        for name, value in values.items():
            fieldobj = schema[name]
            if fieldobj.indexed:
                fast = self.fast.get(name)
                if fast is None:
                    items[name] = self._generic_items(name, fieldobj, value)
                else:
                    found = tokens[name] = self._tokens(name, value, values, tokens)
                    items[name] = self._fast_items(fast, fieldobj.format, found)
            if fieldobj.column_type is not None:
                columns[name] = fieldobj.to_column_value(value)
        if self._signature and SIGNATURE_FIELD not in values and "body" in tokens:
            sig = neardup.token_signature(tokens["body"])
            if sig is not None:
                columns[SIGNATURE_FIELD] = schema[SIGNATURE_FIELD].to_column_value(sig)
        return values, items, columns


_MAKERS: dict[str, DocumentMaker] = {}


def maker_for(index_dir: str) -> DocumentMaker:
    # One per process and index: the schema is read from the index once.
    maker = _MAKERS.get(index_dir)
    if maker is None:
        maker = _MAKERS[index_dir] = DocumentMaker(read_toc(Path(index_dir)).schema)
    return maker


def article_fields(article: Article, *, signature: bool = True) -> dict[str, Any]:
    """Return the Whoosh field values of one article.

    :param signature: include the near-duplicate signature (the indexer leaves it
        to :class:`DocumentMaker`, which makes it from the body's tokens).
    """
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
        "words": "\n".join((article.title, article.body)),  # see JOINED_FIELDS
        "source_key": article.source.strip(),
    }
    if signature:
        fields.update(neardup.signature_fields(article.body))
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
        for path, doc_id in task.files:
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
