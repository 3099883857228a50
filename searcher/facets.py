"""Facet counts: how many matching articles each source and each month holds.

Counted by Whoosh's grouping over the whole matching set, not one page of hits,
from two sortable ID fields filled at index time: ``source_key`` (the source as
printed) and ``month`` (``2011-10``).
"""

from __future__ import annotations

import logging
from typing import Any

from whoosh import sorting

from searcher.models import Facets

LOGGER = logging.getLogger(__name__)

#: Facet name -> the index field it counts.
FACET_FIELDS = {"source": "source_key", "month": "month"}


def grouping() -> dict[str, sorting.FacetType]:
    """Return the ``groupedby`` argument of ``Searcher.search`` that counts facets."""
    return {
        name: sorting.FieldFacet(field, maptype=sorting.Count)
        for name, field in FACET_FIELDS.items()
    }


def _counts(results: Any, name: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key, count in results.groups(name).items():
        label = key.decode("utf-8") if isinstance(key, bytes) else str(key or "")
        counts[label] = counts.get(label, 0) + int(count)
    return counts


def read_facets(results: Any) -> Facets:
    """Return the :class:`Facets` of Whoosh ``results`` searched with :func:`grouping`."""
    sources = _counts(results, "source")
    months = _counts(results, "month")
    return Facets(
        sources=tuple(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
        # Undated articles ("") sort last, after the months.
        months=tuple(sorted(months.items(), key=lambda kv: (kv[0] == "", kv[0]))),
    )
