"""Collapsing near-duplicate hits: one hit per wire story, with "+N similar".

A hit's candidates are the articles sharing one of its LSH band keys
(``dupkeys``); a candidate joins the hit's group only when it also matches the
query and its signature's estimated Jaccard similarity reaches
:data:`searcher.neardup.THRESHOLD`. Hits are visited best first, so the group
is led by its best-ranked member.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any

from whoosh import query as wq

from searcher import neardup

LOGGER = logging.getLogger(__name__)


class DuplicateFinder:
    """Finds the matching near-duplicates of hits in one searcher.

    :param searcher: an open Whoosh searcher.
    :param matched: returns the docnums matching the query (called at most
        once, and only when some hit has candidates).
    """

    def __init__(self, searcher: Any, matched: Callable[[], Collection[int]]) -> None:
        self._searcher = searcher
        self._reader = searcher.reader()
        self._matched_fn = matched
        self._matched: Collection[int] | None = None

    def _matching(self) -> Collection[int]:
        if self._matched is None:
            self._matched = self._matched_fn()
        return self._matched

    def duplicates(self, docnum: int, signature: bytes | None) -> list[int]:
        """Return the docnums of the matching near-duplicates of ``docnum``."""
        if not signature:
            return []
        reader = self._reader
        candidates: set[int] = set()
        for key in neardup.band_keys(signature):
            if reader.doc_frequency("dupkeys", key) > 1:
                candidates.update(self._searcher.docs_for_query(wq.Term("dupkeys", key)))
        candidates.discard(docnum)
        if not candidates:
            return []
        matching = self._matching()
        found = []
        for candidate in sorted(candidates):
            if candidate not in matching:
                continue
            other = reader.stored_fields(candidate).get("signature")
            if other and neardup.similarity(signature, other) >= neardup.THRESHOLD:
                found.append(candidate)
        return found

    def ids(self, docnums: list[int]) -> tuple[str, ...]:
        """Return the article ids of ``docnums``."""
        return tuple(self._reader.stored_fields(d)["id"] for d in docnums)
