"""Whoosh segments written and committed by hand: fast, durable, lock-free for workers.

Whoosh's own :class:`~whoosh.writing.SegmentWriter` costs about 4 ms an article
on news text: every posting goes through a sorting pool, and every posting's
field length is read back from the column just written. A
:class:`SegmentBuilder` keeps one batch's postings in a dict and hands them to
the codec in term order, with lengths from memory. It writes the same files
Whoosh writes (the W3 codec, a compound ``.seg`` file), so Whoosh reads them as
its own. Several builders run at once, one per worker process, each on a
segment of its own; only the process holding the write lock commits a table of
contents (TOC) naming them.

Durability: Whoosh never calls ``fsync`` and deletes the previous TOC at once,
so a power cut can leave no readable generation. Here every new segment file is
synced before it is named in a TOC; the TOC is synced before its rename, and
the folder after it; only then is an old TOC deleted.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.compat import dumps
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

LOGGER = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
#: Whether commits are synced to disk (tests of logic may turn it off for speed).
DURABLE = True

#: One posting: (docnum, weight, encoded positions).
Posting = tuple[int, float, bytes]


def fsync_path(path: Path, *, directory: bool = False) -> None:
    """Flush one file's (or folder's) data and metadata to disk."""
    if not DURABLE:
        return
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableStorage(FileStorage):  # type: ignore[misc]
    """A :class:`FileStorage` whose renames are durable: the source is synced
    before the rename and the folder after it (Whoosh renames only its TOC)."""

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        fsync_path(Path(self.folder) / oldname)
        super().rename_file(oldname, newname, safe=safe)
        fsync_path(Path(self.folder), directory=True)


#: Terms with at most this many postings keep them in the term table (no block).
INLINE_POSTINGS = 4
#: Postings per block, as Whoosh writes them.
BLOCK_POSTINGS = 128
#: zlib level of posting blocks, as Whoosh; blocks shorter than COMPRESS_FROM stay plain.
COMPRESSION = 3
COMPRESS_FROM = 512


def _quantized(length: int) -> int | None:
    # What Whoosh reads back from the length column: a one-byte approximation.
    byte = length_to_byte(length)
    return byte_to_length(byte) if byte else None


class SegmentBuilder:
    """Writes one new segment from pre-analysed documents, without taking the lock.

    :param index_dir: the index folder.
    :param schema: the index's schema.
    """

    def __init__(self, index_dir: Path, schema: Any) -> None:
        self.storage = FileStorage(str(index_dir))
        self.schema = schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(self.storage, INDEX_NAME)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.postings: dict[str, dict[bytes, list[Posting]]] = {}
        self.lengths: dict[str, dict[int, int]] = {}
        self.docnum = 0

    def add(
        self,
        stored: dict[str, Any],
        items: dict[str, list[tuple[bytes, int, float, bytes]]],
        columns: dict[str, Any],
    ) -> int:
        """Add one document; return its number in this segment.

        :param stored: stored field values.
        :param items: per indexed field, its ``(term, freq, weight, positions)``.
        :param columns: per sortable field, its column value.
        """
        docnum = self.docnum
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        schema = self.schema
        for name in sorted(set(stored) | set(items)):
            field = schema[name]
            length = 0
            field_items = items.get(name)
            if field_items:
                field_postings = self.postings.get(name)
                if field_postings is None:
                    field_postings = self.postings[name] = {}
                for term, freq, weight, vbytes in field_items:
                    entry = (docnum, weight, vbytes)
                    plist = field_postings.get(term)
                    if plist is None:
                        field_postings[term] = [entry]
                    else:
                        plist.append(entry)
                    length += freq
                if not field.scorable:
                    length = 0
                elif length:
                    self.lengths.setdefault(name, {})[docnum] = length
            perdoc.add_field(name, field, stored.get(name) if field.stored else None, length)
        for name, value in columns.items():
            perdoc.add_column_value(name, schema[name].column_type, value)
        perdoc.finish_doc()
        self.docnum += 1
        return docnum

    def finish(self) -> Any | None:
        """Write the segment's files, sync them, and return the segment (``None`` if empty)."""
        self.perdoc.close()
        if not self.docnum:
            self.cancel()
            return None
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        for name in sorted(self.postings):
            lengths = {d: _quantized(n) for d, n in self.lengths.get(name, {}).items()}
            fieldwriter.start_field(name, self.schema[name])
            write_terms(fieldwriter, self.postings[name], lengths)
            fieldwriter.finish_field()
        fieldwriter.close()
        self.postings.clear()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        fsync_path(Path(self.storage.folder) / self.segment.make_filename(".seg"))
        return self.segment

    def cancel(self) -> None:
        """Drop the segment's files."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        delete_segment_files(Path(self.storage.folder), [self.segment.segment_id()])


def write_terms(
    fieldwriter: Any,
    postings: dict[bytes, list[Posting]],
    lengths: dict[int, int | None],
) -> None:
    """Write the terms of the field ``fieldwriter`` is in, in order, with their postings.

    The bytes are those of Whoosh's ``W3PostingsWriter`` (blocks of 128 pickled,
    zlib-compressed postings; the per-block compression flag lets short blocks
    stay plain), without its per-posting bookkeeping. Terms with few postings are
    inlined into the term table, a layout Whoosh 2.7 reads (``ListMatcher``) but
    its writer fails to produce (it calls ``set_inline``, the method is ``set_inlined``).
    """
    fmt = fieldwriter._format
    fixed = fmt.fixed_value_size()
    postfile = fieldwriter._postfile
    add_term = fieldwriter._tindex.add
    prefix = pack_ushort(fieldwriter._fieldid)
    for term in sorted(postings):
        plist = postings[term]
        info = W3TermInfo()
        ids = [p[0] for p in plist]
        weights = [p[1] for p in plist]
        values = [p[2] for p in plist if p[2]]
        doc_lengths = [n for n in (lengths.get(d) for d in ids) if n]
        info._weight = float(sum(weights))
        info._df = len(ids)
        info._minlength = min(doc_lengths) if doc_lengths else None
        info._maxlength = max(doc_lengths) if doc_lengths else 0
        info._maxweight = max(weights)
        info._minid, info._maxid = ids[0], ids[-1]
        if len(ids) <= INLINE_POSTINGS:
            info._inlined = (tuple(ids), tuple(weights), tuple(values))
        else:
            start = postfile.tell()
            postfile.write(WHOOSH3_HEADER_MAGIC)
            for first in range(0, len(ids), BLOCK_POSTINGS):
                last = first + BLOCK_POSTINGS >= len(ids)
                _write_block(postfile, fixed, plist[first : first + BLOCK_POSTINGS], lengths, last)
            info._offset, info._length = start, postfile.tell() - start
        add_term(prefix + term, info.to_bytes())


def _write_block(
    postfile: Any,
    fixed: int | None,
    block: list[Posting],
    lengths: dict[int, int | None],
    last: bool,
) -> None:
    ids = [p[0] for p in block]
    weights = [p[1] for p in block]
    values = [p[2] for p in block if p[2]]
    deltas = tuple(b - a for a, b in zip([0, *ids], ids, strict=False))
    if all(w == 1.0 for w in weights):
        mini_weights: Any = None
    elif all(w == weights[0] for w in weights):
        mini_weights = weights[0]
    else:
        mini_weights = tuple(weights)
    if fixed is None or fixed < 0:
        mini_values: Any = tuple(values)
    else:
        mini_values = None if fixed == 0 else b"".join(values)
    data = dumps((deltas, mini_weights, mini_values), 2)
    comp = COMPRESSION if len(data) >= COMPRESS_FROM else 0
    if comp:
        data = zlib.compress(data, comp)
    doc_lengths = [n for n in (lengths.get(d) for d in ids) if n]
    info = dumps(
        (
            len(ids),
            ids[-1],
            max(weights),
            comp,
            length_to_byte(min(doc_lengths) if doc_lengths else None),
            length_to_byte(max(doc_lengths) if doc_lengths else 0),
        ),
        2,
    )
    size = len(info) + len(data)
    postfile.write(pack_int(-size if last else size))
    postfile.write(info)
    postfile.write(data)


def delete_segment_files(index_dir: Path, segment_ids: Iterable[str]) -> None:
    """Delete every file of the named segments."""
    ids = set(segment_ids)
    for path in index_dir.iterdir():
        match = _SEGMENT_FILE.match(path.name)
        if match and match[1] in ids:
            path.unlink(missing_ok=True)


_SEGMENT_FILE = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.")
_TOC_FILE = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")


def read_toc(index_dir: Path) -> Any:
    """Return the latest TOC of the index (schema, segments, generation)."""
    return TOC.read(FileStorage(str(index_dir)), INDEX_NAME)


def commit(index_dir: Path, schema: Any, segments: list[Any], generation: int) -> None:
    """Write the TOC of ``generation`` naming ``segments``, durably, then delete
    TOCs older than the one before it (kept so a reader opening it still finds it).
    """
    TOC(schema, segments, generation).write(DurableStorage(str(index_dir)), INDEX_NAME)
    for path in index_dir.iterdir():
        match = _TOC_FILE.match(path.name)
        if match and int(match[1]) < generation - 1:
            path.unlink(missing_ok=True)


def remove_orphans(index_dir: Path) -> list[str]:
    """Delete what killed writers leave behind: segment files no TOC names,
    half-written TOCs and temporary folders. Call only while holding the lock.

    :returns: the names of the files deleted.
    """
    try:
        toc = read_toc(index_dir)
    except Exception:  # no readable TOC: leave everything for `verify` to judge
        return []
    live = {s.segment_id() for s in toc.segments}
    removed = []
    for path in sorted(index_dir.iterdir()):
        name = path.name
        match = _SEGMENT_FILE.match(name)
        toc_match = _TOC_FILE.match(name)
        dead = (
            (match is not None and match[1] not in live)
            or (name.startswith(f"_{INDEX_NAME}_") and ".toc." in name)
            or (toc_match is not None and int(toc_match[1]) < toc.generation - 1)
            or (name.endswith(".tmp") and path.is_dir())
        )
        if not dead:
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(name)
    if removed:
        LOGGER.info("removed %d orphan files of killed writers", len(removed))
    return removed


def delete_by_path(
    index_dir: Path, schema: Any, segments: list[Any], paths: list[str], fieldname: str = "path"
) -> int:
    """Mark deleted, in ``segments``, every document whose ``path`` is in ``paths``.

    :param fieldname: the field to match instead (``id``).
    :returns: how many live documents were deleted.
    """
    if not paths:
        return 0
    storage = FileStorage(str(index_dir))
    count = 0
    for segment in segments:
        reader = SegmentReader(storage, schema, segment)
        try:
            for path in paths:
                term = path.encode("utf-8")
                if (fieldname, term) not in reader:
                    continue
                for docnum in reader.postings(fieldname, term).all_ids():
                    if not segment.is_deleted(docnum):
                        segment.delete_document(docnum)
                        count += 1
        finally:
            reader.close()
    return count
