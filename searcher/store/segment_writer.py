"""Whoosh segments written by hand: fast, and lock-free for workers.

Whoosh's own :class:`~whoosh.writing.SegmentWriter` costs about 4 ms an article
on news text: every posting goes through a sorting pool, and every posting's
field length is read back from the column just written. A
:class:`SegmentBuilder` keeps a task's postings in memory and writes each
term's blocks and term info in one go (:mod:`searcher.store.termwriter`), with
lengths from memory. It writes Whoosh's own format (the W3 codec, a compound
``.seg`` file), so Whoosh reads its segments as its own. Several builders run
at once, one per worker process, each on a segment of its own; only the
process holding the write lock commits a table of contents naming them
(:mod:`searcher.store.generations`). Every new segment file is synced before
it can be named in one.
"""

from __future__ import annotations

import pickle
from collections import Counter
from itertools import repeat
from operator import add, rshift
from pathlib import Path
from typing import Any

from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.fields import NUMERIC
from whoosh.filedb.filestore import FileStorage
from whoosh.system import pack_byte, pack_uint
from whoosh.util.numeric import length_to_byte

from searcher.schema import LEXICON
from searcher.store import checksums, generations
from searcher.store.safepickle import INDEX_NAME
from searcher.store.termwriter import PICKLE_PROTOCOL, counted, field_writer, write_terms

#: zlib level of each document's stored fields (Whoosh uses 3). Level 1 keeps a
#: synthetic news story's stored fields in 56% of their bytes (zlib 3: 55%,
#: zstd 3: 56%; `benchmarks/index_size.py`), a fifth of the index at 400k
#: stories; reading a hit back costs some 20 µs more, ten hits a query.
STORED_COMPRESSION = 1


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
        generations.fsync_path(Path(self.storage.folder) / self.segment.make_filename(".seg"))
        checksums.record(self.segment, Path(self.storage.folder))
        return self.segment

    def cancel(self) -> None:
        """Drop the segment's files."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        generations.delete_segment_files(Path(self.storage.folder), [self.segment.segment_id()])


def numeric_items(fieldobj: Any, value: Any) -> FieldItems | None:
    """Return the items of what ``NUMERIC.index`` (dates too) yields for one value
    (read through the field's private struct, hence here):
    the value made sortable once, and each shifted term (one byte of shift, then
    the shifted value) packed at C level; ``None`` for other fields."""
    if (
        not isinstance(fieldobj, NUMERIC)
        or not fieldobj.shift_step
        or isinstance(value, list | tuple)
    ):
        return None
    first = fieldobj.to_bytes(value)
    sortable = fieldobj._struct.unpack(first[1:])[0]
    shifts = range(fieldobj.shift_step, fieldobj.bits, fieldobj.shift_step)
    prefixes = map(pack_byte, shifts)
    shifted = map(fieldobj._struct.pack, map(rshift, repeat(sortable), shifts))
    terms = [first, *map(add, prefixes, shifted)]
    return terms, [1.0] * len(terms), [b""] * len(terms), len(terms)
