"""searcher: full-text search over news articles.

The public API is what this module exports, in ``__all__``: the rest of the
package is private and may move. Each exported object's ``__module__`` is
``searcher``, so its name in reprs, docs and pickles does not change when it
moves inside the package.

>>> import searcher
>>> sorted(searcher.__all__) == searcher.__all__
True
"""

from __future__ import annotations

import logging

from searcher._version import __version__
from searcher.analysis import analyze_text, highlight_text
from searcher.cluster import ShardedIndex, ShardError, open_index, verify_index
from searcher.errors import (
    AmbiguousIdError,
    ArgumentError,
    ArgumentTypeError,
    ArticleNotFoundError,
    DateError,
    FolderNotEmptyError,
    IndexBusyError,
    IndexCorruptError,
    IndexNotFoundError,
    IndexVersionError,
    IngestError,
    ManifestError,
    QueryError,
    SearcherError,
    UnsupportedFormatError,
)
from searcher.index import Index
from searcher.ingest import FileArticles, ReadOptions, read_file, read_file_counted
from searcher.models import (
    Article,
    Evaluation,
    Facets,
    Histogram,
    HistogramBucket,
    IndexProgress,
    IndexReport,
    IndexStats,
    RunLine,
    SearchHit,
    SearchResults,
    Segment,
    Skipped,
    UpdateReport,
    VerifyReport,
)
from searcher.opening import reset_index
from searcher.query.dates import date_range

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "AmbiguousIdError",
    "ArgumentError",
    "ArgumentTypeError",
    "Article",
    "ArticleNotFoundError",
    "DateError",
    "Evaluation",
    "Facets",
    "FileArticles",
    "FolderNotEmptyError",
    "Histogram",
    "HistogramBucket",
    "Index",
    "IndexBusyError",
    "IndexCorruptError",
    "IndexNotFoundError",
    "IndexProgress",
    "IndexReport",
    "IndexStats",
    "IndexVersionError",
    "IngestError",
    "ManifestError",
    "QueryError",
    "ReadOptions",
    "RunLine",
    "SearchHit",
    "SearchResults",
    "SearcherError",
    "Segment",
    "ShardError",
    "ShardedIndex",
    "Skipped",
    "UnsupportedFormatError",
    "UpdateReport",
    "VerifyReport",
    "__version__",
    "analyze_text",
    "date_range",
    "highlight_text",
    "open_index",
    "read_file",
    "read_file_counted",
    "reset_index",
    "verify_index",
]

for _name in __all__:
    _exported = globals()[_name]
    if getattr(_exported, "__module__", "").startswith("searcher."):
        _exported.__module__ = __name__
