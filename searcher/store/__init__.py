"""The index on disk, and the only package that touches Whoosh's internals
(its codec, filedb, matching and private members): the index folder and its
lock, tables of contents, the segment writer, posting lists, the manifest,
checksums, safe unpickling and the mends to Whoosh's bugs.

Layer: above ``schema``, ``analysis`` and the floor; below ``indexing`` and
``query``.
"""

from searcher.store import mends  # noqa: F401  # mends Whoosh for every process that reads an index
