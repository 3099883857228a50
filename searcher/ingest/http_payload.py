"""The HTTP body of a captured response, as the page's bytes: chunked transfer and
gzip, deflate or br content encoding undone, and the charset the HTTP header gives.

Decoded here rather than by ``warcio``, whose brotli path fails on brotli 1.2.
A body is decoded to at most :data:`MAX_PAYLOAD_BYTES`, so a compression bomb
stops there.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

import brotli

from searcher.ingest.html import MAX_HTML_CHARS

#: Most bytes of one record's HTTP body read (before and after decoding); the
#: HTML reader parses the first :data:`~searcher.ingest.html.MAX_HTML_CHARS`
#: characters of a page only, and the rest of a huge record is streamed past.
MAX_PAYLOAD_BYTES = 2 * MAX_HTML_CHARS
#: The errors a body that is not in the encoding it claims raises.
DECODING_ERRORS = (ValueError, zlib.error, brotli.error)

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


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


def decoded(raw: bytes, headers: Any) -> bytes:
    """The HTTP body of ``raw``, sent with HTTP ``headers``: chunked transfer and
    content encoding undone.

    :raises ValueError: an encoding searcher does not know.
    :raises zlib.error, brotli.error: the body is not in the encoding it claims.
    """
    if (headers.get_header("transfer-encoding") or "").strip().lower() == "chunked":
        raw = _dechunk(raw)
    encoding = (headers.get_header("content-encoding") or "").strip().lower()
    if encoding in ("", "identity", "none"):
        return raw
    if encoding not in ("gzip", "x-gzip", "deflate", "br"):
        raise ValueError(f"content encoding {encoding!r} not supported")
    return _inflate(raw, encoding)


def charset(headers: Any) -> str | None:
    """The charset the HTTP header ``Content-Type`` names, if any."""
    found = _CHARSET.search(headers.get_header("content-type") or "")
    return found.group(1) if found else None


__all__ = ["DECODING_ERRORS", "MAX_PAYLOAD_BYTES", "charset", "decoded"]
