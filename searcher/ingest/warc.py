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
  content encoding; its charset is the HTTP header's, then the page's
  (:mod:`.http_payload`).

Every other record is passed over and counted by reason (``request record``,
``HTTP 404``, ``not HTML (image/png)``...), as is a capture of a URL that the
file captures again later: the latest capture (by ``WARC-Date``, then place
in the file) is the one indexed. A truncated or corrupt record is counted,
logged, and the file read on from the next record that can be found (the next
gzip member, or the next ``WARC/`` header; :mod:`.warc_records`). The file is streamed: a record's
payload is read only up to :data:`MAX_PAYLOAD_BYTES`, the rest passed over.
"""

from __future__ import annotations

import logging
import os
import stat
import zlib
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from searcher.errors import IngestError
from searcher.ingest._common import DEFAULT_OPTIONS, ReadOptions
from searcher.ingest.html import parse_html
from searcher.ingest.http_payload import MAX_PAYLOAD_BYTES
from searcher.ingest.warc_records import CORRUPT, GZIP_MEMBER, Capture, records
from searcher.models import Article

LOGGER = logging.getLogger(__name__)

#: The reason an earlier capture of a URL is passed over.
RECAPTURED = "earlier capture of a URL captured again later"

_HEAD_BYTES = 4096
_MEMBER_PROBE = 1 << 20


def _check_head(fh: BinaryIO, path: Path) -> None:
    """Refuse a file that does not start as a WARC (``WARC/``) or ARC (``filedesc://``) does.

    :raises IngestError: it does not.
    """
    head = fh.read(_HEAD_BYTES)
    if head[:2] == GZIP_MEMBER[:2]:
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
    if head[:2] == GZIP_MEMBER[:2]:
        unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            unzip.decompress(head, _MEMBER_PROBE)
        except zlib.error:
            return None
        if not (unzip.eof and unzip.unused_data.startswith(GZIP_MEMBER[:2])):
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
