"""Reading corpus files into :class:`~searcher.models.Article` records.

One reader per format, each a module with
``read(path, doc_id, options) -> Iterator[Article]``; a reader of a format
that holds records other than articles (web archives) returns, as its
generator's value, how many it passed over by reason.
:data:`READERS` maps a file suffix (``.gz`` looked through) to its reader
module; readers are imported on first use, so a query never pays for bs4.
A new format is one module and one line here.
"""

from __future__ import annotations

import errno
import importlib
import logging
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from searcher.config import as_path, require
from searcher.errors import IngestError, UnsupportedFormatError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    FEED_HEAD_BYTES,
    MAX_FILE_BYTES,
    ReadOptions,
    clean_body,
    clean_line,
    decode,
    logical_suffix,
    looks_like_feed,
    read_bytes,
    shard_of,
    split_byline,
)
from searcher.models import Article, Skipped

LOGGER = logging.getLogger(__name__)

Reader = Callable[[Path, str, ReadOptions], Iterator[Article]]

#: Format suffix -> module holding its ``read`` function.
READERS: dict[str, str] = {
    ".txt": "searcher.ingest.text",
    ".text": "searcher.ingest.text",
    ".html": "searcher.ingest.html",
    ".htm": "searcher.ingest.html",
    ".xhtml": "searcher.ingest.html",
    ".sgm": "searcher.ingest.sgml",
    ".sgml": "searcher.ingest.sgml",
    ".json": "searcher.ingest.json",
    ".jsonl": "searcher.ingest.json",
    ".ndjson": "searcher.ingest.json",
    ".warc": "searcher.ingest.warc",
    ".arc": "searcher.ingest.warc",
    ".rss": "searcher.ingest.feed",
    ".atom": "searcher.ingest.feed",
    ".xml": "searcher.ingest.feed",
}

#: Suffixes of a wire-service distribution (Reuters-21578). In a folder holding
#: such files *and* their DTD, loose ``.txt`` files are the distribution's
#: documentation (README, category lists), not articles. JSON Lines exports are
#: not in this list, and a stray ``.sgm`` without its DTD changes nothing: a
#: folder may well mix them with ``.txt`` articles.
COLLECTION_SUFFIXES = frozenset({".sgm", ".sgml"})
#: The suffix of the document type definition that ships with an SGML distribution.
DTD_SUFFIX = ".dtd"

#: File names (before the first dot, lower case) that are documentation.
DOCUMENTATION_NAMES = frozenset(
    {"readme", "license", "licence", "copying", "provenance", "changelog", "changes", "notice"}
)


def supported_suffixes() -> list[str]:
    """Return the file suffixes searcher can read, sorted."""
    return sorted(READERS)


def get_reader(path: Path) -> Reader:
    """Return the reader for ``path``. :raises UnsupportedFormatError: unknown suffix."""
    suffix = logical_suffix(path)
    module_name = READERS.get(suffix)
    if module_name is None:
        known = ", ".join(supported_suffixes())
        raise UnsupportedFormatError(
            path, f"unsupported format {suffix or '(no suffix)'!r}; searcher reads {known}"
        )
    reader: Reader = importlib.import_module(module_name).read
    return reader


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """A file to read, with the id its articles are named by."""

    path: Path
    doc_id: str


@dataclass(slots=True)
class Scan:
    """The result of walking corpus roots: files to read, files left out on
    purpose (``ignored``: not articles), and files that could not be reached
    (``skipped``: broken or looping links, links out of the corpus, unreadable
    folders, FIFOs and devices with an article's suffix)."""

    files: list[CorpusFile] = field(default_factory=list)
    ignored: list[Skipped] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _ignore_reason(path: Path, siblings: set[str]) -> str | None:
    suffix = logical_suffix(path)
    if path.name.split(".", 1)[0].lower() in DOCUMENTATION_NAMES:
        return "documentation, not an article"
    if suffix not in READERS:
        return f"not a supported format ({suffix or 'no suffix'})"
    if suffix in (".txt", ".text") and DTD_SUFFIX in siblings and siblings & COLLECTION_SUFFIXES:
        return "documentation beside a collection archive"
    if suffix == ".xml" and not _is_feed(path):
        return "XML that is not an RSS or Atom feed"
    return None


def _is_feed(path: Path) -> bool:
    """Whether an ``.xml`` file opens a feed; one that cannot be read is left to its reader."""
    try:
        with path.open("rb") as handle:
            head = handle.read(FEED_HEAD_BYTES)
        if head[:2] == b"\x1f\x8b":
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, FEED_HEAD_BYTES)
    except (OSError, zlib.error):
        return True
    return looks_like_feed(head)


def scan(roots: list[Path]) -> Scan:
    """Walk ``roots`` (folders or files) in sorted order and list what to read.

    Hidden files and folders are left out; symbolic links are followed only
    when they stay inside their root, and each folder is visited once, so links
    cannot loop. Only regular files are read (a FIFO would block the run).
    Nothing found below a root raises: problems land in :attr:`Scan.skipped`.
    Article ids are ``<root name>/<path below root>``.

    :raises IngestError: a root does not exist or is neither a folder nor a
        regular file, or is a file of unknown format.
    """
    result = Scan()
    for root in roots:
        try:
            mode = root.stat().st_mode
        except (OSError, RuntimeError) as exc:  # RuntimeError: a link loop on 3.11
            raise IngestError(root, f"no such file or folder ({_why(exc)})") from exc
        if not _is_utf8(str(root.resolve())):
            raise IngestError(root, "the path is not valid UTF-8; rename it")
        if stat.S_ISREG(mode):
            get_reader(root)  # an explicitly named file must be readable
            result.files.append(CorpusFile(root, root.name))
        elif stat.S_ISDIR(mode):
            real = root.resolve()
            _walk(real, real.name, result)
        else:
            raise IngestError(root, "not a regular file or folder (a FIFO, socket or device?)")
    return result


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _why(exc: BaseException) -> str:
    if (isinstance(exc, OSError) and exc.errno == errno.ELOOP) or isinstance(exc, RuntimeError):
        return "the link loops back on itself"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def _kind(entry: os.DirEntry[str], root: Path) -> tuple[str, str]:
    """Return ``("dir" | "file" | "other" | "problem", detail)`` for one folder entry."""
    try:
        if entry.is_symlink():
            target = Path(entry.path).resolve(strict=True)
            if not target.is_relative_to(root):
                return "problem", "link leads outside the corpus"
        mode = entry.stat().st_mode  # follows links
    except FileNotFoundError:
        try:
            return "problem", f"broken link (to {os.readlink(entry.path)})"
        except OSError:
            return "problem", "the file vanished while the corpus was scanned"
    except (OSError, RuntimeError) as exc:
        return "problem", f"cannot follow ({_why(exc)})"
    if stat.S_ISDIR(mode):
        return "dir", ""
    if stat.S_ISREG(mode):
        return "file", ""
    return "other", "not a regular file (a FIFO, socket or device)"


def _walk(root: Path, root_name: str, result: Scan) -> None:
    visited: set[Path] = set()
    pending = [root]
    while pending:  # a stack, not recursion: folder depth is the corpus's choice
        folder = pending.pop()
        real = folder.resolve()
        if real in visited:
            continue  # a link to a folder already read (or a loop)
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            result.skipped.append(Skipped(str(folder), f"cannot list folder ({_why(exc)})"))
            continue
        siblings = {logical_suffix(Path(e.name)) for e in entries}
        subfolders = []
        for entry in entries:
            if _is_hidden(entry.name):
                continue
            path = Path(entry.path)
            kind, detail = _kind(entry, root)
            if not _is_utf8(entry.name):
                # Python keeps undecodable bytes as lone surrogates, which the
                # index cannot store; such a name would abort the whole run.
                kind, detail = "problem", "the name is not valid UTF-8; rename it"
            if kind == "dir":
                subfolders.append(path)
                continue
            reason = _ignore_reason(path, siblings)
            if kind == "problem":
                result.skipped.append(Skipped(str(path), detail))
            elif reason:
                result.ignored.append(Skipped(str(path), reason))
            elif kind == "other":
                result.skipped.append(Skipped(str(path), detail))
            else:
                doc_id = f"{root_name}/{path.relative_to(root).as_posix()}"
                result.files.append(CorpusFile(path, doc_id))
        pending.extend(reversed(subfolders))


@dataclass(frozen=True, slots=True)
class FileArticles:
    """What one file gave: its articles, and the records in it that are no
    article (a web archive's requests, redirects, images...), counted by reason."""

    articles: list[Article]
    passed_over: tuple[tuple[str, int], ...] = ()


def read_file(
    path: str | os.PathLike[str], doc_id: str | None = None, options: ReadOptions = DEFAULT_OPTIONS
) -> list[Article]:
    """Read every article in one file; see :func:`read_file_counted`."""
    return read_file_counted(path, doc_id, options).articles


def read_file_counted(
    path: str | os.PathLike[str],
    doc_id: str | None = None,
    options: ReadOptions = DEFAULT_OPTIONS,
    *,
    span: tuple[int, int] | None = None,
) -> FileArticles:
    """Read every article in one file, and count the records passed over.

    Articles in a subfolder of the corpus get the folder's name as a keyword
    (the BBC set's ``business``, ``sport``...). Text beyond the limits of
    ``options`` is cut, with a warning, so one giant "article" cannot stall
    the analyzer.

    :param path: the file, a ``str`` or ``os.PathLike``.
    :param doc_id: the id to name its articles by; defaults to the file name.
    :param options: reader settings (JSON field names, size limits).
    :param span: read only this share of the file, one of :func:`split_file`'s.
    :raises IngestError: the file cannot be read or holds no article; also
        when the reader itself fails, so no input stops a run.
    """
    path = as_path(path, "path")
    require(doc_id, "doc_id", (str, type(None)), "a str or None")
    require(options, "options", ReadOptions, "a ReadOptions")
    doc_id = doc_id or path.name
    reader = get_reader(path)
    try:
        if span is None:
            articles, passed = _drain(reader(path, doc_id, options))
        else:
            module = importlib.import_module(READERS[logical_suffix(path)])
            articles, passed = _drain(module.read(path, doc_id, options, span=span))
    except IngestError:
        raise
    except Exception as exc:
        # Readers parse untrusted bytes with third-party parsers (bs4, lxml,
        # json) whose failure modes are open-ended: RecursionError on deep
        # nesting, MemoryError, bugs. One bad file must not end the run.
        LOGGER.debug("reader failed on %s", path, exc_info=True)
        raise IngestError(path, f"the reader failed ({type(exc).__name__}: {exc})") from exc
    parts = doc_id.split("/")
    section = parts[-2].lower() if len(parts) >= 3 else ""
    if options.shards > 1:
        articles = [a for a in articles if shard_of(a.id, options.shards) == options.shard]
    counts = sorted(passed.items(), key=lambda item: (-item[1], item[0]))
    return FileArticles([_tidy(a, section, options) for a in articles], tuple(counts))


def split_file(path: Path, size: int, shares: int) -> list[tuple[int, int]] | None:
    """Cut a file of ``size`` bytes into ``shares`` spans that workers can read
    apart (:func:`read_file_counted`'s ``span``), or ``None`` when its format
    (or this file) cannot be read in pieces: only web archives can."""
    module = importlib.import_module(READERS.get(logical_suffix(path), "searcher.ingest.text"))
    splitter = getattr(module, "split", None)
    if splitter is None:
        return None
    spans: list[tuple[int, int]] | None = splitter(path, size, shares)
    return spans


def _drain(articles: Iterator[Article]) -> tuple[list[Article], Mapping[str, int]]:
    """The articles a reader yields, and the counts it returns (if any)."""
    read: list[Article] = []
    while True:
        try:
            read.append(next(articles))
        except StopIteration as stop:
            return read, stop.value or {}


def _tidy(article: Article, section: str, options: ReadOptions) -> Article:
    """Add the folder's section (a keyword, and the section label when the
    article has none) and cut fields to the limits of ``options``."""
    changes: dict[str, object] = {}
    if section and section not in article.keywords:
        changes["keywords"] = (*article.keywords, section)
    if section and not any(kind == "section" for kind, _ in article.labels):
        changes["labels"] = (*article.labels, ("section", section))
    for name in ("title", "byline", "source", "url"):
        value: str = getattr(article, name)
        if len(value) > options.max_field_chars:
            changes[name] = value[: options.max_field_chars]
    if len(article.body) > options.max_article_chars:
        cut = article.body.rfind(" ", 0, options.max_article_chars)
        changes["body"] = article.body[: cut if cut > 0 else options.max_article_chars]
    if len(changes) > ("keywords" in changes) + ("labels" in changes):
        LOGGER.warning(
            "%s: cut %s to the limits of %s characters per article and %s per field",
            article.id,
            ", ".join(sorted(set(changes) - {"keywords", "labels"})),
            f"{options.max_article_chars:,}",
            f"{options.max_field_chars:,}",
        )
    tidy = replace(article, **changes) if changes else article  # type: ignore[arg-type]
    return _without_surrogates(tidy)


_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_FIELDS = ("id", "path", "title", "body", "byline", "source", "url")


def _without_surrogates(article: Article) -> Article:
    """Replace lone surrogates (a JSON ``"\\ud800"`` escape makes one) with U+FFFD:
    the index stores UTF-8, and one such character would abort the whole run."""
    fixed = {
        name: _SURROGATE.sub("\ufffd", value)
        for name in _TEXT_FIELDS
        if not (value := getattr(article, name)).isascii() and _SURROGATE.search(value)
    }
    keywords = tuple(k if k.isascii() else _SURROGATE.sub("\ufffd", k) for k in article.keywords)
    if keywords != article.keywords:
        fixed["keywords"] = keywords  # type: ignore[assignment]
    labels = tuple(
        (k, v if v.isascii() else _SURROGATE.sub("\ufffd", v)) for k, v in article.labels
    )
    if labels != article.labels:
        fixed["labels"] = labels  # type: ignore[assignment]
    if not fixed:
        return article
    LOGGER.warning("%s: replaced lone surrogates in %s", article.id, ", ".join(sorted(fixed)))
    return replace(article, **fixed)  # type: ignore[arg-type]


def iter_articles(roots: list[Path]) -> Iterator[Article]:
    """Yield every readable article under ``roots``, logging and skipping bad files."""
    for corpus_file in scan(roots).files:
        try:
            yield from read_file(corpus_file.path, corpus_file.doc_id)
        except IngestError as exc:
            LOGGER.warning("skipped %s", exc)


__all__ = [
    "COLLECTION_SUFFIXES",
    "DEFAULT_OPTIONS",
    "DOCUMENTATION_NAMES",
    "FEED_HEAD_BYTES",
    "MAX_FILE_BYTES",
    "READERS",
    "CorpusFile",
    "FileArticles",
    "ReadOptions",
    "Scan",
    "clean_body",
    "clean_line",
    "decode",
    "get_reader",
    "iter_articles",
    "looks_like_feed",
    "read_bytes",
    "read_file",
    "read_file_counted",
    "scan",
    "shard_of",
    "split_byline",
    "split_file",
    "supported_suffixes",
]
