"""Which reader module reads which file suffix.

One reader per format, each a module with
``read(path, doc_id, options) -> Iterator[Article]``; a reader of a format
that holds records other than articles (web archives) returns, as its
generator's value, how many it passed over by reason.
:data:`READERS` maps a file suffix (``.gz`` looked through) to its reader
module; readers are imported on first use, so a query never pays for bs4.
A new format is one module and one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from searcher.errors import UnsupportedFormatError
from searcher.ingest._common import ReadOptions, logical_suffix
from searcher.models import Article

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


__all__ = ["READERS", "Reader", "get_reader", "supported_suffixes"]
