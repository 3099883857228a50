"""A server keeps serving while ``searcher index`` adds to its index."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS
from tests.web.conftest import build_index, running_server


def test_new_commits_are_seen_on_the_next_request(tmp_path: Path) -> None:
    index_dir = build_index(tmp_path, CORPUS)
    with running_server(index_dir) as server:
        before = server.get("/api/search?q=zanzibarite").json()
        assert before["total"] == 0
        articles = server.get("/api/health").json()["articles"]
        story = tmp_path / "corpus" / "late" / "2011-11-01_late.txt"
        story.parent.mkdir()
        story.write_text("Zanzibarite found\n\nGeologists found zanzibarite in the hills.\n")
        command = [sys.executable, "-m", "searcher", "--index", str(index_dir), "index"]
        done = subprocess.run([*command, str(tmp_path / "corpus")], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        after = server.get("/api/search?q=zanzibarite").json()
        assert [hit["title"] for hit in after["hits"]] == ["Zanzibarite found"]
        assert server.get("/api/health").json()["articles"] == articles + 1
        page = server.get("/search?q=zanzibarite")
        assert "Zanzibarite found" in page.text
