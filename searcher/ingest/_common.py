"""What every reader shares: reading bytes (gzip included), decoding them, tidying text."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import logging
import os
import re
import stat
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from searcher.errors import IngestError

LOGGER = logging.getLogger(__name__)

#: Largest file (after gunzip) a reader accepts; larger ones are skipped. A
#: worker holds a file's bytes, text and articles at once, and then their
#: postings: about seven times the file at its peak (a JSON Lines file of 32 MB
#: of records took 280 MB, its process included), whatever the number of workers.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Longest article body kept, in characters (a long news feature is ~50,000);
#: the analyzer needs about 1 s per million characters, and NLTK's tokenizer
#: gives up after 5 s, so bodies past this are cut.
MAX_ARTICLE_CHARS = 1_000_000
#: Longest title, byline, source or URL kept, in characters.
MAX_FIELD_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Settings every reader receives.

    :param field_map: for record formats (JSON), our field name -> the record's
        key, e.g. ``{"body": "story_text"}``; it wins over the built-in names.
    :param max_bytes: largest file (after gunzip) to read; a worker needs
        about seven times the largest file it reads (see :data:`MAX_FILE_BYTES`).
    :param max_article_chars: longest article body kept; longer ones are cut.
    :param max_field_chars: longest title, byline, source or URL kept.
    :param shard: with ``shards`` above 1, keep only the articles whose id
        :func:`shard_of` routes to this shard (one shard of a sharded index).
    :param shards: how many shards the articles are spread over.
    """

    field_map: Mapping[str, str] = field(default_factory=dict)
    max_bytes: int = MAX_FILE_BYTES
    max_article_chars: int = MAX_ARTICLE_CHARS
    max_field_chars: int = MAX_FIELD_CHARS
    shard: int = 0
    shards: int = 1

    def keeps(self, article_id: str) -> bool:
        """Whether the article with this id is read: each is, but in one shard
        of several, only those :func:`shard_of` routes to it."""
        return self.shards <= 1 or shard_of(article_id, self.shards) == self.shard


def shard_of(article_id: str, shards: int) -> int:
    """The shard (from 0) an article belongs to among ``shards``: a stable hash
    of its id (BLAKE2b, 8 bytes), so it stays put across runs, machines and
    Python versions, and a file of thousands of stories spreads evenly."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") % shards


DEFAULT_OPTIONS = ReadOptions()

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096
# Offsets (mod 4) of the NUL bytes of ASCII-range text, per encoding.
_NUL_LAYOUTS = (
    ("utf-32-le", (1, 2, 3)),
    ("utf-32-be", (0, 1, 2)),
    ("utf-16-le", (1, 3)),
    ("utf-16-be", (0, 2)),
)
#: Codecs Python can decode with that are not charsets a page may declare.
#: UTF-16/32 are among them because a page that states its charset in ASCII
#: bytes cannot be UTF-16/32 (HTML5 reads such a declaration as UTF-8), and
#: real UTF-16/32 is found by its BOM or NUL bytes first.
NOT_CHARSETS = frozenset(
    {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "utf-7", "undefined"}
    | {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}
)
# Runs of spaces to make one plain space: two or more, or one that is not a plain
# space. A lone space, between most words, is no match: a text with none to
# change is returned as it is, not rebuilt from a piece per word (a 120 MB
# line took 1.4 GB that way).
_SPACE = r"\t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000"  # and " "
_SPACES = re.compile(rf"[ {_SPACE}]{{2,}}|[{_SPACE}]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
# What str.split() splits at, but a lone space (see _SPACES); for long text.
_WHITESPACE_RUNS = re.compile(r"\s{2,}|[^\S ]")
_SPLIT_CHARS = 100_000
#: Share of binary-looking characters above which a file is not text.
#: Random bytes decoded as cp1252 give about 12.5%; ESC is not counted, so text
#: laced with terminal escapes is still read (and neutralised when printed).
MAX_BINARY_SHARE = 0.08
_SNIFF_CHARS = 65536
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
# C0 and C1 controls other than tab and newline never belong in article text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)\b")
#: Bytes of an XML file looked at by :func:`looks_like_feed`.
FEED_HEAD_BYTES = 2048
#: The start of an article id read from a feed: ids are the feed's, not the file's.
FEED_ID_PREFIX = "feed:"


def looks_like_feed(head: bytes) -> bool:
    """True when the first bytes of an XML file open an RSS, RDF or Atom feed.

    >>> looks_like_feed(b'<?xml version="1.0"?><rss version="2.0">')
    True
    >>> looks_like_feed(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">')
    False
    """
    return bool(_FEED_ROOT.search(head[:FEED_HEAD_BYTES]))


def logical_suffix(path: Path) -> str:
    """Return the suffix that names the format, looking through ``.gz``.

    >>> logical_suffix(Path("page.html.gz")), logical_suffix(Path("a.TXT"))
    ('.html', '.txt')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def _size(n: int) -> str:
    """``n`` bytes for a message: ``200 MiB``, ``1.5 KiB``, ``12 bytes``."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Return the file's bytes, gunzipped when it is gzip, within ``max_bytes``.

    The limit applies to the unzipped size too, so a gzip bomb stops at
    ``max_bytes``. Only regular files are read: the file is opened without
    blocking and checked first, so a FIFO put in place of an article cannot
    hang the run.

    :raises IngestError: the file cannot be read, is not a regular file, is not
        valid gzip, or is too large.
    """
    limit = f"the {_size(max_bytes)} limit per file (`searcher index --max-file-mb` raises it)"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise IngestError(path, "not a regular file (a folder, FIFO or device)")
            if info.st_size > max_bytes:
                raise IngestError(path, f"{_size(info.st_size)} is over {limit}")
            # As much as fstat says, not a buffer of the limit's size; then
            # whatever the file grew by since.
            data = handle.read(min(info.st_size, max_bytes) + 1)
            if info.st_size < len(data) <= max_bytes:
                data += handle.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise IngestError(path, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise IngestError(path, f"larger than {limit}")
    if data[:2] == _GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise IngestError(path, f"not a readable gzip file ({exc})") from exc
        if len(data) > max_bytes:
            raise IngestError(path, f"unzips to more than {limit}")
    return data


def _bomless_utf16_32(data: bytes) -> str | None:
    """Name the UTF-16/32 variant of BOM-less text by where its NUL bytes sit.

    ASCII-range text in UTF-16-LE has a NUL at every odd offset, in UTF-32-LE
    three in every four; UTF-8 and cp1252 text has (almost) none. Looks at the
    first :data:`_SNIFF_BYTES` only.
    """
    head = data[:_SNIFF_BYTES]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    quads = len(head) // 4 * 4
    for encoding, zero_at in _NUL_LAYOUTS:
        if all(head[i:quads:4].count(0) >= 0.9 * (quads // 4) for i in zero_at):
            return encoding
    return None


def decode(data: bytes, *, declared: str | None = None, path: Path | None = None) -> str:
    """Decode article bytes: BOM first, then the declared charset, UTF-8, and cp1252.

    A UTF-8 BOM before bytes that are not UTF-8 (an editor's BOM on a Windows
    file) is dropped and the rest decoded as if it had none, not into
    replacement characters.

    This is the one place bytes become text. BOM-less UTF-16 and UTF-32 are
    recognised by their NUL bytes. A declared charset that is not a text
    encoding (``base64``, ``idna``, ``unicode_escape``...) is ignored. The
    cp1252 fallback never fails, so decoding never raises; it is logged, since
    it may be a guess.

    >>> decode("São Paulo".encode("utf-8")), decode("£5".encode("cp1252"))
    ('São Paulo', '£5')
    >>> decode("Zürich".encode("utf-16-le")), decode("x".encode("utf-32-be"))
    ('Zürich', 'x')
    """
    why = "not valid UTF-8"
    for bom, encoding in _BOMS:
        if data.startswith(bom) and encoding == "utf-8":
            data = data[len(bom) :]
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                # Editors put one before cp1252 text too: such text is read
                # on as if it had none (its declared charset, or cp1252).
                why = "a UTF-8 BOM, but not UTF-8"
            break
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    wide = _bomless_utf16_32(data)
    if wide:
        LOGGER.info("%s: no BOM, but the NUL bytes say %s", path or "input", wide)
        return data.decode(wide, errors="replace")
    if declared and _is_charset(declared):
        try:
            return data.decode(declared)
        except (UnicodeError, ValueError):
            LOGGER.debug("%s: declared charset %r does not fit; trying UTF-8", path, declared)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        LOGGER.info("%s: %s; decoding as cp1252", path or "input", why)
        return data.decode("cp1252", errors="replace")


def _is_charset(name: str) -> bool:
    """True when ``name`` is a codec that decodes bytes to text as a charset does."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    return info.name not in NOT_CHARSETS and getattr(info, "_is_text_encoding", True)


def read_text(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> str:
    """Read and decode a text file (gzip or not).

    :raises IngestError: as :func:`read_bytes`, or the bytes are binary data
        (see :func:`check_not_binary`).
    """
    text = decode(read_bytes(path, max_bytes=options.max_bytes), path=path)
    check_not_binary(text, path)
    return text


def check_not_binary(text: str, path: Path | str) -> None:
    """Refuse decoded text that is binary data: an image or archive named ``.txt``.

    Looks at the first :data:`_SNIFF_CHARS` characters: more than
    :data:`MAX_BINARY_SHARE` of them controls (other than whitespace) or
    undecodable (U+FFFD) means binary.

    :raises IngestError: the text looks binary.
    """
    head = text[:_SNIFF_CHARS]
    odd = len(_BINARY.findall(head))
    if head and odd > MAX_BINARY_SHARE * len(head):
        raise IngestError(
            path, f"binary data, not text ({odd / len(head):.0%} control or undecodable bytes)"
        )


def clean_line(text: str) -> str:
    """Collapse runs of spaces and drop control characters in a one-line field."""
    return _SPACES.sub(" ", _CONTROLS.sub(" ", text.replace("\n", " "))).strip()


def squeeze(text: str) -> str:
    r"""Return ``" ".join(text.split())``, with memory in proportion to the text
    also when it is long (``split`` makes an object per word: 14 times the
    size of a 32 MB paragraph).

    >>> squeeze("  one\ttwo \n three ")
    'one two three'
    """
    if len(text) < _SPLIT_CHARS:
        return " ".join(text.split())
    return _WHITESPACE_RUNS.sub(" ", text).strip(" ")


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
