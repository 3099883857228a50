"""The corpus walk: which files are read, under which ids, and which are left out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from searcher.ingest import scan


def test_scan_skips_hidden_docs_and_unknown_formats(tmp_path: Path) -> None:
    root = tmp_path / "news"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("A\n\nbody")
    (root / "sub" / "b.html").write_text("<p>b</p>")
    (root / ".hidden.txt").write_text("H\n\nbody")
    (root / "README.md").write_text("docs")
    (root / "notes.pdf").write_bytes(b"%PDF")
    found = scan([root])
    assert [f.doc_id for f in found.files] == ["news/a.txt", "news/sub/b.html"]
    assert sorted(Path(s.path).name for s in found.ignored) == ["README.md", "notes.pdf"]


def test_txt_beside_a_collection_archive_is_documentation(tmp_path: Path) -> None:
    (tmp_path / "reut2-000.sgm").write_text("<REUTERS></REUTERS>")
    (tmp_path / "lewis.dtd").write_text("<!ELEMENT REUTERS - - (DATE)>")
    (tmp_path / "all-topics.txt").write_text("acq\ncocoa\n")
    found = scan([tmp_path])
    reasons = {Path(s.path).name: s.reason for s in found.ignored}
    assert reasons["all-topics.txt"] == "documentation beside a collection archive"
    assert "all-topics.txt" not in [f.path.name for f in found.files]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_links_out_of_the_corpus_and_loops_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret\n\nbody")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.txt").write_text("A\n\nbody")
    (root / "out").symlink_to(outside)
    (root / "loop").symlink_to(root)
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    found = scan([root])
    assert [f.doc_id for f in found.files] == ["root/a.txt"]


def test_txt_articles_beside_a_jsonl_export_are_read(tmp_path: Path) -> None:
    (tmp_path / "export.jsonl").write_text('{"title": "A", "body": "b"}\n')
    (tmp_path / "story.txt").write_text("Headline\n\nBody.")
    found = scan([tmp_path])
    assert sorted(f.path.name for f in found.files) == ["export.jsonl", "story.txt"]


def test_txt_articles_beside_a_stray_sgml_file_are_read(tmp_path: Path) -> None:
    (tmp_path / "wire.sgm").write_text("<REUTERS></REUTERS>")
    (tmp_path / "story.txt").write_text("Headline\n\nBody.")
    found = scan([tmp_path])
    assert sorted(f.path.name for f in found.files) == ["story.txt", "wire.sgm"]
