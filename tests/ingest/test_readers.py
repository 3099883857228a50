"""Which reader reads which suffix."""

from __future__ import annotations

from pathlib import Path

import pytest

from searcher import UnsupportedFormatError, read_file
from searcher.ingest import get_reader, supported_suffixes, warc


def test_unknown_suffix_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "paper.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(UnsupportedFormatError, match=r"'\.pdf'"):
        read_file(path)


def test_each_suffix_has_a_reader_and_gz_is_looked_through(tmp_path: Path) -> None:
    assert supported_suffixes() == sorted(supported_suffixes())
    assert {".warc", ".arc", ".rss", ".txt", ".html", ".sgm", ".jsonl"} <= set(supported_suffixes())
    assert get_reader(tmp_path / "crawl.warc.gz") is warc.read
