"""The plain-text reader on the BBC News layout (headline, blank line, paragraphs).

The real collection is research data read in place; these tests skip without it.
"""

from __future__ import annotations

import codecs
import logging
from collections import Counter
from pathlib import Path

import pytest

from searcher.ingest import clean_line, decode, read_file, scan
from searcher.models import Article

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
BBC = SHARED_DATA / "bbc-news" / "bbc"
CATEGORIES = {"business": 510, "entertainment": 386, "politics": 417, "sport": 511, "tech": 401}

needs_bbc = pytest.mark.skipif(
    not (BBC / "business" / "001.txt").exists(),
    reason=f"the BBC News set is not in {BBC} (local research data, not shipped)",
)


def test_bbc_layout_headline_then_paragraphs(tmp_path: Path) -> None:
    # Same layout as the real files, with our own text.
    path = tmp_path / "sport" / "001.txt"
    path.parent.mkdir()
    path.write_bytes(b"Club wins cup final\n\nThe club won 2-1.\n\nFans paid \xa330 a ticket.\n")
    (article,) = read_file(path, "bbc/sport/001.txt")
    assert (article.title, article.body) == (
        "Club wins cup final",
        "The club won 2-1.\n\nFans paid £30 a ticket.",
    )
    assert article.keywords == ("sport",)


def test_a_utf8_bom_before_cp1252_text_is_read_as_cp1252(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bom.txt"
    text = "Café prices\n\nA “flat white” costs £3 – or €3.50.\n"
    path.write_bytes(codecs.BOM_UTF8 + text.encode("cp1252"))
    with caplog.at_level(logging.INFO, logger="searcher.ingest._common"):
        (article,) = read_file(path)
    assert (article.title, article.body) == ("Café prices", "A “flat white” costs £3 – or €3.50.")
    assert f"{path}: a UTF-8 BOM, but not UTF-8; decoding as cp1252" in caplog.messages
    assert decode(codecs.BOM_UTF8 + "Zürich".encode()) == "Zürich"


@needs_bbc
def test_scan_finds_2225_articles_and_ignores_readme() -> None:
    result = scan([BBC])
    assert len(result.files) == 2225
    assert [Path(s.path).name for s in result.ignored] == ["README.TXT"]
    counts = Counter(f.doc_id.split("/")[1] for f in result.files)
    assert counts == CATEGORIES


@needs_bbc
def test_all_2225_read_with_first_line_as_title_and_category_keyword() -> None:
    articles: list[Article] = []
    for corpus_file in scan([BBC]).files:
        (article,) = read_file(corpus_file.path, corpus_file.doc_id)
        first_line = decode(corpus_file.path.read_bytes()).split("\n", 1)[0]
        assert article.title == clean_line(first_line), corpus_file.doc_id
        assert article.body, corpus_file.doc_id
        assert article.keywords == (corpus_file.doc_id.split("/")[1],)
        articles.append(article)
    assert len(articles) == 2225
    assert articles[0].id == "bbc/business/001.txt"
    assert articles[0].title == "Ad sales boost Time Warner profit"


@needs_bbc
def test_sport_199_lone_latin1_pound_sign() -> None:
    path = BBC / "sport" / "199.txt"
    assert b"\xa3" in path.read_bytes()
    (article,) = read_file(path, "bbc/sport/199.txt")
    assert "£" in article.body
    assert "\ufffd" not in article.body
