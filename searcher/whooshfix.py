"""Mends to bugs of Whoosh (whoosh-reloaded 2.7.5) that searches here would meet.

Imported by the package, so every search through searcher has them.

* ``AndNotMatcher`` (``a ANDNOT b``) checked at its start only whether ``a``
  and ``b`` stood on the same document, not whether ``b`` held ``a``'s first
  document further on: with "troops" in document 1 and "iraq" in 0 and 1,
  ``troops ANDNOT iraq`` found 1 (whoosh-community/whoosh#419, "ANDNOT results
  depend on order documents are added to index"). Its own step to the next
  document does the check right; the start now takes that step too.
"""

from __future__ import annotations

from typing import Any

from whoosh.matching.binary import AndNotMatcher


def _find_first(self: Any) -> None:
    """Move past the first documents of ``a`` that ``b`` holds."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


AndNotMatcher._find_first = _find_first
