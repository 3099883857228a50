"""Web archives written at test time with warcio's writer (ARC by hand: warcio
reads ARC but writes none), for the WARC reader's tests and the indexing tests."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import brotli
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from searcher.ingest import read_file_counted
from searcher.models import Article

PAGE = """<html><head><title>{title}</title>
<meta name="viewport" content="width=device-width"></head>
<body><article><h1>{title}</h1>
<p>{body}</p>
<p>The second paragraph says more about {title_lower}, as long news stories do.</p>
</article></body></html>"""


def page(title: str, body: str) -> bytes:
    """A small HTML news page."""
    return PAGE.format(title=title, body=body, title_lower=title.lower()).encode("utf-8")


@dataclass
class Rec:
    """One record to write: ``kind`` is a WARC-Type; ``status`` an HTTP status line."""

    kind: str
    url: str
    payload: bytes = b""
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    date: str = "2019-11-20T12:00:00Z"
    #: A fixed ``WARC-Record-ID`` (the file's bytes are then the same every run), else a random one.
    record_id: str | None = None


def html(
    url: str,
    payload: bytes,
    *,
    date: str = "2019-11-20T12:00:00Z",
    record_id: str | None = None,
    **kw: str,
) -> Rec:
    headers = [("Content-Type", kw.get("content_type", "text/html; charset=utf-8"))]
    return Rec("response", url, payload, kw.get("status", "200 OK"), headers, date, record_id)


def encoded(url: str, payload: bytes, encoding: str, *, chunked: bool = False) -> Rec:
    """A response whose body is sent with ``encoding`` (gzip, deflate, br), maybe chunked."""
    body = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "br": brotli.compress,
    }[encoding](payload)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", encoding)]
    if chunked:
        half = len(body) // 2
        parts = [body[:half], body[half:]]
        body = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
        headers.append(("Transfer-Encoding", "chunked"))
    return Rec("response", url, body, "200 OK", headers)


STORY = page("Harbour bridge reopens", "The harbour bridge reopened on Monday after repairs.")


def mixed() -> list[Rec]:
    """One of every kind of record an archive holds, and three pages."""
    return [
        Rec("warcinfo", "", b"software: tests\r\n"),
        Rec("request", "https://news.example/bridge"),
        html("https://news.example/bridge", STORY),
        Rec("metadata", "https://news.example/bridge", b"outlinks: none\r\n"),
        Rec(
            "revisit", "https://news.example/bridge", b"", "200 OK", [("Content-Type", "text/html")]
        ),
        html("https://news.example/gone", page("Gone", "Nothing here."), status="404 Not Found"),
        html("https://news.example/old", b"", status="301 Moved Permanently"),
        html("https://news.example/a.pdf", b"%PDF-1.4 ...", content_type="application/pdf"),
        html("https://news.example/logo.png", b"\x89PNG...", content_type="image/png"),
        html("https://news.example/fuel", page("Fuel prices rise", "Petrol costs more today.")),
        encoded(
            "https://news.example/cocoa", page("Cocoa harvest late", "Rain held it up."), "gzip"
        ),
    ]


def counted(path: Path) -> tuple[list[Article], dict[str, int]]:
    """The articles of an archive and its records passed over, counted by reason."""
    read = read_file_counted(path, "corpus/" + path.name)
    return read.articles, dict(read.passed_over)


def write_warc(path: Path, records: Iterable[Rec], *, gzip_records: bool = True) -> list[int]:
    """Write ``records`` (gzip'd one member a record, or not); return their offsets."""
    offsets = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzip_records)
        for rec in records:
            offsets.append(out.tell())
            _write(writer, rec)
    return offsets


def write_whole_gzip_warc(path: Path, records: Iterable[Rec]) -> None:
    """A WARC gzip'd as one member (as ``gzip file.warc`` makes it)."""
    plain = io.BytesIO()
    writer = WARCWriter(plain, gzip=False)
    for rec in records:
        _write(writer, rec)
    path.write_bytes(gzip.compress(plain.getvalue()))


def _write(writer: WARCWriter, rec: Rec) -> None:
    record = _record(writer, rec)
    writer.write_record(record)


def _record(writer: WARCWriter, rec: Rec) -> Any:
    warc_headers = {"WARC-Date": rec.date}
    if rec.record_id:
        warc_headers["WARC-Record-ID"] = rec.record_id
    if rec.kind in ("response", "revisit"):
        http = StatusAndHeaders(rec.status, rec.headers, protocol="HTTP/1.1")
        return writer.create_warc_record(
            rec.url,
            rec.kind,
            payload=io.BytesIO(rec.payload),
            length=len(rec.payload),
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
    if rec.kind == "request":
        http = StatusAndHeaders(
            f"GET {rec.url} HTTP/1.1", [("Host", "example.com")], is_http_request=True
        )
        return writer.create_warc_record(
            rec.url, "request", payload=io.BytesIO(b""), length=0, http_headers=http,
            warc_headers_dict=warc_headers,
        )  # fmt: skip
    return writer.create_warc_record(
        rec.url,
        rec.kind,
        payload=io.BytesIO(rec.payload),
        length=len(rec.payload),
        warc_content_type="application/warc-fields",
        warc_headers_dict=warc_headers,
    )


def write_arc(path: Path, records: Iterable[tuple[str, str, bytes]], *, gzip_records: bool) -> None:
    """An ARC (version 1) file of ``(url, 14-digit date, html)`` 200 responses."""
    members = []
    header_body = b"1 0 searcher-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    filedesc = b"filedesc://test.arc 0.0.0.0 20191120120000 text/plain %d\n" % len(header_body)
    members.append(filedesc + header_body + b"\n")
    for url, date, body in records:
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
        line = f"{url} 93.184.216.34 {date} text/html {len(http)}\n".encode()
        members.append(line + http + b"\n")
    with path.open("wb") as out:
        for member in members:
            out.write(gzip.compress(member) if gzip_records else member)
