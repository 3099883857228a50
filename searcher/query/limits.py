"""How much work one query may ask for: :class:`QueryLimits`, read by the parse
stage (text length, nesting), the plan stage (clauses, expansions, fuzzy edits,
boosts) and the search as a whole (its time budget).

Imports nothing of searcher: every stage may import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """How much work one query may ask for.

    :param max_chars: longest query text. Whoosh's parser is quadratic in a
        word's length (a 20,000-character word takes 5 s to parse).
    :param max_word_chars: longest run of characters without a space.
    :param max_depth: deepest nesting of parentheses.
    :param max_clauses: most index words the query looks up, after expansion
        (a word searched in two fields counts twice, a wildcard once per word
        it matches), like Elasticsearch's ``max_clause_count``. Whoosh spends
        10-25 ms per expanded word on the 21,578-story Reuters index (``tr*``,
        411 words: 8.9 s), so the default keeps such queries near 5 s.
    :param max_expansions: most index words one wildcard, prefix, fuzzy term
        or range may stand for (Elasticsearch's ``max_expansions``).
    :param max_fuzzy_edits: largest edit distance of a fuzzy term (``word~2``).
    :param max_boost: largest ``^boost``.
    :param seconds: wall-clock budget for parsing, searching and highlighting.
    """

    max_chars: int = 4096
    max_word_chars: int = 200
    max_depth: int = 32
    max_clauses: int = 256
    max_expansions: int = 128
    max_fuzzy_edits: int = 2
    max_boost: float = 1000.0
    seconds: float = 5.0


DEFAULT_LIMITS = QueryLimits()
