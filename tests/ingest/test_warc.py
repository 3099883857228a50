"""The WARC/ARC reader, on archives written at test time."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest

from searcher.errors import IngestError
from searcher.ingest import read_file, warc
from tests.conftest import shared_data
from tests.ingest.archives import (
    STORY,
    counted,
    html,
    mixed,
    page,
    write_arc,
    write_warc,
)


@pytest.mark.parametrize("gzip_records", [True, False])
def test_html_responses_become_articles_and_the_rest_is_counted(
    tmp_path: Path, gzip_records: bool
) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip_records else "crawl.warc")
    offsets = write_warc(path, mixed(), gzip_records=gzip_records)
    articles, passed = counted(path)
    assert [a.title for a in articles] == [
        "Harbour bridge reopens", "Fuel prices rise", "Cocoa harvest late",
    ]  # fmt: skip
    assert [a.id for a in articles] == [f"corpus/{path.name}#{offsets[i]}" for i in (2, 9, 10)]
    assert articles[0].url == "https://news.example/bridge"
    assert articles[0].date is None  # the page states none: the crawl is no publication date
    assert articles[0].crawled == datetime(2019, 11, 20, 12, 0)
    assert articles[0].body.startswith("The harbour bridge reopened on Monday")
    assert passed == {
        "warcinfo record": 1,
        "request record": 1,
        "metadata record": 1,
        "revisit record": 1,
        "HTTP 404": 1,
        "HTTP 301": 1,
        "not HTML (application/pdf)": 1,
        "not HTML (image/png)": 1,
    }


def test_a_url_captured_again_is_indexed_once_latest_capture(tmp_path: Path) -> None:
    path = tmp_path / "dup.warc.gz"
    first = page("Talks begin", "Early version of the story.")
    second = page("Talks end in a deal", "Updated version of the story.")
    write_warc(path, [
        html("https://news.example/talks", second, date="2019-11-21T08:00:00Z"),
        html("https://news.example/talks", first, date="2019-11-20T08:00:00Z"),
        html("https://news.example/other", STORY),
    ])  # fmt: skip
    articles, passed = counted(path)
    assert [a.title for a in articles] == ["Talks end in a deal", "Harbour bridge reopens"]
    assert passed == {warc.RECAPTURED: 1}


def test_arc_files_are_read(tmp_path: Path) -> None:
    for gzip_records in (True, False):
        path = tmp_path / ("old.arc.gz" if gzip_records else "old.arc")
        write_arc(path, [
            ("http://news.example/1", "20011019120000", page("Wire story one", "Text one.")),
            ("http://news.example/2", "20011019130000", page("Wire story two", "Text two.")),
        ], gzip_records=gzip_records)  # fmt: skip
        articles, passed = counted(path)
        assert [a.title for a in articles] == ["Wire story one", "Wire story two"]
        assert articles[1].crawled == datetime(2001, 10, 19, 13, 0)
        assert articles[1].url == "http://news.example/2"
        assert passed == {"warcinfo record": 1}  # the ARC file header


def test_a_file_that_is_no_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_bytes(b"just some text, not a web archive\n" * 10)
    with pytest.raises(IngestError, match="web archive"):
        read_file(path)


def test_a_200_mb_record_streams_past_in_bounded_memory(tmp_path: Path) -> None:
    """A huge page is read to :data:`warc.MAX_PAYLOAD_BYTES`, the rest streamed past."""
    path = tmp_path / "huge.warc"
    size = 200 * 2**20
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    block = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/huge\r\n"
        "WARC-Date: 2019-11-20T12:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(head) + size}\r\n\r\n"
    )
    filler = b"word " * (2**20 // 5) + b"w" * (2**20 % 5)
    with path.open("wb") as out:
        out.write(block.encode() + head)
        for _ in range(size // len(filler)):
            out.write(filler)
        out.write(b"\r\n\r\n")
    write_after = tmp_path / "after.warc"
    write_warc(write_after, [html("https://news.example/after", STORY)], gzip_records=False)
    with path.open("ab") as out:
        out.write(write_after.read_bytes())
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            kinds = [item if isinstance(item, str) else item.url for _, item in warc.records(fh)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert kinds == ["https://news.example/huge", "https://news.example/after"]
    assert peak < 4 * warc.MAX_PAYLOAD_BYTES


def test_benchmark_pages_read_from_a_warc_as_from_their_files(tmp_path: Path) -> None:
    """Every page of the extraction benchmark, captured in a WARC, reads as its file does."""
    folder = shared_data("article-extraction-benchmark", "html")
    files = sorted(folder.glob("*.html.gz"))[::4]  # a quarter of them: the reader is the same
    path = tmp_path / "bench.warc.gz"
    write_warc(
        path,
        [html(f"https://bench.example/{f.name}", gzip.decompress(f.read_bytes())) for f in files],
    )
    from_warc = read_file(path)
    assert len(from_warc) == len(files)
    for file, article in zip(files, from_warc, strict=True):
        [alone] = read_file(file)
        assert (article.title, article.body, article.date) == (alone.title, alone.body, alone.date)
        assert article.url == f"https://bench.example/{file.name}"


def test_a_folder_of_archives_is_indexed_reported_and_found(tmp_path: Path) -> None:
    """``searcher index`` reads every page, reports what it passed over, and a
    re-run over the unchanged folder reads nothing."""
    from click.testing import CliRunner

    from searcher.cli import cli

    folder = tmp_path / "crawls"
    folder.mkdir()
    write_warc(folder / "crawl.warc.gz", mixed())
    write_arc(folder / "old.arc", [
        ("http://news.example/wire", "20011019120000", page("Wire story", "Markets rallied.")),
    ], gzip_records=False)  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(cli, ["index", str(folder)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "4 added" in first.stderr
    assert "records passed over: 2 warcinfo record, 1 HTTP 301, 1 HTTP 404" in first.stderr
    hits = runner.invoke(
        cli, ["query", "harbour bridge", "--format", "jsonl"], catch_exceptions=False
    )
    [hit] = [json.loads(line) for line in hits.stdout.splitlines()]
    assert hit["url"] == "https://news.example/bridge"
    assert hit["id"].startswith("crawls/crawl.warc.gz#")
    assert (hit["date"], hit["crawled"]) == (None, "2019-11-20T12:00:00Z")
    shown = runner.invoke(cli, ["show", hit["id"], "--json"], catch_exceptions=False)
    assert json.loads(shown.stdout)["crawled"] == "2019-11-20T12:00:00Z"
    assert json.loads(shown.stdout)["date"] is None
    again = runner.invoke(cli, ["index", str(folder)], catch_exceptions=False)
    assert "0 added, 0 updated, 0 removed, 2 files unchanged" in again.stderr
    assert "passed over" not in again.stderr


def test_extract_shows_the_first_pages_and_what_was_passed_over(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from searcher.cli import cli

    path = tmp_path / "crawl.warc.gz"
    write_warc(path, mixed())
    result = CliRunner().invoke(cli, ["extract", str(path), "--limit", "1"])
    assert result.exit_code == 0
    assert "title:    Harbour bridge reopens" in result.stdout
    assert "crawled:  2019-11-20T12:00:00" in result.stdout
    assert "Fuel prices" not in result.stdout
    assert "1 of 3 articles shown." in result.stderr
    assert "records passed over: 1 HTTP 301, 1 HTTP 404, 1 metadata record" in result.stderr
