"""The few pieces of Whoosh's internals that the query stages use, under public
names: the query stages reach Whoosh through its public modules and these.

* :class:`QuietMatcher` wraps a matcher (from ``whoosh.matching``) so that its
  terms score but are not reported as matched: feedback words that the reader
  never typed (:mod:`searcher.query.feedback`).
* :func:`merge_matched_tokens` is the highlighter's private merging of
  touching matched tokens (:mod:`searcher.query.snippets`).

Imports Whoosh's ``matching`` and ``highlight`` modules; nothing of searcher.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.highlight import Highlighter
from whoosh.matching import WrappingMatcher


class QuietMatcher(WrappingMatcher):  # type: ignore[misc]
    """Scores like its child but reports no matched terms to the collector."""

    def term_matchers(self) -> Iterator[Any]:
        return iter(())

    def matching_terms(self, id: int | None = None) -> Iterator[Any]:
        return iter(())


def merge_matched_tokens(tokens: Iterable[Any]) -> Iterator[Any]:
    """Merge consecutive matched tokens into one, so that they are highlighted
    as one (Whoosh's ``Highlighter._merge_matched_tokens``)."""
    merged: Iterator[Any] = Highlighter._merge_matched_tokens(tokens)
    return merged
