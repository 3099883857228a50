"""An index built before the package was laid out in stages still reads its
analyzers; since schema version 6 (the ``crawled`` date of web-archive pages, and
the labels and facet keys of facets on any field; version 7: the ``lead`` field
without positions; version 8: the headline indexed as body text) it asks for a
rebuild, and a rebuild over the same folder works.

``tests/data/index-4186fe4/`` is ``corpus/`` indexed (``--jobs 1``) by commit
4186fe4, the last one with the flat layout: the analyzers pickled into its
schema are named ``searcher.analysis.NltkTokenizer`` and so on, which must
keep resolving wherever the classes live.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import searcher
from searcher import store
from searcher.analysis import news_analyzer
from tests.conftest import CORPUS, SEED_ID

OLDER_INDEX = Path(__file__).resolve().parents[1] / "data" / "index-4186fe4"


def test_an_index_built_by_the_flat_layout_unpickles_and_asks_for_a_rebuild(
    tmp_path: Path,
) -> None:
    index_dir = tmp_path / "ix"
    shutil.copytree(OLDER_INDEX, index_dir)
    toc = store.read_toc(index_dir)  # its analyzers' old names still resolve
    assert toc.schema["body"].analyzer == news_analyzer()
    assert sum(segment.doc_count() for segment in toc.segments) == 13
    with pytest.raises(searcher.IndexVersionError, match="rebuild it"):
        searcher.open_index(index_dir)
    with searcher.reset_index(index_dir) as ix:
        ix.update(CORPUS)
        assert ix.search("legal immunity").hits[0].id == SEED_ID
