"""An archive's records one by one, reading on past bad ones.

Each record is an HTML response to read (a :class:`Capture`) or the reason it
is passed over. A truncated or corrupt record is counted once, logged, and the
file read on from the next record start found after the bad record's own start
(the next gzip member, or the next ``WARC/`` header): its length cannot be
trusted, so nothing after its start is taken as read. A file gzip'd whole
(one member, not one a record) is read through a gunzipping stream.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from searcher.ingest.http_payload import DECODING_ERRORS, MAX_PAYLOAD_BYTES, charset, decoded
from searcher.text.dates import parse_date

LOGGER = logging.getLogger(__name__)

#: Media types read as HTML pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: The reason a truncated or corrupt record is passed over.
CORRUPT = "truncated or corrupt record"

#: The first bytes of a gzip member.
GZIP_MEMBER = b"\x1f\x8b\x08"
# What warcio says of a gzip member holding more than one record.
_WHOLE_GZIP = "non-chunked gzip"
_WARC_HEADER = b"WARC/1."
_SCAN_BYTES = 1 << 20
_ERRORS = (ArchiveLoadFailed, EOFError, OSError, IndexError, *DECODING_ERRORS)


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


def _next_start(fh: BinaryIO, after: int, gzipped: bool) -> int | None:
    """The offset of the first record start (gzip member or ``WARC/`` header) past ``after``."""
    marker = GZIP_MEMBER if gzipped else _WARC_HEADER
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
    gzipped = fh.read(2) == GZIP_MEMBER[:2]
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
        payload = decoded(raw, record.http_headers)
    except _ERRORS as exc:
        LOGGER.info("record at byte %s: undecodable HTTP body (%s)", offset, exc)
        return "undecodable HTTP body"
    return Capture(offset, url, crawled, payload, charset(record.http_headers))


__all__ = ["CORRUPT", "GZIP_MEMBER", "HTML_TYPES", "Capture", "Record", "records"]
