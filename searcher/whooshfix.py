"""Mends to bugs of Whoosh (whoosh-reloaded 2.7.5) that searches here would meet.

Imported by the package, so every search through searcher has them.

* ``AndNotMatcher`` (``a ANDNOT b``) checked at its start only whether ``a``
  and ``b`` stood on the same document, not whether ``b`` held ``a``'s first
  document further on: with "troops" in document 1 and "iraq" in 0 and 1,
  ``troops ANDNOT iraq`` found 1 (whoosh-community/whoosh#419, "ANDNOT results
  depend on order documents are added to index"). Its own step to the next
  document does the check right; the start now takes that step too.
* Whoosh unpickles what it reads of a segment (postings blocks, term infos,
  positions, stored fields, compound directories) with :func:`pickle.loads`,
  which runs any function a pickle names: a crafted segment file would run
  its code in any process that searches it. They are read by
  :func:`~searcher.safepickle.restricted_loads` instead, which builds only what
  an index of ours holds: about 0.13 ms more a Reuters query whose postings
  are read afresh (of 5 ms), 0.05 ms once they are kept. This holds for any
  Whoosh index the process reads.
"""

from __future__ import annotations

from typing import Any

from whoosh import columns, formats
from whoosh.codec import whoosh3
from whoosh.filedb import structfile
from whoosh.matching.binary import AndNotMatcher

from searcher.safepickle import restricted_load, restricted_loads


def _find_first(self: Any) -> None:
    """Move past the first documents of ``a`` that ``b`` holds."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


AndNotMatcher._find_first = _find_first

# Every name Whoosh unpickles segment data through (whoosh.compat's loads and load).
whoosh3.loads = columns.loads = formats.loads = restricted_loads
structfile.load_pickle = restricted_load
