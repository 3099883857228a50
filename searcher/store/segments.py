"""Whoosh segments written and committed by hand: fast, durable, lock-free for workers.

Whoosh's own :class:`~whoosh.writing.SegmentWriter` costs about 4 ms an article
on news text: every posting goes through a sorting pool, and every posting's
field length is read back from the column just written. A
:class:`SegmentBuilder` keeps a task's postings in memory and writes each
term's blocks and term info in one go (:mod:`searcher.store.termwriter`), with
lengths from memory. It writes
Whoosh's own format (the W3 codec, a compound ``.seg`` file), so Whoosh reads
its segments as its own. Several builders run at once, one per worker process, each on a
segment of its own; only the process holding the write lock commits a table of
contents (TOC) naming them.

Durability: Whoosh never calls ``fsync`` and deletes the previous TOC at once,
so a power cut can leave no readable generation. Here every new segment file is
synced before it is named in a TOC; the TOC is synced before its rename, and
the folder after it; only then is an old TOC deleted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.system import pack_uint
from whoosh.util.numeric import length_to_byte

from searcher.schema import LEXICON
from searcher.store import checksums, safepickle
from searcher.store.safepickle import INDEX_NAME, TOC_FILE
from searcher.store.termwriter import PICKLE_PROTOCOL, counted, field_writer, write_terms

LOGGER = logging.getLogger(__name__)

#: Whether commits are synced to disk (tests of logic may turn it off for speed).
DURABLE = True
#: zlib level of each document's stored fields. Whoosh uses 3; level 0 (zlib's
#: stored blocks) takes 3 µs a Reuters story rather than 40, about 0.8 s of CPU
#: on the whole set, for about 9 MB more on disk; reading a hit back is faster too.
STORED_COMPRESSION = 0


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


#: One document's terms in one field: ``(terms, weights, encoded values, field length)``;
#: terms are ``str`` (encoded when written) or ``bytes``, one type per field. The
#: weights may be ``None`` in fields whose weights the values give
#: (:func:`searcher.store.termwriter.counted`).
FieldItems = tuple[list[Any], list[float] | None, list[bytes], int]


class SegmentBuilder:
    """Writes one new segment from pre-analysed documents, without taking the lock.

    Postings stay in memory until :meth:`finish`, each term's as one flat list
    ``[docnum, value, docnum, value, ...]`` in fields whose values give the
    weights (see :func:`~searcher.store.termwriter.counted`), ``[docnum, weight,
    value, ...]`` in others: about 20 bytes a posting.

    :param index_dir: the index folder.
    :param schema: the index's schema.
    """

    def __init__(self, index_dir: Path, schema: Any) -> None:
        self.storage = FileStorage(str(index_dir))
        self.schema = schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(self.storage, INDEX_NAME)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        # Whoosh zlib-compresses each document's stored fields (readers take any level).
        self.perdoc._colwriters["_stored"]._child._level = STORED_COMPRESSION
        # Stored fields are pickled here (protocol 3: Whoosh's 2 turns a date's
        # bytes into a call) and handed to the column under Whoosh's pickling.
        self._stored_column = self.perdoc._colwriters["_stored"]._child
        self.postings: dict[str, dict[Any, list[Any]]] = {}
        self.lengths: dict[str, dict[int, int]] = {}
        self.docnum = 0
        self._stored = [n for n in sorted(schema.names()) if schema[n].stored]
        self._scorable = {n for n in schema.names() if schema[n].scorable}
        self._counted = {n for n in schema.names() if counted(schema[n].format)}
        self._column_types = {n: schema[n].column_type for n in schema.names()}
        #: Per LEXICON field: each word's first document, and how many have it.
        self.first_docs: dict[str, dict[Any, int]] = {}
        self.word_counts: dict[str, Counter[Any]] = {}
        for name in schema.names():
            if isinstance(schema[name], LEXICON):
                self.first_docs[name], self.word_counts[name] = {}, Counter()

    def add(
        self,
        stored: dict[str, Any],
        items: dict[str, FieldItems],
        columns: dict[str, Any],
    ) -> int:
        """Add one document; return its number in this segment.

        :param stored: field values (only the schema's stored fields are kept).
        :param items: per indexed field, its terms (see :data:`FieldItems`).
        :param columns: per sortable field, its column value.
        """
        docnum = self.docnum
        for name, (terms, weights, values, length) in items.items():
            if not terms:
                continue
            if name in self.word_counts:  # distinct words: counted, not posted
                firsts = self.first_docs[name]
                words = terms if isinstance(terms, set) else set(terms)  # (DocumentMaker: a set)
                firsts.update(dict.fromkeys(words.difference(firsts), docnum))
                self.word_counts[name].update(terms)
                continue
            field_postings = self.postings.get(name)
            if field_postings is None:
                field_postings = self.postings[name] = {}
            get = field_postings.get
            if name in self._counted:
                for term, value in zip(terms, values, strict=True):
                    plist = get(term)
                    if plist is None:
                        field_postings[term] = [docnum, value]
                    else:
                        plist += (docnum, value)
            else:
                if weights is None:
                    raise ValueError(f"the {name} field's values do not give its weights")
                for term, weight, value in zip(terms, weights, values, strict=True):
                    plist = get(term)
                    if plist is None:
                        field_postings[term] = [docnum, weight, value]
                    else:
                        plist += (docnum, weight, value)
            if length and name in self._scorable:
                lengths = self.lengths.get(name)
                if lengths is None:
                    lengths = self.lengths[name] = {}
                lengths[docnum] = length
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        fields = {n: v for n in self._stored if (v := stored.get(n)) is not None}
        if fields:  # (what finish_doc() would add, unpickled by the same reader)
            self._stored_column.add(docnum, pickle.dumps(fields, PICKLE_PROTOCOL))
        for name, value in columns.items():
            perdoc.add_column_value(name, self._column_types[name], value)
        perdoc.finish_doc()
        self.docnum += 1
        return docnum

    def _length_bytes(self) -> dict[str, bytes]:
        """Write each field's length column in one go; return the columns' bytes."""
        perdoc = self.perdoc
        columns = {}
        for name, lengths in sorted(self.lengths.items()):
            column = bytearray(self.docnum)
            for docnum, length in lengths.items():
                column[docnum] = length_to_byte(length)
            column_name = f"_{name}_len"  # whoosh3._lenfield
            perdoc._create_column(column_name, LENGTHS_COLUMN)
            writer = perdoc._get_column(column_name)
            writer._dbfile.write(bytes(column))
            writer._count = self.docnum
            perdoc._fieldlengths[name] += sum(lengths.values())
            columns[name] = bytes(column)
        return columns

    def finish(self) -> Any | None:
        """Write the segment's files, sync them, and return the segment (``None`` if empty)."""
        if not self.docnum:
            self.cancel()
            return None
        length_bytes = self._length_bytes()
        self.perdoc.close()
        fieldwriter = field_writer(self.codec, self.storage, self.segment)
        for name, counts in self.word_counts.items():
            firsts = self.first_docs[name]
            if counts:  # one posting a word: its first document, weighed by its count
                self.postings[name] = {w: [firsts[w], pack_uint(n)] for w, n in counts.items()}
        for name in sorted(self.postings):
            fieldwriter.start_field(name, self.schema[name])
            write_terms(fieldwriter, self.postings.pop(name), length_bytes.get(name))
            fieldwriter.finish_field()
        fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        fsync_path(Path(self.storage.folder) / self.segment.make_filename(".seg"))
        checksums.record(self.segment, Path(self.storage.folder))
        return self.segment

    def cancel(self) -> None:
        """Drop the segment's files."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        delete_segment_files(Path(self.storage.folder), [self.segment.segment_id()])


def delete_segment_files(index_dir: Path, segment_ids: Iterable[str]) -> None:
    """Delete every file of the named segments."""
    ids = set(segment_ids)
    for path in index_dir.iterdir():
        match = _SEGMENT_FILE.fullmatch(path.name)
        if match and match[1] in ids:
            path.unlink(missing_ok=True)


# The names of what Whoosh writes, exactly, so that nothing else in the folder
# is ever deleted: a segment's files are its id (``MAIN_`` and 16 characters of
# ``whoosh.util.IDCHARS``: ``Segment._random_id``) and a W3 codec suffix, its
# columns ``.<field>.col`` until they are joined into its ``.seg``; a TOC is
# written as ``_MAIN_<gen>.toc.<time()>``, then renamed.
_SEGMENT_FILE = re.compile(
    rf"({INDEX_NAME}_[0-9a-z]{{16}})\.(?:seg|trm|pst|vps|[A-Za-z0-9_]+\.col)"
)
_TOC_TEMP = re.compile(rf"_{INDEX_NAME}_\d+\.toc\.\d+(?:\.\d+)?")
#: The folder of Whoosh's per-document writers' temporary files (``W3PerDocWriter``
#: asks for ``temp_storage("MAIN.tmp")``), each ``<28 of IDCHARS>.ctmp``
#: (``CompoundWriter``). Every writer leaves the folder behind, emptied.
TEMP_FOLDER = f"{INDEX_NAME}.tmp"
_TEMP_FILE = re.compile(r"[0-9a-z]{28}\.ctmp")


def is_own_file(name: str) -> bool:
    """Whether ``name`` (in an index folder) is a name Whoosh gives what it writes."""
    return name == TEMP_FOLDER or any(
        pattern.fullmatch(name) for pattern in (_SEGMENT_FILE, TOC_FILE, _TOC_TEMP)
    )


def read_toc(index_dir: Path) -> Any:
    """Return the latest TOC of the index (schema, segments, generation), read safely
    (:func:`searcher.store.safepickle.read_toc`)."""
    return safepickle.read_toc(FileStorage(str(index_dir)))


def commit(index_dir: Path, schema: Any, segments: list[Any], generation: int) -> None:
    """Write the TOC of ``generation`` naming ``segments``, durably, then delete
    TOCs older than the one before it (kept so a reader opening it still finds it).
    """
    TOC(schema, segments, generation).write(DurableStorage(str(index_dir)), INDEX_NAME)
    for path in index_dir.iterdir():
        match = TOC_FILE.fullmatch(path.name)
        if match and int(match[1]) < generation - 1:
            path.unlink(missing_ok=True)


def _dead(path: Path, live: set[str], generation: int) -> bool:
    """Whether ``path`` is a file of ours that no TOC from ``generation - 1`` on needs."""
    name = path.name
    segment = _SEGMENT_FILE.fullmatch(name)
    toc = TOC_FILE.fullmatch(name)
    return not path.is_dir() and (
        (segment is not None and segment[1] not in live)
        or (toc is not None and int(toc[1]) < generation - 1)
        or _TOC_TEMP.fullmatch(name) is not None
    )


def _clear_temp_folder(index_dir: Path) -> list[str]:
    """Delete what a killed writer left in Whoosh's temporary folder, then the
    folder; return the names of the files deleted (the folder is no orphan:
    every writer leaves it)."""
    folder = index_dir / TEMP_FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.iterdir()):
        if _TEMP_FILE.fullmatch(path.name) and not path.is_dir():
            path.unlink(missing_ok=True)
            removed.append(f"{TEMP_FOLDER}/{path.name}")
    with contextlib.suppress(OSError):  # it holds files of someone else's
        folder.rmdir()
    return removed


def remove_orphans(index_dir: Path) -> list[str]:
    """Delete what killed writers leave behind: segment files no TOC names,
    half-written TOCs and temporary files; only files named as Whoosh names
    its own are touched. Call only while holding the lock.

    :returns: the names of the files deleted.
    """
    try:
        toc = read_toc(index_dir)
    except Exception:  # no readable TOC: leave everything for `verify` to judge
        return []
    live = {s.segment_id() for s in toc.segments}
    removed = [p.name for p in sorted(index_dir.iterdir()) if _dead(p, live, toc.generation)]
    for name in removed:
        (index_dir / name).unlink(missing_ok=True)
    removed += _clear_temp_folder(index_dir)
    if removed:
        LOGGER.info("removed %d orphan files of killed writers", len(removed))
    return removed


def start_over(index_dir: Path, schema: Any) -> None:
    """Commit a generation naming no segment, then delete every older TOC and
    every segment and temporary file: the index is empty, whatever state it
    was in. Call only while holding the lock."""
    generation = max(safepickle.toc_generations(index_dir), default=-1) + 1
    commit(index_dir, schema, [], generation)
    for path in index_dir.iterdir():
        if _dead(path, set(), generation + 1):
            path.unlink(missing_ok=True)
    _clear_temp_folder(index_dir)


def delete_by_path(
    index_dir: Path, schema: Any, segments: list[Any], paths: list[str], fieldname: str = "path"
) -> int:
    """Mark deleted, in ``segments``, every document whose ``path`` is in ``paths``.

    :param fieldname: the field to match instead (``id``).
    :returns: how many live documents were deleted.
    """
    if not paths:
        return 0
    # Read in place: a mapped segment is copied into memory as a reader opens it
    # (Reuters: +180 MB for two segments), for a few term lookups.
    storage = FileStorage(str(index_dir), supports_mmap=False)
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
