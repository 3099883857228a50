"""Merging segments: their live documents re-made from stored fields into one new segment.

A document's stored fields give back its article, and the article every other
field (lead, words, facet keys, signature); the fast pipeline then writes it
again, several times faster than Whoosh's own merge, which re-sorts every
posting through its pool.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from searcher import store
from searcher.indexing.document_maker import DocumentMaker
from searcher.models import Article
from searcher.schema import article_fields
from searcher.store.segment_writer import SegmentBuilder

LOGGER = logging.getLogger(__name__)


def merge_segments(index_dir: Path, toc: Any, chosen: list[Any]) -> None:
    """Replace ``chosen`` segments of ``toc`` by one holding their live documents,
    committed as the next generation. Call only while holding the write lock."""
    if not chosen:
        return
    maker = DocumentMaker(toc.schema)
    builder = SegmentBuilder(index_dir, toc.schema)
    try:
        for segment in chosen:
            for fields in store.live_stored_fields(index_dir, toc.schema, segment):
                article = Article.from_stored(fields)
                builder.add(*maker.make(article_fields(article, signature=False)))
        merged = builder.finish()
    except BaseException:
        builder.cancel()
        raise
    chosen_ids = {s.segment_id() for s in chosen}
    kept = [s for s in toc.segments if s.segment_id() not in chosen_ids]
    new = [merged] if merged is not None else []
    store.commit(index_dir, toc.schema, [*kept, *new], toc.generation + 1)
    store.delete_segment_files(index_dir, chosen_ids)
    LOGGER.info("merged %d segments into one", len(chosen))
