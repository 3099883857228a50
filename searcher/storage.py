"""The index folder on disk: creating it, opening it safely, and taking its write lock.

Whoosh pickles the schema (analyzers included) into the index; it is read back
by :mod:`searcher.safepickle`, which builds only what an index holds.
"""

from __future__ import annotations

import json
import logging
import pickle
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, FileIndex

from searcher.analysis import use_stem_table
from searcher.errors import (
    IndexBusyError,
    IndexCorruptError,
    IndexNotFoundError,
    IndexVersionError,
)
from searcher.safepickle import INDEX_NAME, SafeFileIndex
from searcher.schema import SCHEMA_VERSION, build_schema

LOGGER = logging.getLogger(__name__)

#: A small JSON file beside Whoosh's own, naming the schema version.
VERSION_FILE = "searcher.json"
#: Seconds a writer waits for another process to release the index.
LOCK_TIMEOUT = 5.0

#: What a damaged or foreign index raises while being opened or first read.
READ_ERRORS = (
    EmptyIndexError,
    whoosh_index.IndexError,  # Whoosh's own, raised for a garbled TOC
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
    EOFError,
    AttributeError,
    ImportError,
    IndexError,
    KeyError,
    TypeError,
    ValueError,
    OSError,
)


def index_exists(index_dir: Path) -> bool:
    """Return whether ``index_dir`` holds a searcher index."""
    # Whoosh's own exists_in() opens the index, and raises when it is damaged.
    return (index_dir / VERSION_FILE).is_file() and any(index_dir.glob("_MAIN_*.toc"))


def create(index_dir: Path) -> FileIndex:
    """Create an empty index in ``index_dir`` (made if missing), replacing any index there."""
    index_dir.mkdir(parents=True, exist_ok=True)
    whoosh_index.create_in(str(index_dir), build_schema())
    write_version(index_dir)
    return SafeFileIndex(FileStorage(str(index_dir)), INDEX_NAME)


def write_version(index_dir: Path) -> None:
    """Record this searcher's schema version in ``index_dir``."""
    from searcher import __version__

    (index_dir / VERSION_FILE).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION, "created_by": __version__}) + "\n",
        encoding="utf-8",
    )


def read_version(index_dir: Path) -> str:
    """Return the schema version recorded in ``index_dir``."""
    try:
        info: dict[str, Any] = json.loads((index_dir / VERSION_FILE).read_text(encoding="utf-8"))
        return str(info["schema_version"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(index_dir, f"{VERSION_FILE} is unreadable") from exc


def open_existing(index_dir: Path, *, mmap: bool = True) -> FileIndex:
    """Open the index in ``index_dir``.

    :param mmap: map segment files into memory. Whoosh copies each part of a
        mapped segment into memory when a reader opens it (about 60 ms on
        Reuters), then reads it fast; without mmap it reads the files in place:
        quicker to open, about 20% slower per query. One-shot processes (the
        CLI) open without it, long-lived ones with it.

    :raises IndexNotFoundError: there is none.
    :raises IndexVersionError: it was built with another schema version.
    :raises IndexCorruptError: its files cannot be read.
    """
    if not index_exists(index_dir):
        raise IndexNotFoundError(index_dir)
    found = read_version(index_dir)
    if found != SCHEMA_VERSION:
        raise IndexVersionError(index_dir, found, SCHEMA_VERSION)
    from searcher.manifest import MANIFEST_NAME

    if (index_dir / MANIFEST_NAME).is_file():
        use_stem_table(index_dir / MANIFEST_NAME)  # stems met while indexing
    try:
        ix = SafeFileIndex(FileStorage(str(index_dir), supports_mmap=mmap), INDEX_NAME)
        # Read the table of contents (schema and segment list) now, to fail here;
        # segment files are read by the first search (see Index).
        ix._read_toc()
    except READ_ERRORS as exc:
        raise IndexCorruptError(index_dir, f"{type(exc).__name__}: {exc}") from exc
    return ix


@contextmanager
def write_lock(ix: FileIndex, index_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the index's write lock for a whole run, waiting up to ``timeout`` seconds.

    It is Whoosh's own lock (``flock`` on ``MAIN_WRITELOCK``), so Whoosh writers
    respect it, and the kernel releases it when the process dies: a killed run
    never leaves a stale lock.

    :param timeout: seconds to wait; default :data:`LOCK_TIMEOUT`.
    :raises IndexBusyError: another process held it for longer than ``timeout``.
    """
    lock = ix.lock("WRITELOCK")
    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise IndexBusyError(index_dir)
        time.sleep(0.05)
    try:
        yield
    finally:
        lock.release()


def reset(index_dir: Path) -> FileIndex:
    """Empty the index in ``index_dir`` whatever state it is in (damaged, built with
    another schema version), so it can be rebuilt; the manifest is cleared too.

    :raises IndexBusyError: another process is writing the index.
    """
    from whoosh.filedb.filestore import FileStorage

    from searcher.manifest import Manifest
    from searcher.segments import remove_orphans

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileStorage(str(index_dir)).lock("WRITELOCK")
    deadline = time.monotonic() + LOCK_TIMEOUT
    while not lock.acquire(blocking=False):
        if time.monotonic() >= deadline:
            raise IndexBusyError(index_dir)
        time.sleep(0.05)
    try:
        Manifest(index_dir).clear()
        ix = create(index_dir)
        remove_orphans(index_dir)
    finally:
        lock.release()
    return ix
