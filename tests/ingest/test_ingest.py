"""Reading one file: the text reader, decoding, bylines, sections from folders."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest

from searcher import IngestError, read_file
from searcher.ingest import decode, scan, split_byline
from tests.conftest import CORPUS, SEED_ID


def test_seed_layout_is_read_exactly() -> None:
    [article] = read_file(CORPUS / "000_15647181341936f1.txt", SEED_ID)
    assert article.id == SEED_ID
    assert article.byline == "Dan De Luce, AFP"
    assert article.source == "AFP"
    assert article.date == datetime(2011, 10, 17)
    assert article.title == "US-Iraq talks hit snag over immunity for troops"
    assert article.body.startswith("The question of legal immunity for US troops")
    assert article.body.endswith("deadlocked situation.”")
    assert "\n\n" in article.body


def test_title_then_body(tmp_path: Path) -> None:
    path = tmp_path / "001.txt"
    path.write_text("Ad sales boost profit\n\nQuarterly profits jumped.\n\nSecond paragraph.\n")
    [article] = read_file(path)
    assert (article.title, article.byline, article.date) == ("Ad sales boost profit", "", None)
    assert article.body == "Quarterly profits jumped.\n\nSecond paragraph."


def test_bare_body_has_no_invented_title(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    words = " ".join(["word"] * 40)
    path.write_text(words + "\n")
    [article] = read_file(path)
    assert article.title == ""
    assert article.body == words


def test_byline_without_date(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("By Jane Roe\n\nHeadline here\n\nBody text.\n")
    [article] = read_file(path)
    assert (article.byline, article.title, article.body) == (
        "Jane Roe",
        "Headline here",
        "Body text.",
    )


def test_empty_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match=r"empty\.txt"):
        read_file(path)


def test_gzip_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(b"Headline\n\nBody of the story.\n"))
    [article] = read_file(path)
    assert article.title == "Headline"


def test_broken_gzip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(b"\x1f\x8b" + b"junk" * 10)
    with pytest.raises(IngestError, match="gzip"):
        read_file(path)


def test_decoding_falls_back_from_utf8() -> None:
    assert decode(b"\xa3600m") == "£600m"
    assert decode("\ufeffSão".encode()) == "São"
    assert decode("São".encode("utf-16")) == "São"
    assert decode("café".encode("latin-1"), declared="latin-1") == "café"


def test_split_byline() -> None:
    assert split_byline("Dan De Luce, AFP") == ("Dan De Luce, AFP", "AFP")
    assert split_byline("Maria Alvarez, Reuters") == ("Maria Alvarez, Reuters", "Reuters")
    assert split_byline("By Jane Roe") == ("Jane Roe", "")


def test_section_keyword_from_subfolder(tmp_path: Path) -> None:
    (tmp_path / "bbc" / "business").mkdir(parents=True)
    (tmp_path / "bbc" / "business" / "001.txt").write_text("Headline\n\nBody.")
    [corpus_file] = scan([tmp_path / "bbc"]).files
    [article] = read_file(corpus_file.path, corpus_file.doc_id)
    assert article.id == "bbc/business/001.txt"
    assert article.keywords == ("business",)


def test_lone_cr_line_endings_split_lines(tmp_path: Path) -> None:
    path = tmp_path / "mac.txt"
    path.write_bytes(b"Headline\r\rBody of the story.\r")
    [article] = read_file(path)
    assert (article.title, article.body) == ("Headline", "Body of the story.")
