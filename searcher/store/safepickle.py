"""Reading the pickles of index files without running code they name.

Whoosh pickles the schema and the segment list into each table of contents
(TOC, ``_MAIN_<gen>.toc``), and in segments the postings blocks, term infos,
positions, stored fields and compound directories; it reads them back with
:func:`pickle.loads`, which runs any function a pickle names (``os.system``
by ``__reduce__``). Opening an index would run a crafted one's code, and with
the default ``index/`` folder, so would querying inside an untrusted checkout.

Here they are read by an unpickler that builds only what an index of ours
holds (:data:`ALLOWED_GLOBALS`): the TOC by :func:`read_toc` (Whoosh's format),
which also checks it got a schema and segments, and which
:class:`SafeFileIndex` (a Whoosh index) reads its TOC with; segment pickles by
:func:`restricted_loads` and :func:`restricted_load`, which
:mod:`searcher.store.mends` puts in Whoosh's place.
"""

from __future__ import annotations

import io
import pickle
import re
import struct
from pathlib import Path
from typing import Any, BinaryIO

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.fields import Schema
from whoosh.index import TOC, EmptyIndexError, FileIndex
from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

#: The name Whoosh gives an index's files (its default).
INDEX_NAME = "MAIN"
#: A TOC's file name: ``_MAIN_<generation>.toc`` (``whoosh.index.TOC._filename``).
TOC_FILE = re.compile(rf"_{INDEX_NAME}_(\d+)\.toc")

#: What the pickles of index files may name: the classes and functions found
#: by unpickling the TOCs of indexes built from corpus/ and ../shared/data
#: (Reuters, BBC, the article-extraction benchmark), with deletions, merges
#: and added articles, and every pickle read from their segments while
#: querying, verifying and merging them. One list for both: Whoosh reads a
#: TOC's segment list and segment data through the same function. A schema
#: change that brings a new class adds it here.
ALLOWED_GLOBALS = frozenset(
    {
        ("__builtin__", "frozenset"),  # protocol 2's name for builtins
        ("__builtin__", "long"),
        ("_codecs", "encode"),  # protocol 2 pickles bytes as a latin-1 str
        ("builtins", "int"),
        ("collections", "defaultdict"),
        ("datetime", "datetime"),  # stored dates
        ("re", "_compile"),
        ("searcher.analysis", "NewsNormalizeFilter"),
        ("searcher.analysis", "NltkTokenizer"),
        ("searcher.analysis", "SnowballStemFilter"),
        ("searcher.schema", "LEXICON"),
        ("whoosh.analysis.analyzers", "CompositeAnalyzer"),
        ("whoosh.analysis.filters", "LowercaseFilter"),
        ("whoosh.analysis.filters", "StopFilter"),
        ("whoosh.analysis.filters", "StripFilter"),
        ("whoosh.analysis.tokenizers", "IDTokenizer"),
        ("whoosh.analysis.tokenizers", "RegexTokenizer"),
        ("whoosh.codec.whoosh3", "W3Codec"),
        ("whoosh.codec.whoosh3", "W3Segment"),
        ("whoosh.columns", "FixedBytesColumn"),
        ("whoosh.columns", "NumericColumn"),
        ("whoosh.columns", "VarBytesColumn"),
        ("whoosh.fields", "COLUMN"),
        ("whoosh.fields", "DATETIME"),
        ("whoosh.fields", "ID"),
        ("whoosh.fields", "KEYWORD"),
        ("whoosh.fields", "STORED"),
        ("whoosh.fields", "Schema"),
        ("whoosh.fields", "TEXT"),
        ("whoosh.formats", "Existence"),
        ("whoosh.formats", "Frequency"),
        ("whoosh.formats", "Positions"),
    }
)

#: The TOC format Whoosh 2.7 writes (``whoosh.index._CURRENT_TOC_VERSION``);
#: older ones are read by legacy loaders that unpickle freely.
TOC_VERSION = -111


class ForeignPickleError(pickle.UnpicklingError):
    """A pickle in an index file holds what no searcher index does."""


def _latin1(text: str, encoding: str = "latin1") -> bytes:
    """``_codecs.encode`` as protocol 2 calls it for bytes, and for nothing else."""
    if encoding not in ("latin1", "latin-1"):
        raise ForeignPickleError(f"_codecs.encode with {encoding!r}")
    return text.encode("latin-1")


class _IndexUnpickler(pickle.Unpickler):
    """Builds only the classes of :data:`ALLOWED_GLOBALS`."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_GLOBALS:
            raise ForeignPickleError(f"{module[:60]}.{name[:60]}")
        if (module, name) == ("_codecs", "encode"):
            return _latin1
        return super().find_class(module, name)


_FRAME = b"\x80\x04\x95"  # PROTO 4, FRAME
_LENGTH = struct.Struct("<Q").pack


def _framed(data: bytes) -> io.BytesIO:
    """``data`` as a file, a protocol 3 pickle made one protocol 4 frame.

    An unpickler reading a file asks it for each opcode's bytes, unless they
    come in frames (protocol 4 on): 17 µs rather than 2 µs for a postings
    block, 4 µs framed. Protocol 4 reads every opcode of 3 (not protocol 2's
    Python 2 names of modules, which the unpickler maps only below 3).
    """
    if data[:2] == b"\x80\x03":
        data = _FRAME + _LENGTH(len(data) - 2) + data[2:]
    return io.BytesIO(data)


def restricted_loads(data: bytes) -> Any:
    """Unpickle ``data`` read from an index file, building only :data:`ALLOWED_GLOBALS`.

    :raises ForeignPickleError: it names anything else.
    """
    return _IndexUnpickler(_framed(data)).load()


def restricted_load(file: BinaryIO) -> Any:
    """Unpickle from ``file`` (an index file), as :func:`restricted_loads`."""
    return _IndexUnpickler(file).load()


def _foreign(filename: str, what: str) -> ForeignPickleError:
    return ForeignPickleError(f"{filename} holds {what}: not a searcher index, or a damaged one")


def toc_generations(index_dir: Path) -> list[int]:
    """Return the generations of the TOC files in ``index_dir``, read from their names."""
    if not index_dir.is_dir():
        return []
    found = (TOC_FILE.fullmatch(path.name) for path in index_dir.iterdir())
    return sorted(int(match[1]) for match in found if match)


def read_toc(storage: Any, indexname: str = INDEX_NAME, generation: int | None = None) -> TOC:
    """Read the TOC of ``generation`` (default: the latest) as Whoosh's
    ``TOC.read`` does, unpickling with :func:`restricted_loads`.

    :raises EmptyIndexError: there is no TOC.
    :raises ForeignPickleError: it names a class an index never holds, or
        holds something other than a schema and a list of segments.
    :raises whoosh.index.IndexError: it was written by another architecture,
        another TOC format, or is garbled.
    """
    if generation is None:
        generation = TOC._latest_generation(storage, indexname)
        if generation < 0:
            raise EmptyIndexError(f"Index {indexname!r} does not exist in {storage!r}")
    filename = TOC._filename(indexname, generation)
    stream = storage.open_file(filename)
    try:
        for size in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
            if stream.read_varint() != size:
                raise whoosh_index.IndexError(f"{filename} was written on another architecture")
        if stream.read_int() != -12345:
            raise whoosh_index.IndexError(f"{filename}: number misread (byte order)")
        version = stream.read_int()
        release = (stream.read_varint(), stream.read_varint(), stream.read_varint())
        if version != TOC_VERSION:
            raise whoosh_index.IndexVersionError(f"Can't read TOC format {version}", version)
        try:
            schema = restricted_loads(stream.read_string())
            if stream.read_int() != generation:
                raise whoosh_index.IndexError(f"{filename} names another generation")
            stream.read_int()  # unused
            segments = restricted_loads(stream.read())
        except ForeignPickleError as exc:
            raise _foreign(filename, str(exc)) from exc
    finally:
        stream.close()
    if not isinstance(schema, Schema):
        raise _foreign(filename, f"a {type(schema).__name__} for a schema")
    if not isinstance(segments, list) or not all(isinstance(s, Segment) for s in segments):
        raise _foreign(filename, "something else than a list of segments")
    return TOC(schema, segments, generation, version=version, release=release)


class SafeFileIndex(FileIndex):  # type: ignore[misc]
    """A Whoosh :class:`~whoosh.index.FileIndex` whose TOC is read by :func:`read_toc`.

    Whoosh reads the TOC through ``_read_toc`` for everything (schema, segments,
    readers, searchers, writers) except in ``FileIndex.__init__``, which is
    not called: the first read is the caller's.
    """

    def __init__(self, storage: Any, indexname: str) -> None:
        self.storage = storage
        self._schema = None
        self.indexname = indexname

    def _read_toc(self) -> TOC:
        return read_toc(self.storage, self.indexname)
