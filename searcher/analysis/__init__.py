"""Text into index terms: the tokenizer and filters our analyzers are made of,
the analyzers pickled into every index, word stems, and (in submodules imported
where needed) the indexer's fast path :mod:`~searcher.analysis.fast` and
near-duplicate signatures :mod:`~searcher.analysis.neardup`.

Layer: above the floor (``errors``, ``models``, ``config``, ``text``), beside
``ingest``, which it never imports; below ``schema`` and everything else.

The analyzer classes are pickled into each index's schema under the names
``searcher.analysis.NltkTokenizer``, ``NewsNormalizeFilter`` and
``SnowballStemFilter``: their ``__module__`` is this package, whichever module
defines them, so indexes keep opening when the code moves.
"""

from __future__ import annotations

from searcher.analysis.analyzers import STOP_WORDS, analyze_text, name_analyzer, news_analyzer
from searcher.analysis.filters import NewsNormalizeFilter, SnowballStemFilter, normalize_word
from searcher.analysis.marking import highlight_text
from searcher.analysis.stems import (
    StemLookup,
    forget_learnt_stems,
    forget_stem_tables,
    is_number,
    load_stemmer,
    use_stem_table,
)
from searcher.analysis.tokenizer import (
    ASCII_TOKEN_PATTERN,
    TOKEN_PATTERN,
    NltkTokenizer,
    TokenPattern,
    compile_pattern,
    fold,
)

for _pickled in (NltkTokenizer, NewsNormalizeFilter, SnowballStemFilter):
    _pickled.__module__ = __name__

__all__ = [
    "ASCII_TOKEN_PATTERN",
    "STOP_WORDS",
    "TOKEN_PATTERN",
    "NewsNormalizeFilter",
    "NltkTokenizer",
    "SnowballStemFilter",
    "StemLookup",
    "TokenPattern",
    "analyze_text",
    "compile_pattern",
    "fold",
    "forget_learnt_stems",
    "forget_stem_tables",
    "highlight_text",
    "is_number",
    "load_stemmer",
    "name_analyzer",
    "news_analyzer",
    "normalize_word",
    "use_stem_table",
]
