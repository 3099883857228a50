"""What every reader shares: reading bytes (gzip included), decoding them, tidying text."""

from __future__ import annotations

import codecs
import gzip
import io
import logging
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import IngestError

LOGGER = logging.getLogger(__name__)

#: Largest file (after gunzip) a reader accepts; larger ones are skipped.
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Settings every reader receives.

    :param field_map: for record formats (JSON), our field name -> the record's
        key, e.g. ``{"body": "story_text"}``; it wins over the built-in names.
    :param max_bytes: largest file (after gunzip) to read.
    """

    field_map: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int = MAX_FILE_BYTES


DEFAULT_OPTIONS = ReadOptions()

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
# C0 and C1 controls other than tab and newline never belong in article text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def logical_suffix(path: Path) -> str:
    """Return the suffix that names the format, looking through ``.gz``.

    >>> logical_suffix(Path("page.html.gz")), logical_suffix(Path("a.TXT"))
    ('.html', '.txt')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Return the file's bytes, gunzipped when it is gzip, within ``max_bytes``.

    :raises IngestError: the file cannot be read, is not valid gzip, or is too large.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise IngestError(path, f"larger than the {max_bytes // 2**20} MiB limit per file")
    if data[:2] == _GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise IngestError(path, f"not a readable gzip file ({exc})") from exc
        if len(data) > max_bytes:
            raise IngestError(path, f"unzips to more than the {max_bytes // 2**20} MiB limit")
    return data


def decode(data: bytes, *, declared: str | None = None, path: Path | None = None) -> str:
    """Decode article bytes: BOM first, then the declared charset, UTF-8, and cp1252.

    This is the one place bytes become text. The cp1252 fallback never fails,
    so decoding never raises; it is logged, since it may be a guess.

    >>> decode("São Paulo".encode("utf-8")), decode("£5".encode("cp1252"))
    ('São Paulo', '£5')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            LOGGER.debug("%s: declared charset %r does not fit; trying UTF-8", path, declared)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        LOGGER.info("%s: not valid UTF-8; decoding as cp1252", path or "input")
        return data.decode("cp1252", errors="replace")


def read_text(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> str:
    """Read and decode a text file (gzip or not). :raises IngestError: as :func:`read_bytes`."""
    return decode(read_bytes(path, max_bytes=options.max_bytes), path=path)


def clean_line(text: str) -> str:
    """Collapse runs of spaces and drop control characters in a one-line field."""
    return _SPACES.sub(" ", _CONTROLS.sub(" ", text.replace("\n", " "))).strip()


def clean_body(text: str) -> str:
    """Normalise body text: one space between words, paragraphs split by one blank line."""
    text = _CONTROLS.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = (_SPACES.sub(" ", p).strip() for p in _BLANK_LINES.split(text))
    return "\n\n".join(p for p in paragraphs if p)


# Outlets recognised at the end of a byline ("Dan De Luce, AFP").
KNOWN_OUTLETS = frozenset(
    {
        "afp", "agence france-presse", "ap", "associated press", "the associated press",
        "reuters", "bloomberg", "bbc", "bbc news", "cnn", "dpa", "efe", "ansa", "xinhua",
        "kyodo", "upi", "pa", "press association", "tass", "itar-tass", "the guardian",
        "the new york times", "the washington post", "the times", "financial times",
        "al jazeera", "npr", "time",
    }
)  # fmt: skip
_BYLINE_PREFIX = re.compile(r"^\s*(?:by|from)\s+", re.IGNORECASE)


def split_byline(byline: str) -> tuple[str, str]:
    """Return ``(byline, source)``: the outlet is the part after the last comma
    when it is a known outlet or an acronym.

    >>> split_byline("Dan De Luce, AFP")
    ('Dan De Luce, AFP', 'AFP')
    >>> split_byline("By Jane Roe, Staff Writer")
    ('Jane Roe, Staff Writer', '')
    """
    byline = _BYLINE_PREFIX.sub("", clean_line(byline))
    _, comma, tail = byline.rpartition(",")
    tail = tail.strip()
    if comma and tail and (tail.lower() in KNOWN_OUTLETS or re.fullmatch(r"[A-Z]{2,6}", tail)):
        return byline, tail
    if byline.lower() in KNOWN_OUTLETS:
        return byline, byline
    return byline, ""
