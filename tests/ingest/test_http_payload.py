"""HTTP bodies of captured responses: transfer and content encodings, charsets."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders

from searcher.ingest import read_file
from searcher.ingest.http_payload import MAX_PAYLOAD_BYTES, charset, decoded
from tests.ingest.archives import STORY, encoded, html, page, write_warc


def headers(*pairs: tuple[str, str]) -> StatusAndHeaders:
    return StatusAndHeaders("200 OK", list(pairs), protocol="HTTP/1.1")


@pytest.mark.parametrize(
    ("encoding", "chunked"), [("gzip", True), ("deflate", False), ("br", False), ("br", True)]
)
def test_content_and_transfer_encodings_are_undone(
    tmp_path: Path, encoding: str, chunked: bool
) -> None:
    path = tmp_path / "enc.warc.gz"
    write_warc(path, [encoded("https://news.example/x", STORY, encoding, chunked=chunked)])
    [article] = read_file(path)
    assert article.title == "Harbour bridge reopens"


def test_the_http_charset_comes_before_the_page(tmp_path: Path) -> None:
    latin = page("Café reopens in São Paulo", "The café reopened.").decode().encode("latin-1")
    utf8_declared = latin.replace(b"<head>", b'<head><meta charset="utf-8">')
    path = tmp_path / "charset.warc.gz"
    served_as = "text/html; charset={}".format
    write_warc(path, [
        html("https://news.example/1", latin, content_type=served_as("ISO-8859-1")),
        html("https://news.example/2", utf8_declared, content_type=served_as("windows-1252")),
    ])  # fmt: skip
    assert [a.title for a in read_file(path)] == ["Café reopens in São Paulo"] * 2


def test_a_compression_bomb_stops_at_the_payload_limit() -> None:
    bomb = gzip.compress(b"\0" * (3 * MAX_PAYLOAD_BYTES))
    assert len(decoded(bomb, headers(("Content-Encoding", "gzip")))) == MAX_PAYLOAD_BYTES


def test_raw_deflate_is_read_and_an_unknown_encoding_refused() -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    body = raw.compress(STORY) + raw.flush()
    assert decoded(body, headers(("Content-Encoding", "deflate"))) == STORY
    with pytest.raises(ValueError, match="zstd"):
        decoded(STORY, headers(("Content-Encoding", "zstd")))
    assert charset(headers(("Content-Type", 'text/html; charset="ISO-8859-1"'))) == "ISO-8859-1"
    assert charset(headers(("Content-Type", "text/html"))) is None
