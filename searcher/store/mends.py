"""Mends to bugs of Whoosh (whoosh-reloaded 2.7.5) that searches here would meet.

Imported by the package, so every search through searcher has them.

* ``AndNotMatcher`` (``a ANDNOT b``) checked at its start only whether ``a``
  and ``b`` stood on the same document, not whether ``b`` held ``a``'s first
  document further on: with "troops" in document 1 and "iraq" in 0 and 1,
  ``troops ANDNOT iraq`` found 1 (whoosh-community/whoosh#419, "ANDNOT results
  depend on order documents are added to index"). Its own step to the next
  document does the check right; the start now takes that step too.
* ``MultiReader.column_reader`` (a column over all segments) left out the
  segments that have no file for the column, which a segment lacks when none
  of its articles has a value there (a segment of undated articles has no
  ``month`` or ``date`` column). The documents of such a segment were then
  looked up in a neighbouring segment's column: an ``IndexError``, or another
  article's value, in facets, near-duplicate signatures and date sorting
  (whose reversed sort keys are the values of this column, so an undated
  article's empty month was "not in list"). Every segment now gives its
  reader, the segment's own stand-in of default values when the file is absent.
* Whoosh unpickles what it reads of a segment (postings blocks, term infos,
  positions, stored fields, compound directories) with :func:`pickle.loads`,
  which runs any function a pickle names: a crafted segment file would run
  its code in any process that searches it. They are read by
  :func:`~searcher.store.safepickle.restricted_loads` instead, which builds only what
  an index of ours holds: about 0.13 ms more a Reuters query whose postings
  are read afresh (of 5 ms), 0.05 ms once they are kept. This holds for any
  Whoosh index the process reads.
"""

from __future__ import annotations

from typing import Any

from whoosh import columns, formats
from whoosh.codec import whoosh3
from whoosh.columns import MultiColumnReader
from whoosh.filedb import structfile
from whoosh.matching.binary import AndNotMatcher
from whoosh.reading import MultiReader

from searcher.store.safepickle import restricted_load, restricted_loads


def _find_first(self: Any) -> None:
    """Move past the first documents of ``a`` that ``b`` holds."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def _column_reader(
    self: Any, fieldname: str, column: Any = None, reverse: bool = False, translate: bool = True
) -> MultiColumnReader:
    """A reader of the column over every segment, in segment order."""
    readers = [
        reader.column_reader(fieldname, column=column, reverse=reverse, translate=translate)
        for reader in self.readers
    ]
    return MultiColumnReader(readers, list(self.doc_offsets))


AndNotMatcher._find_first = _find_first
MultiReader.column_reader = _column_reader

# Every name Whoosh unpickles segment data through (whoosh.compat's loads and load).
whoosh3.loads = columns.loads = formats.loads = restricted_loads
structfile.load_pickle = restricted_load
