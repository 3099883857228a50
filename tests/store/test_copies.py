"""Exact duplicates keep their ids (searcher/store/copies.py, through the public API)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import searcher
from searcher.cli import cli

# The first word a query stems out of the index's stem table imports nltk; on a
# loaded machine that alone can pass the 5 s query budget, so load it before.
searcher.analyze_text("warm up")

STORY = "Book availability\n\nHow often a library user finds the book on the shelf.\n"


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "cisi"
    corpus.mkdir()
    (corpus / "234.txt").write_text(STORY)
    (corpus / "1440.txt").write_text(STORY)
    (corpus / "9.txt").write_text("Card catalogs\n\nWhy readers give up on the card catalog.\n")
    return corpus


def test_a_duplicate_is_reachable_by_its_own_id(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    with searcher.open_index(tmp_path / "index", create=True) as ix:
        report = ix.update(corpus)
        assert len(report.duplicates) == 1 and len(ix) == 2
        # Files are read in name order: 1440.txt is kept, 234.txt is its copy.
        hit = ix.search("library book").hits[0]
        assert hit.id == "cisi/1440.txt"
        assert hit.duplicate_ids == ("cisi/234.txt",)
        copy = ix.get("cisi/234.txt")
        assert (copy.id, copy.title) == ("cisi/234.txt", "Book availability")
        assert copy.path.endswith("234.txt")
        assert ix.search("catalog").hits[0].duplicate_ids == ()
        # A judgment naming the copy is matched: it ranks right after its original.
        result = ix.evaluate({"44": "library book"}, {"44": {"234": 1}})
        assert [line.doc_id for line in result.run] == ["1440", "234"]
        assert result.measure("MAP") == 0.5


def test_a_copy_that_changes_or_goes_is_no_longer_a_duplicate(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    with searcher.open_index(tmp_path / "index", create=True) as ix:
        ix.update(corpus)
        (corpus / "234.txt").write_text("Book availability\n\nA different study of shelves.\n")
        ix.update(corpus)
        assert ix.search("library book").hits[0].duplicate_ids == ()
        assert ix.get("cisi/234.txt").body == "A different study of shelves."
        (corpus / "234.txt").write_text(STORY)
        ix.update(corpus)
        assert ix.search("library book").hits[0].duplicate_ids == ("cisi/234.txt",)
        (corpus / "234.txt").unlink()
        ix.update(corpus)
        assert ix.search("library book").hits[0].duplicate_ids == ()


def test_show_and_json_name_the_copy(tmp_path: Path, runner: CliRunner) -> None:
    corpus = _corpus(tmp_path)
    assert runner.invoke(cli, ["index", str(corpus)]).exit_code == 0
    shown = runner.invoke(cli, ["show", "cisi/234.txt", "--json"], catch_exceptions=False)
    assert json.loads(shown.output)["id"] == "cisi/234.txt"
    found = runner.invoke(
        cli, ["query", "library book", "--format", "jsonl"], catch_exceptions=False
    )
    assert json.loads(found.output.splitlines()[0])["duplicate_ids"] == ["cisi/234.txt"]
