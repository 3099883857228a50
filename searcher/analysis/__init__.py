"""Text into index terms: the analyzers pickled into every index, their fast path,
word stems, and near-duplicate signatures.

Layer: above the floor (``errors``, ``models``, ``config``, ``text``), beside
``ingest``, which it never imports; below ``schema`` and everything else.

The analyzer classes are pickled into each index's schema under the names
``searcher.analysis.NltkTokenizer``, ``NewsNormalizeFilter`` and
``SnowballStemFilter``: their ``__module__`` is this package, whichever module
defines them, so indexes keep opening when the code moves.
"""

from __future__ import annotations

from searcher.analysis.analyzers import (
    _STEMS,
    STOP_WORDS,
    NewsNormalizeFilter,
    NltkTokenizer,
    SnowballStemFilter,
    analyze_text,
    fold,
    forget_stem_tables,
    load_stemmer,
    name_analyzer,
    news_analyzer,
    use_stem_table,
)

for _pickled in (NltkTokenizer, NewsNormalizeFilter, SnowballStemFilter):
    _pickled.__module__ = __name__

__all__ = [
    "STOP_WORDS",
    "_STEMS",
    "NewsNormalizeFilter",
    "NltkTokenizer",
    "SnowballStemFilter",
    "analyze_text",
    "fold",
    "forget_stem_tables",
    "load_stemmer",
    "name_analyzer",
    "news_analyzer",
    "use_stem_table",
]
