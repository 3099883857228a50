"""The index on disk, and the only package that touches Whoosh's internals (its
codec, filedb and matching modules and private members): the index folder and
its lock, each generation's table of contents, the segment writer, direct
segment reads, the manifest, checksums, safe unpickling, posting lists read a
block at a time, and the mends to Whoosh's bugs.

Layer: above ``schema``, ``analysis`` and the floor; below ``indexing`` and
``query``. Callers use the names below; the submodules ``checksums``,
``postings`` and ``safepickle``, whose names are generic, are imported as
modules (``from searcher.store import checksums``), and so is the segment
writer (``searcher.store.segment_writer``), which a query process never loads.
"""

from __future__ import annotations

from searcher.store import mends  # noqa: F401  # mends Whoosh for every process that reads an index
from searcher.store.copies import Copies
from searcher.store.folder import (
    READ_ERRORS,
    VERSION_FILE,
    create,
    empty,
    index_exists,
    open_existing,
    read_version,
    reset,
    write_lock,
    write_version,
)
from searcher.store.generations import (
    TEMP_FOLDER,
    commit,
    delete_segment_files,
    fsync_path,
    is_own_file,
    read_toc,
    remove_orphans,
    start_over,
)
from searcher.store.manifest import (
    MANIFEST_NAME,
    FileEntry,
    Manifest,
    StemTable,
    Transaction,
    file_hash,
)
from searcher.store.readers import delete_by_path, live_stored_fields, segment_reader
from searcher.store.reading import Reading

__all__ = [
    "MANIFEST_NAME",
    "READ_ERRORS",
    "TEMP_FOLDER",
    "VERSION_FILE",
    "Copies",
    "FileEntry",
    "Manifest",
    "Reading",
    "StemTable",
    "Transaction",
    "commit",
    "create",
    "delete_by_path",
    "delete_segment_files",
    "empty",
    "file_hash",
    "fsync_path",
    "index_exists",
    "is_own_file",
    "live_stored_fields",
    "open_existing",
    "read_toc",
    "read_version",
    "remove_orphans",
    "reset",
    "segment_reader",
    "start_over",
    "write_lock",
    "write_version",
]
