"""The searcher an open index keeps, with its columns, is reopened after a commit.

(That its columns let go of their files when it closes is checked by
``tests/indexing/test_failed_runs.py``: a full small disk is unmounted after it.)"""

from __future__ import annotations

from pathlib import Path

import searcher


def test_a_commit_is_counted_by_the_next_search(tmp_path: Path) -> None:
    index_dir = tmp_path / "ix"
    with searcher.open_index(index_dir, create=True) as ix:
        ix.add([searcher.Article(id="a", path="a", title="Cocoa one", body="cocoa")])
        before = ix.search("cocoa", facets=["source"], histogram="auto")
        assert len(ix) == 1 and before.total == 1
        ix.add([searcher.Article(id="b", path="b", title="Cocoa two", body="cocoa", source="AFP")])
        after = ix.search("cocoa", facets=["source"], histogram="auto")
        assert len(ix) == 2 and after.total == 2
        assert dict(after.facets["source"]) == {"AFP": 1, "": 1}
