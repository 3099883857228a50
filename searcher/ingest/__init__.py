"""Reading corpus files into :class:`~searcher.models.Article` records.

The reader of each format is a module of this package (:mod:`.readers` says
which reads which suffix); :mod:`.scanning` walks a corpus into the files to
read. This module reads one file through its reader and tidies what it gives:
the folder's section, the size limits, lone surrogates.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from searcher.config import as_path, require
from searcher.errors import IngestError
from searcher.ingest._common import (
    DEFAULT_OPTIONS,
    FEED_HEAD_BYTES,
    FEED_ID_PREFIX,
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
from searcher.ingest.readers import READERS, Reader, get_reader, supported_suffixes
from searcher.ingest.scanning import (
    COLLECTION_SUFFIXES,
    DOCUMENTATION_NAMES,
    DTD_SUFFIX,
    CorpusFile,
    Scan,
    scan,
)
from searcher.models import Article

LOGGER = logging.getLogger(__name__)


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
        articles = [a for a in articles if options.keeps(a.id)]
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
    "DTD_SUFFIX",
    "FEED_HEAD_BYTES",
    "FEED_ID_PREFIX",
    "MAX_FILE_BYTES",
    "READERS",
    "CorpusFile",
    "FileArticles",
    "ReadOptions",
    "Reader",
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
