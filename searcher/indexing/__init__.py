"""Bringing an index up to date: planning a run, sharing files among worker
processes, making documents, committing rounds; adding, merging, verifying.

Layer: above ``store``, ``schema``, ``ingest``, ``analysis`` and the floor;
beside ``query``, which it never imports; below ``index`` and the shells.
"""

from __future__ import annotations

from searcher.indexing.run import MAX_SMALL_SEGMENTS, ProgressCallback, merge_small_segments, update

__all__ = ["MAX_SMALL_SEGMENTS", "ProgressCallback", "merge_small_segments", "update"]
