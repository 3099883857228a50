"""Reading corpus files into :class:`~searcher.models.Article` records.

One reader per format, each a module with
``read(path, doc_id, options) -> Iterator[Article]``.
:data:`READERS` maps a file suffix (``.gz`` looked through) to its reader
module; readers are imported on first use, so a query never pays for bs4.
A new format is one module and one line here.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from searcher.errors import IngestError, UnsupportedFormatError
from searcher.ingest._common import DEFAULT_OPTIONS, ReadOptions, logical_suffix
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
}

#: Suffixes of files that hold a whole collection of articles; loose ``.txt``
#: files beside them are the collection's documentation, not articles.
COLLECTION_SUFFIXES = frozenset({".sgm", ".sgml", ".jsonl", ".ndjson"})

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
    """The result of walking corpus roots: files to read, and files left out."""

    files: list[CorpusFile] = field(default_factory=list)
    ignored: list[Skipped] = field(default_factory=list)


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _ignore_reason(path: Path, siblings: set[str]) -> str | None:
    suffix = logical_suffix(path)
    if path.name.split(".", 1)[0].lower() in DOCUMENTATION_NAMES:
        return "documentation, not an article"
    if suffix not in READERS:
        return f"not a supported format ({suffix or 'no suffix'})"
    if suffix in (".txt", ".text") and siblings & COLLECTION_SUFFIXES:
        return "documentation beside a collection archive"
    return None


def scan(roots: list[Path]) -> Scan:
    """Walk ``roots`` (folders or files) in sorted order and list what to read.

    Hidden files and folders are skipped; symbolic links are followed only when
    they stay inside their root, and each folder is visited once, so links cannot
    loop. Article ids are ``<root name>/<path below root>``.

    :raises IngestError: a root does not exist, or is a file of unknown format.
    """
    result = Scan()
    for root in roots:
        if not root.exists():
            raise IngestError(root, "no such file or folder")
        if root.is_file():
            get_reader(root)  # an explicitly named file must be readable
            result.files.append(CorpusFile(root, root.name))
            continue
        _walk(root.resolve(), root.resolve().name, result)
    return result


def _walk(root: Path, root_name: str, result: Scan) -> None:
    visited: set[Path] = set()

    def visit(folder: Path) -> None:
        real = folder.resolve()
        if real in visited or not real.is_relative_to(root):
            if real not in visited:
                result.ignored.append(Skipped(str(folder), "link leads outside the corpus"))
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            result.ignored.append(Skipped(str(folder), f"cannot list folder ({exc.strerror})"))
            return
        siblings = {logical_suffix(Path(e.name)) for e in entries}
        for entry in entries:
            if _is_hidden(entry.name):
                continue
            path = Path(entry.path)
            if entry.is_dir():
                visit(path)
                continue
            if not entry.is_file():
                continue
            if entry.is_symlink() and not path.resolve().is_relative_to(root):
                result.ignored.append(Skipped(str(path), "link leads outside the corpus"))
                continue
            reason = _ignore_reason(path, siblings)
            if reason:
                result.ignored.append(Skipped(str(path), reason))
                continue
            doc_id = f"{root_name}/{path.relative_to(root).as_posix()}"
            result.files.append(CorpusFile(path, doc_id))

    visit(root)


def read_file(
    path: Path, doc_id: str | None = None, options: ReadOptions = DEFAULT_OPTIONS
) -> list[Article]:
    """Read every article in one file.

    Articles in a subfolder of the corpus get the folder's name as a keyword
    (the BBC set's ``business``, ``sport``...).

    :param path: the file.
    :param doc_id: the id to name its articles by; defaults to the file name.
    :param options: reader settings (JSON field names, size limit).
    :raises IngestError: the file cannot be read or holds no article.
    """
    doc_id = doc_id or path.name
    reader = get_reader(path)
    articles = list(reader(path, doc_id, options))
    parts = doc_id.split("/")
    if len(parts) >= 3:
        section = parts[-2].lower()
        articles = [
            a if section in a.keywords else replace(a, keywords=(*a.keywords, section))
            for a in articles
        ]
    return articles


def iter_articles(roots: list[Path]) -> Iterator[Article]:
    """Yield every readable article under ``roots``, logging and skipping bad files."""
    for corpus_file in scan(roots).files:
        try:
            yield from read_file(corpus_file.path, corpus_file.doc_id)
        except IngestError as exc:
            LOGGER.warning("skipped %s", exc)


__all__ = [
    "COLLECTION_SUFFIXES",
    "DOCUMENTATION_NAMES",
    "READERS",
    "CorpusFile",
    "ReadOptions",
    "Scan",
    "get_reader",
    "iter_articles",
    "read_file",
    "scan",
    "supported_suffixes",
]
