"""Facet counts: how many matching articles each source and each month holds.

Counted over the whole matching set, not one page of hits, from the columns of
two sortable ID fields filled at index time: ``source_key`` (the source as
printed) and ``month`` (``2011-10``). Reading the columns for the matching
documents is several times faster than Whoosh's ``groupedby``, which scores
every match.

Part of the present stage. Imports ``searcher.models``; it reads any Whoosh
reader it is given, through its public methods.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from typing import Any

from searcher.models import Facets

LOGGER = logging.getLogger(__name__)

#: Facet name -> the index field it counts.
FACET_FIELDS = {"source": "source_key", "month": "month"}


def _count(reader: Any, field: str, docnums: list[int]) -> Counter[str]:
    if not reader.has_column(field):
        return Counter({"": len(docnums)}) if docnums else Counter()
    column = reader.column_reader(field)
    return Counter(str(column[docnum] or "") for docnum in docnums)


def count_facets(reader: Any, docnums: Iterable[int]) -> Facets:
    """Return the :class:`Facets` of the documents ``docnums`` of a Whoosh reader."""
    matching = list(docnums)
    sources = _count(reader, FACET_FIELDS["source"], matching)
    months = _count(reader, FACET_FIELDS["month"], matching)
    return Facets(
        sources=tuple(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        # Undated articles ("") sort last, after the months.
        months=tuple(sorted(months.items(), key=lambda kv: (kv[0] == "", kv[0]))),
    )
