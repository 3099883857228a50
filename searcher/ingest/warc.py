"""Web archives: WARC (ISO 28500) and ARC files, many captured pages a file.

Read with ``warcio`` (also ARC, which it turns into WARC records as it reads;
fastwarc reads WARC only). Each ``response`` record whose HTTP status is 2xx
and whose payload is HTML becomes an article through the HTML reader:

* id: ``<file id>#<record offset>``, the byte offset at which the record starts
  in the file (of its gzip member in a record-gzip'd file), so it is stable
  across runs and names the record for ``warcio``'s and other tools' readers;
* URL: the record's ``WARC-Target-URI``;
* date: the page's own publication date (``None`` when it states none); the
  ``WARC-Date`` is kept apart as :attr:`~searcher.models.Article.crawled`,
  never passed off as a publication date;
* the HTTP body is decoded from chunked transfer and gzip, deflate or br
  content encoding; its charset is the HTTP header's, then the page's.

Every other record is passed over and counted by reason (``request record``,
``HTTP 404``, ``not HTML (image/png)``...), as is a capture of a URL that the
file captures again later: the latest capture (by ``WARC-Date``, then place
in the file) is the one indexed. A truncated or corrupt record is counted,
logged, and the file read on from the next record that can be found (the next
gzip member, or the next ``WARC/`` header). The file is streamed: a record's
payload is read only up to :data:`MAX_PAYLOAD_BYTES`, the rest passed over.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import stat
import zlib
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from searcher.errors import IngestError
from searcher.ingest._common import DEFAULT_OPTIONS, ReadOptions
from searcher.ingest.html import MAX_HTML_CHARS, parse_html
from searcher.models import Article
from searcher.text.dates import parse_date

LOGGER = logging.getLogger(__name__)

#: Most bytes of one record's HTTP body read (before and after decoding); the
#: HTML reader parses the first :data:`~searcher.ingest.html.MAX_HTML_CHARS`
#: characters of a page only, and the rest of a huge record is streamed past.
MAX_PAYLOAD_BYTES = 2 * MAX_HTML_CHARS
#: Media types read as HTML pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: The reason a truncated or corrupt record is passed over.
CORRUPT = "truncated or corrupt record"
#: The reason an earlier capture of a URL is passed over.
RECAPTURED = "earlier capture of a URL captured again later"

_GZIP_MEMBER = b"\x1f\x8b\x08"
# What warcio says of a gzip member holding more than one record.
_WHOLE_GZIP = "non-chunked gzip"
_WARC_HEADER = b"WARC/1."
_SCAN_BYTES = 1 << 20
_HEAD_BYTES = 4096
_MEMBER_PROBE = 1 << 20
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_ERRORS = (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error, brotli.error, IndexError)


@dataclass(frozen=True, slots=True)
class Capture:
    """One HTML response of an archive, before it is read as a page."""

    offset: int
    url: str
    crawled: datetime | None
    payload: bytes
    charset: str | None


def _status_reason(record: Any) -> str | None:
    """Why a response record is no page to index, or ``None`` when it is one."""
    headers = record.http_headers
    if headers is None:
        return "response without HTTP headers"
    code = headers.get_statuscode() or ""
    if not (code.isdigit() and code.startswith("2")):
        return f"HTTP {code or 'status missing'}"
    media = (headers.get_header("content-type") or "").split(";")[0].strip().lower()
    if media and media not in HTML_TYPES:
        return f"not HTML ({media})"
    return None


def _dechunk(raw: bytes) -> bytes:
    """The body of an HTTP chunked transfer; a cut or garbled one up to where it breaks."""
    parts = []
    position = 0
    while position < len(raw):
        line_end = raw.find(b"\r\n", position)
        if line_end < 0:
            break
        size_text = raw[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            break
        if size == 0:
            break
        parts.append(raw[line_end + 2 : line_end + 2 + size])
        position = line_end + 2 + size + 2
    return b"".join(parts)


def _inflate(data: bytes, encoding: str) -> bytes:
    """Undo a content encoding, to at most :data:`MAX_PAYLOAD_BYTES` (a bomb stops there)."""
    if encoding == "br":
        return bytes(brotli.Decompressor().process(data, output_buffer_limit=MAX_PAYLOAD_BYTES))
    if encoding in ("gzip", "x-gzip"):
        wbits = [16 + zlib.MAX_WBITS]
    else:  # deflate: zlib-wrapped as the standard says, or raw as some servers send it
        wbits = [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    for bits in wbits:
        try:
            return zlib.decompressobj(bits).decompress(data, MAX_PAYLOAD_BYTES)
        except zlib.error:
            if bits == wbits[-1]:
                raise
    raise AssertionError("unreachable")


def _decoded(raw: bytes, record: Any) -> bytes:
    """The HTTP body of ``raw``, with chunked transfer and content encoding undone.

    :raises ValueError: an encoding searcher does not know.
    :raises zlib.error, brotli.error: the body is not in the encoding it claims.
    """
    headers = record.http_headers
    if (headers.get_header("transfer-encoding") or "").strip().lower() == "chunked":
        raw = _dechunk(raw)
    encoding = (headers.get_header("content-encoding") or "").strip().lower()
    if encoding in ("", "identity", "none"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate", "br"):
        raise ValueError(f"content encoding {encoding!r} not supported")
    return _inflate(raw, encoding)


def _charset(record: Any) -> str | None:
    found = _CHARSET.search(record.http_headers.get_header("content-type") or "")
    return found.group(1) if found else None


def _next_start(fh: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset of the first record start (gzip member or ``WARC/`` header) past ``after``."""
    marker = _GZIP_MEMBER if gzipped else _WARC_HEADER
    position = after
    while True:
        fh.seek(position)
        chunk = fh.read(_SCAN_BYTES + len(marker))
        if len(chunk) < len(marker):
            return None
        found = chunk.find(marker)
        if found >= 0:
            return position + found
        position += _SCAN_BYTES


Record = tuple[int, "Capture | str"]


def records(fh: BinaryIO, *, start: int = 0, payloads: bool = True) -> Iterator[Record]:
    """Yield ``(offset, capture)`` for each HTML response of an archive and
    ``(offset, reason)`` for each other record, reading on past bad records.

    A file gzip'd whole (one gzip member, not one a record) is read through a
    gunzipping stream, offsets then counting its unzipped bytes; it cannot be
    read on past a corrupt place.

    :param start: the offset of the record to begin with.
    :param payloads: read each capture's HTTP body (else its ``payload`` is empty).
    """
    fh.seek(0)
    gzipped = fh.read(2) == _GZIP_MEMBER[:2]
    first = start
    start_at: int | None = start
    counted_failure = False
    yielded = 0
    while start_at is not None:
        fh.seek(start_at)
        iterator = ArchiveIterator(fh, arc2warc=True)
        bad = start_at
        failure: object = None
        try:
            for record in iterator:
                bad = iterator.offset
                if gzipped and iterator.reader.decompressor is None:
                    # A member that does not inflate: warcio reads on through the file's
                    # bytes as they are, and some compressed bytes pass for an ARC header.
                    failure = "a gzip member that does not inflate"
                    break
                item = _capture(record, bad, payloads)
                if item == CORRUPT:  # its length may run into the records that follow
                    failure = "the record ends before its length"
                    break
                counted_failure = False
                yielded += 1
                yield bad, item
            else:
                return
        except ArchiveLoadFailed as exc:
            if gzipped and first == 0 and yielded == 1 and _WHOLE_GZIP in str(exc):
                yield from _whole_gzip(fh, skip=1, payloads=payloads)
                return
            failure, bad = exc, iterator.offset
        except _ERRORS as exc:
            failure, bad = exc, iterator.offset
        if not counted_failure:  # a false start found while reading on is not counted again
            LOGGER.warning("record at byte %s: %s (%s); reading on", bad, CORRUPT, failure)
            yield bad, CORRUPT
        counted_failure = True
        # Read on from the bad record's own start: its length cannot be trusted.
        start_at = _next_start(fh, max(bad, start_at) + 1, gzipped)


def _whole_gzip(fh: BinaryIO, *, skip: int, payloads: bool) -> Iterator[Record]:
    """:func:`records` of a file gzip'd whole, past its first ``skip`` records."""
    fh.seek(0)
    with gzip.GzipFile(fileobj=fh) as unzipped:
        iterator = ArchiveIterator(unzipped, arc2warc=True)
        try:
            for number, record in enumerate(iterator):
                if number >= skip:
                    yield iterator.offset, _capture(record, iterator.offset, payloads)
        except _ERRORS as exc:
            LOGGER.warning("record at byte %s: %s (%s)", iterator.offset, CORRUPT, exc)
            yield iterator.offset, CORRUPT


def _capture(record: Any, offset: int, payloads: bool = True) -> Capture | str:
    kind = record.rec_type or "unknown"
    if kind != "response":
        return f"{kind} record"
    reason = _status_reason(record)
    if reason:
        return reason
    headers = record.rec_headers
    url = headers.get_header("WARC-Target-URI") or ""
    crawled = parse_date(headers.get_header("WARC-Date") or "")
    if not payloads:
        return Capture(offset, url, crawled, b"", None)
    raw = record.raw_stream.read(MAX_PAYLOAD_BYTES)
    if len(raw) < MAX_PAYLOAD_BYTES and getattr(record.raw_stream, "limit", 0) > 0:
        return CORRUPT  # ends before its length: records() logs it and reads on
    try:
        payload = _decoded(raw, record)
    except _ERRORS as exc:
        LOGGER.info("record at byte %s: undecodable HTTP body (%s)", offset, exc)
        return "undecodable HTTP body"
    return Capture(offset, url, crawled, payload, _charset(record))


def _check_head(fh: BinaryIO, path: Path) -> None:
    """Refuse a file that does not start as a WARC (``WARC/``) or ARC (``filedesc://``) does.

    :raises IngestError: it does not.
    """
    head = fh.read(_HEAD_BYTES)
    if head[:2] == _GZIP_MEMBER[:2]:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            head = b""
    if not head.lstrip().startswith((b"WARC/", b"filedesc://")):
        what = "an empty file" if not head else "no WARC or ARC record at its start"
        raise IngestError(path, f"{what}; is this a web archive?")
    fh.seek(0)


def _open(path: Path) -> BinaryIO:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise IngestError(path, "not a regular file (a folder, FIFO or device)")
        return os.fdopen(fd, "rb")
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc


@dataclass(frozen=True, slots=True)
class Survey:
    """What a first pass over an archive's headers finds: every record's offset,
    and for each URL the offset of the capture to index (the latest)."""

    offsets: list[int]
    latest: dict[str, int]


def survey(fh: BinaryIO) -> Survey:
    """Read the headers of every record of an archive (no page is read)."""
    offsets: list[int] = []
    best: dict[str, tuple[datetime, int]] = {}
    for offset, item in records(fh, payloads=False):
        offsets.append(offset)
        if isinstance(item, Capture) and item.url:
            when = (item.crawled or datetime.min, offset)
            if item.url not in best or when > best[item.url]:
                best[item.url] = when
    return Survey(offsets, {url: when[1] for url, when in best.items()})


def read(
    path: Path,
    doc_id: str,
    options: ReadOptions = DEFAULT_OPTIONS,
    *,
    span: tuple[int, int] | None = None,
) -> Generator[Article, None, Counter[str]]:
    """Yield an article for each HTML page a WARC or ARC file (gzip'd or not)
    captured; return the records passed over, counted by reason.

    The file is read twice: its headers first (:func:`survey`), to know which
    capture of each URL is the latest, then the pages. ``options.max_bytes``
    does not apply: the file is streamed, one record at a time.

    :param span: read only the records that start in ``[start, end)`` (a
        share of a file cut by :func:`split` among workers); every record of
        the file is in exactly one of its spans.
    :raises IngestError: the file cannot be opened, or is no web archive at all.
    """
    passed: Counter[str] = Counter()
    with _open(path) as fh:
        _check_head(fh, path)
        found = survey(fh)
        first, end = span if span else (0, None)
        begin = next((o for o in found.offsets if o >= first), None) if first else 0
        if begin is None:
            return passed
        for offset, item in records(fh, start=begin):
            if end is not None and offset >= end:
                break
            if isinstance(item, str):
                passed[item] += 1
                continue
            if found.latest.get(item.url, offset) != offset:
                passed[RECAPTURED] += 1
                continue
            article = page(item, path=str(path), doc_id=doc_id)
            if article is None:
                passed["no text in the page"] += 1
                continue
            yield article
    return passed


def split(path: Path, size: int, shares: int) -> list[tuple[int, int]] | None:
    """Cut a file into ``shares`` spans of bytes for :func:`read` to read apart,
    or ``None`` when it cannot be: a file gzip'd whole must be read from its start.
    """
    if shares < 2:
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(_MEMBER_PROBE)
    except OSError:
        return None
    if head[:2] == _GZIP_MEMBER[:2]:
        unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            unzip.decompress(head, _MEMBER_PROBE)
        except zlib.error:
            return None
        if not (unzip.eof and unzip.unused_data.startswith(_GZIP_MEMBER[:2])):
            return None  # one member: gzip'd whole (or a huge first record)
    cuts = [size * share // shares for share in range(shares)]
    return [(start, end) for start, end in zip(cuts, [*cuts[1:], size + 1], strict=True)]


def page(capture: Capture, *, path: str, doc_id: str) -> Article | None:
    """The article of one captured page, or ``None`` when it holds no text."""
    try:
        article = parse_html(
            capture.payload,
            path=path,
            doc_id=f"{doc_id}#{capture.offset}",
            charset=capture.charset,
        )
    except IngestError as exc:
        LOGGER.info("%s#%s: %s", path, capture.offset, exc.reason)
        return None
    return replace(article, url=capture.url or article.url, crawled=capture.crawled)


__all__ = [
    "CORRUPT",
    "MAX_PAYLOAD_BYTES",
    "RECAPTURED",
    "Capture",
    "Survey",
    "page",
    "read",
    "records",
    "split",
    "survey",
]
