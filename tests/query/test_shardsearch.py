"""A shard's search phase hands on each hit's document number; the fetch phase
reads the hits by number while the shard is at the search phase's generation,
and by id otherwise (a number that holds another article is not trusted)."""

from __future__ import annotations

import searcher
from searcher.query import CorpusStats


def test_fetch_reads_hits_by_number_at_the_same_generation_and_by_id_otherwise(
    built_index: searcher.Index,
) -> None:
    ix = built_index
    stats, _ = ix.statistics("oil prices")
    page = ix.shard_search("oil prices", stats, limit=3)
    assert len(page.hits) == 3 and all(hit.docnum is not None for hit in page.hits)
    found = [(hit.id, hit.score) for hit in page.hits]
    numbers = [hit.docnum for hit in page.hits]
    by_id = ix.fetch(found, page.words)
    assert [hit.id for hit in by_id] == [hit.id for hit in page.hits]
    assert ix.fetch(found, page.words, numbers, page.generation) == by_id
    # Numbers of other articles (as after a merge renumbered them): found by id.
    wrong = numbers[1:] + numbers[:1]
    assert ix.fetch(found, page.words, wrong, page.generation) == by_id
    # Another generation: the numbers are not read at all.
    assert ix.fetch(found, page.words, [10**9] * 3, page.generation + 1) == by_id


def test_a_shard_hit_without_a_number_is_found_by_id(built_index: searcher.Index) -> None:
    stats, _ = built_index.statistics("oil")
    page = built_index.shard_search("oil", CorpusStats.total([stats]), limit=2)
    found = [(hit.id, hit.score) for hit in page.hits]
    assert found
    assert built_index.fetch(found, page.words, [None] * len(found), page.generation) == (
        built_index.fetch(found, page.words)
    )
