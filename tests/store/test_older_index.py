"""An index built before the package was laid out in stages still opens, without a rebuild.

``tests/data/index-4186fe4/`` is ``corpus/`` indexed (``--jobs 1``) by commit
4186fe4, the last one with the flat layout: the analyzers pickled into its
schema are named ``searcher.analysis.NltkTokenizer`` and so on, which must
keep resolving wherever the classes live.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import searcher
from tests.conftest import SEED_ID

OLDER_INDEX = Path(__file__).resolve().parents[1] / "data" / "index-4186fe4"


def test_an_index_built_by_the_flat_layout_opens_and_answers(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    shutil.copytree(OLDER_INDEX, index_dir)
    with searcher.open_index(index_dir) as ix:
        assert len(ix) == 13
        results = ix.search("legal immunity")
        assert results.hits[0].id == SEED_ID
        assert any(s.matched for snippet in results.hits[0].snippets for s in snippet)
        assert ix.get(SEED_ID).title == results.hits[0].title
        assert ix.verify().problems == ()
