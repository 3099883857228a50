"""Writing a field's terms and posting blocks in Whoosh's W3 format, a term at a time.

Whoosh's ``W3PostingsWriter`` and ``OrderedHashWriter`` take one posting and one
key at a time; here each term's blocks and term info are built with C-level
slices and maps, and the term table is written in one go, as the same format,
so Whoosh reads the segments a :class:`~searcher.store.segment_writer.SegmentBuilder`
writes as its own.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from operator import sub
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.filedb.filetables import _hash_functions
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_int, pack_long, pack_ushort

#: Terms with at most this many postings keep them in the term table (no block).
INLINE_POSTINGS = 4
#: Terms whose keys and infos are written to the term table at a time, rather
#: than a field's all at once (a segment's body has some 80,000: their keys,
#: infos and joined bytes came on top of the posting lists not yet freed).
TERMS_PER_WRITE = 4096
#: Postings per block, as Whoosh writes them.
BLOCK_POSTINGS = 128
#: zlib level of posting blocks (0: none); blocks shorter than COMPRESS_FROM stay
#: plain. Whoosh compresses at level 3. Level 1 keeps the body's posting lists
#: in 32% of their bytes (levels 3-9: 31-30%; `benchmarks/index_size.py`): on
#: Reuters the index is 74 MB rather than 109 (stored fields at level 1 too).
#: A block then costs some 8 µs a KB to decompress when first read; an open
#: index keeps the lists it has read, decoded.
COMPRESSION = 1
COMPRESS_FROM = 512
#: Pickle protocol of blocks and inlined postings. Whoosh writes protocol 2, in
#: which each posting value (bytes) becomes a call to ``_codecs.encode`` of a
#: latin-1 string: a block of 128 positions values then takes 105 µs to pickle
#: and 57 µs to load, against 10 and 8 µs, and is nearly twice the size.
#: Whoosh loads any protocol; 3 is the first with bytes and the last unframed
#: (4 adds 4 bytes to a small pickle).
PICKLE_PROTOCOL = 3

#: Whoosh's number for the CRC-32 hash of its hash files (0 is MD5).
CRC32_HASH = 1

# W3TermInfo's layout: flags, total weight, doc freq, min and max length bytes,
# max weight, first and last id.
_TERMINFO = struct.Struct("!BfIBBfII")
# Key and value lengths before each entry of Whoosh's hash file.
_ENTRY_LENGTHS = struct.Struct("!ii")
# The count at the start of a Frequency or Positions posting value.
_COUNT = struct.Struct("!I")
# A slot of one of its hash tables: the key's hash and position.
_HASH_POINTER = struct.Struct("!Iq")


def field_writer(codec: Any, storage: Any, segment: Any) -> Any:
    """Return Whoosh's W3 field writer for ``segment``, its term table hashed with
    CRC-32 rather than MD5: a hash file names its hash function in its header
    and Whoosh's reader takes any of its three, and CRC-32 costs a sixth of
    MD5's hex digest per term (about 0.12 s of a worker's 9 s on Reuters)."""
    writer = codec.field_writer(storage, segment)
    tindex = writer._tindex
    end = tindex.dbfile.tell()
    tindex.dbfile.seek(tindex.startoffset + len(b"HSH3"))  # the hash type byte
    tindex.dbfile.write_byte(CRC32_HASH)
    tindex.dbfile.seek(end)
    tindex.hashtype, tindex.hashfn = CRC32_HASH, _hash_functions[CRC32_HASH]
    return writer


def write_terms(fieldwriter: Any, postings: dict[Any, list[Any]], lengths: bytes | None) -> None:
    """Write the terms of the field ``fieldwriter`` is in, in order, with their postings.

    The bytes are those of Whoosh's ``W3PostingsWriter`` (blocks of 128 pickled,
    zlib-compressed postings; the per-block compression flag lets short blocks
    stay plain) and of its term table, built per term and block with C-level
    slices and maps rather than per posting. Terms with few postings are
    inlined into the term table, a layout Whoosh 2.7 reads (``ListMatcher``) but
    its writer fails to produce (it calls ``set_inline``, the method is ``set_inlined``).

    :param postings: each term's flat ``[docnum, weight, value, ...]`` list, or
        ``[docnum, value, ...]`` when the field's values give the weights.
    :param lengths: the field's length byte per document (``None``: not scorable).
    """
    fmt = fieldwriter._format
    fixed = fmt.fixed_value_size()
    by_count = counted(fmt)
    boost = float(fmt.field_boost)
    postfile = fieldwriter._postfile
    prefix = pack_ushort(fieldwriter._fieldid)
    length_of = lengths.__getitem__ if lengths is not None else None
    offset = postfile.tell()
    terms = sorted(postings)
    infos: list[bytes] = []
    written = 0  # terms already in the term table
    stride = 2 if by_count else 3
    # A value's weight, by value: most values are the same objects (one position,
    # cached by DocumentMaker), whose bytes keep their hash.
    weight_of = _Weights(boost)
    for term in terms:
        if len(infos) >= TERMS_PER_WRITE:  # into the table: a field's are never all held
            _add_terms(
                fieldwriter._tindex, _keys(prefix, terms[written : written + len(infos)]), infos
            )
            written += len(infos)
            infos = []
        flat = postings.pop(term)  # freed as written
        if len(flat) == stride:  # one posting, as most terms have: the same bytes, sooner
            docnum, value = flat[0], flat[-1]
            weight = weight_of[value] if by_count else flat[1]
            length = lengths[docnum] if lengths is not None else 0
            head = _TERMINFO.pack(True, float(weight), 1, length, length, weight, docnum, docnum)
            infos.append(head + _pickle(((docnum,), (weight,), (value,) if value else ())))
            continue
        if by_count:
            ids, values = flat[0::2], flat[1::2]
            weights = list(map(weight_of.__getitem__, values))
        else:
            ids, weights, values = flat[0::3], flat[1::3], flat[2::3]
        if length_of is not None:
            doc_lengths = bytes(map(length_of, ids))
            min_length, max_length = min(doc_lengths), max(doc_lengths)
        else:
            min_length = max_length = 0
        count = len(ids)
        head = _TERMINFO.pack(
            count <= INLINE_POSTINGS,
            float(sum(weights)),
            count,
            min_length,
            max_length,
            max(weights),
            ids[0],
            ids[-1],
        )
        if count <= INLINE_POSTINGS:
            inlined = (tuple(ids), tuple(weights), tuple(filter(None, values)))
            infos.append(head + _pickle(inlined))
        else:
            blocks = [WHOOSH3_HEADER_MAGIC]
            for first in range(0, count, BLOCK_POSTINGS):
                blocks.append(
                    _block(
                        fixed,
                        ids[first : first + BLOCK_POSTINGS],
                        weights[first : first + BLOCK_POSTINGS],
                        values[first : first + BLOCK_POSTINGS],
                        doc_lengths[first : first + BLOCK_POSTINGS] if length_of else None,
                        first + BLOCK_POSTINGS >= count,
                    )
                )
            data = b"".join(blocks)
            postfile.write(data)
            infos.append(head + pack_long(offset) + pack_int(len(data)))
            offset += len(data)
    _add_terms(fieldwriter._tindex, _keys(prefix, terms[written:]), infos)


def _keys(prefix: bytes, terms: list[Any]) -> list[bytes]:
    """The term table's keys of ``terms`` (text, or bytes) in a field of ``prefix``."""
    encoded = map(str.encode, terms) if terms and isinstance(terms[0], str) else terms
    return list(map(prefix.__add__, encoded))


class _Weights(dict[bytes, float]):
    """The weight of each posting value of a field whose values start with the
    count (see :func:`counted`): the count times the field's boost."""

    def __init__(self, boost: float) -> None:
        super().__init__()
        self.boost = boost

    def __missing__(self, value: bytes) -> float:
        weight: float = _COUNT.unpack_from(value)[0] * self.boost
        self[value] = weight
        return weight


def _pickle(value: Any) -> bytes:
    return pickle.dumps(value, PICKLE_PROTOCOL)


def counted(fmt: Any) -> bool:
    """Whether a field's posting values start with the count its weights come from:
    ``Frequency`` values are the count, ``Positions`` ones the count and positions;
    the weight is the count times the field's boost (all tokens weigh 1)."""
    return type(fmt) in (Frequency, Positions)


def _block(
    fixed: int | None,
    ids: list[int],
    weights: list[float],
    values: list[bytes],
    doc_lengths: bytes | None,
    last: bool,
) -> bytes:
    """Return one posting block as ``W3PostingsWriter`` writes it: its size (negative
    for a term's last block), its pickled summary, and its pickled postings."""
    deltas = tuple(map(sub, ids, [0, *ids[:-1]]))
    low, high = min(weights), max(weights)
    if low == high == 1.0:
        mini_weights: Any = None
    elif low == high:
        mini_weights = weights[0]
    else:
        mini_weights = tuple(weights)
    if fixed is None or fixed < 0:
        mini_values: Any = tuple(filter(None, values))
    else:
        mini_values = None if fixed == 0 else b"".join(values)
    data = _pickle((deltas, mini_weights, mini_values))
    comp = COMPRESSION if len(data) >= COMPRESS_FROM else 0
    if comp:
        data = zlib.compress(data, comp)
    min_length = min(doc_lengths) if doc_lengths else 0
    max_length = max(doc_lengths) if doc_lengths else 0
    info = _pickle((len(ids), ids[-1], high, comp, min_length, max_length))
    size = len(info) + len(data)
    return b"".join((pack_int(-size if last else size), info, data))


def _add_terms(tindex: Any, keys: list[bytes], infos: list[bytes]) -> None:
    """Add sorted ``keys`` and their term infos to Whoosh's ordered hash file in one
    write: what ``OrderedHashWriter.add`` does per key, without its per-key writes,
    keeping each key's hash and position in two arrays rather than a tuple in a
    bucket (:func:`_write_hash_tables` writes them)."""
    if not keys:
        return
    if keys[0] <= tindex.lastkey:
        raise ValueError(f"Keys must increase: {tindex.lastkey!r}..{keys[0]!r}")
    compact = tindex.__dict__.get("compact")
    if compact is None:
        compact = tindex.compact = (array("I"), array("q"))
        tindex._write_hashes = lambda: _write_hash_tables(tindex)
    hashes, positions = compact
    dbfile = tindex.dbfile
    position = dbfile.tell()
    index = tindex.index
    chunks: list[bytes] = []
    for key, info in zip(keys, infos, strict=True):
        index.append(position)
        positions.append(position)
        chunks += (_ENTRY_LENGTHS.pack(len(key), len(info)), key, info)
        position += 8 + len(key) + len(info)
    hashes.extend(map(tindex.hashfn, keys))
    dbfile.write(b"".join(chunks))
    tindex.lastkey = keys[-1]


def _write_hash_tables(tindex: Any) -> None:
    """Write the 256 hash tables of Whoosh's hash file, as ``HashWriter._write_hashes``
    does from its buckets (same slots, same probing, same bytes)."""
    hashes, positions = tindex.compact
    buckets: list[list[int]] = [[] for _ in range(256)]
    for entry, digest in enumerate(hashes):
        buckets[digest & 255].append(entry)
    dbfile = tindex.dbfile
    for entries in buckets:
        slots = 2 * len(entries)
        tindex.directory.append((dbfile.tell(), slots))
        slot_hashes, slot_positions = [0] * slots, [0] * slots
        for entry in entries:
            digest = hashes[entry]
            slot = (digest >> 8) % slots
            while slot_positions[slot]:  # no key is at position 0 (the header is)
                slot = (slot + 1) % slots
            slot_hashes[slot], slot_positions[slot] = digest, positions[entry]
        dbfile.write(b"".join(map(_HASH_POINTER.pack, slot_hashes, slot_positions)))
