"""Highlighted snippets, cut faster than Whoosh's ``Hit.highlights``.

Whoosh re-analyzes each hit's stored body to find the query's terms, stemming
every word; on Reuters that stemming is about half the cost of a snippet. The
body field's terms are stems, and a stem keeps its word's first two letters,
so a word whose first two letters start no query term cannot match: here such
words are left unstemmed. Everything else (tokens, offsets, fragments, their
scoring and order) is Whoosh's, so the snippets are the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from whoosh import highlight
from whoosh.analysis import Composable, CompositeAnalyzer, Token

from searcher.models import Segment

LOGGER = logging.getLogger(__name__)


class StemIfNeeded(Composable):  # type: ignore[misc]
    """Runs a stemming filter's ``stem`` only on words that could stem to one of
    the terms searched for (those starting with one of ``prefixes``)."""

    def __init__(self, stemmer: Any, prefixes: frozenset[str]) -> None:
        self.stemmer = stemmer
        self.prefixes = prefixes

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stem, prefixes = self.stemmer.stem, self.prefixes
        for token in tokens:
            if not token.stopped and token.text[:2] in prefixes:
                token.text = stem(token.text)
            yield token


def _lazy(analyzer: Any, words: frozenset[str]) -> Any:
    """``analyzer`` with its stemming filter replaced by :class:`StemIfNeeded`;
    unchanged when it has no filter with a ``stem`` method."""
    items = list(getattr(analyzer, "items", ()))
    for i, item in enumerate(items):
        if getattr(item, "is_morph", False) and callable(getattr(item, "stem", None)):
            items[i] = StemIfNeeded(item, frozenset(w[:2] for w in words))
            return CompositeAnalyzer(*items)
    return analyzer


class BodyHighlighter:
    """Cuts the snippets of the hits of one Whoosh ``results``.

    :param fieldname: the stored field to cut snippets from.
    :param top: the most fragments per hit.
    """

    def __init__(
        self,
        results: Any,
        *,
        fieldname: str = "body",
        fragmenter: Any,
        formatter: Any,
        top: int = 3,
    ) -> None:
        field = results.searcher.schema[fieldname]
        terms = results.query_terms(expand=True, fieldname=fieldname)
        self.words = frozenset(field.from_bytes(text) for _, text in terms)
        self.analyzer = _lazy(field.analyzer, self.words)
        self.fieldname = fieldname
        self.fragmenter = fragmenter
        self.formatter = formatter
        self.scorer = highlight.BasicFragmentScorer()
        self.top = top

    def __call__(self, hit: Any) -> list[tuple[Segment, ...]]:
        """Return up to ``top`` fragments of ``hit``'s field, best first."""
        text = hit.get(self.fieldname, "")
        if not text or not self.words:
            return []
        tokens = self.analyzer(text, positions=True, chars=True, mode="index", removestops=False)
        tokens = highlight.set_matched_filter(tokens, self.words)
        tokens = highlight.Highlighter._merge_matched_tokens(tokens)
        fragments = self.fragmenter.fragment_tokens(text, tokens)
        best = highlight.top_fragments(
            fragments, self.top, self.scorer, highlight.FIRST, minscore=1
        )
        return list(self.formatter.format(best))
